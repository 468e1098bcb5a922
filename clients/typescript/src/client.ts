// The connection to a graphrpc server: endpoint, bearer token, TLS or mutual TLS, a default
// deadline, over one HTTP/2 connection (gRPC protocol, Connect for Node).

import { type Client as RpcClient, type Interceptor, createClient } from "@connectrpc/connect";
import { Http2SessionManager, createGrpcTransport } from "@connectrpc/connect-node";
import { GraphQueryService } from "./gen/graphrpc/v1/query_pb.js";
import type { EncodeOptions } from "./conversions/values.js";
import { InvalidParameterError } from "./errors.js";
import { type Connection, Session } from "./session.js";

export interface TlsOptions {
  /** PEM of the CA(s) that signed the server's certificate; the system's CAs when left out. */
  ca?: string | Buffer;
  /** PEM certificate and key of this client, for mutual TLS. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** The name to check the server's certificate against, when not the endpoint's host. */
  servername?: string;
}

export interface ClientOptions {
  /** "http://host:port" (plaintext HTTP/2), "https://host:port" (TLS) or "host:port". */
  endpoint: string;
  /** The bearer token graphrpc's access file knows (sent as `authorization: Bearer …`). */
  token?: string;
  /** TLS settings; giving them makes a "host:port" endpoint use TLS. */
  tls?: TlsOptions;
  /** The deadline of each call in milliseconds, unless the call gives its own. */
  timeoutMs?: number;
  /** The time budget of executeRead/executeWrite, retries included (30 s by default). */
  maxRetryTimeMs?: number;
  /** Send whole JavaScript numbers as INTEGER instead of FLOAT; see EncodeOptions. */
  integerNumbers?: boolean;
}

function baseUrl(options: ClientOptions): string {
  const endpoint = options.endpoint;
  if (/^https?:\/\//.test(endpoint)) return endpoint.replace(/\/+$/, "");
  if (!/^[^/]+:\d+$/.test(endpoint)) {
    throw new InvalidParameterError(
      "endpoint",
      `expected http://host:port, https://host:port or host:port, got "${endpoint}"`,
    );
  }
  return `${options.tls ? "https" : "http"}://${endpoint}`;
}

/**
 * A graphrpc client. Its query methods (run, stream, batch, …, inherited from Session) do
 * not chain bookmarks; `session()` gives a Session that does. Close it when done.
 */
export class Client extends Session {
  private readonly sessions: Http2SessionManager;

  private constructor(connection: Connection, sessions: Http2SessionManager) {
    super(connection, false);
    this.sessions = sessions;
  }

  /** A client for one server. The connection opens with the first call. */
  static connect(options: ClientOptions): Client {
    const url = baseUrl(options);
    const tls = options.tls ?? {};
    const sessions = new Http2SessionManager(
      url,
      { pingIntervalMs: 30_000 },
      {
        ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
        ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
        ...(tls.key !== undefined ? { key: tls.key } : {}),
        ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
      },
    );
    const interceptors: Interceptor[] = [];
    const token = options.token;
    if (token !== undefined) {
      interceptors.push((next) => (request) => {
        request.header.set("authorization", `Bearer ${token}`);
        return next(request);
      });
    }
    const transport = createGrpcTransport({
      baseUrl: url,
      sessionManager: sessions,
      interceptors,
    });
    const rpc: RpcClient<typeof GraphQueryService> = createClient(GraphQueryService, transport);
    const encode: EncodeOptions = { integerNumbers: options.integerNumbers ?? false };
    return new Client(
      { rpc, encode, timeoutMs: options.timeoutMs, maxRetryTimeMs: options.maxRetryTimeMs ?? 30_000 },
      sessions,
    );
  }

  /** A session: each of its calls sees the writes of its earlier ones (bookmarks). */
  session(options: { bookmarks?: readonly string[] } = {}): Session {
    return new Session(this.connection, true, options.bookmarks);
  }

  /** Closes the connection; calls still open fail. */
  close(): void {
    this.sessions.abort();
  }
}
