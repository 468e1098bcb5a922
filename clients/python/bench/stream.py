"""Streams a 1 000 000-row result (the bench's stream workload: i and 'row-' + i) through the
Python client and reports rows/s and the peak RSS of the client, and of the server when its pid
is given. Not part of make test:

    python3 bench/stream.py ENDPOINT [TOKEN] [--rows N] [--server-pid PID] [--runs R] [--aio]
"""

from __future__ import annotations

import argparse
import asyncio
import threading
import time

from graphrpc import Client
from graphrpc.aio import AsyncClient

QUERY = "UNWIND range(1, $n) AS i RETURN i, 'row-' + toString(i) AS s"


def rss_mib(pid: str = "self") -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class PeakRss:
    """Samples the RSS of the client and the server every 10 ms while a run lasts."""

    def __init__(self, server_pid: str | None) -> None:
        self.server_pid = server_pid
        self.client = self.server = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            self.client = max(self.client, rss_mib())
            if self.server_pid:
                self.server = max(self.server, rss_mib(self.server_pid))

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def sync_run(client: Client, rows: int) -> int:
    count = 0
    with client.stream(QUERY, n=rows, access_mode="read") as stream:
        for record in stream:
            count += record[0] > 0
    return count


async def aio_run(endpoint: str, token: str | None, rows: int) -> int:
    async with AsyncClient(endpoint, token, timeout=600) as client:
        count = 0
        async with client.stream(QUERY, n=rows, access_mode="read") as stream:
            async for record in stream:
                count += record[0] > 0
        return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    # No token for a server without an access file (make bench's).
    parser.add_argument("token", nargs="?")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--server-pid")
    parser.add_argument("--aio", action="store_true")
    args = parser.parse_args()
    client = Client(args.endpoint, args.token, timeout=600)
    sync_run(client, 1000)  # warm-up: connection, imports
    idle = rss_mib()
    for run in range(1, args.runs + 1):
        with PeakRss(args.server_pid) as peak:
            cpu = time.process_time()
            started = time.perf_counter()
            if args.aio:
                count = asyncio.run(aio_run(args.endpoint, args.token, args.rows))
            else:
                count = sync_run(client, args.rows)
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu
        assert count == args.rows, count
        server = f", server peak RSS {peak.server:.1f} MiB" if args.server_pid else ""
        print(
            f"run {run} ({'aio' if args.aio else 'sync'}): {count} rows in {seconds:.2f} s = "
            f"{count / seconds:,.0f} rows/s; client CPU {cpu:.2f} s "
            f"({count / cpu:,.0f} rows per CPU-second); client RSS {idle:.1f} MiB idle, "
            f"{peak.client:.1f} MiB peak{server}"
        )


if __name__ == "__main__":
    main()
