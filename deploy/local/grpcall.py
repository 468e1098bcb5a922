"""A small grpcurl stand-in: calls graphrpc with JSON, learning the API from server
reflection alone (no .proto files), through Python grpcio.

    python3 grpcall.py 127.0.0.1:50051 list
    python3 grpcall.py 127.0.0.1:50051 describe graphrpc.v1.GraphQueryService
    python3 grpcall.py 127.0.0.1:50051 graphrpc.v1.GraphQueryService/Run '{"cypher": "RETURN 1 AS one"}'
    python3 grpcall.py 127.0.0.1:50051 graphrpc.v1.GraphQueryService/Transaction \
        '[{"begin": {}}, {"statement": {"cypher": "RETURN 1 AS one"}}, {"commit": {}}]'

A client-streaming method takes a JSON list of messages. With GRAPHRPC_TOKEN set, calls
carry `authorization: Bearer $GRAPHRPC_TOKEN`.

Needs grpcio, grpcio-reflection and protobuf (`make run` installs them into .local/pylib).
"""

import json
import os
import sys

import grpc
from google.protobuf import descriptor_pool, json_format, message_factory
from grpc_reflection.v1alpha import reflection_pb2
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)


class ReflectionClient:
    """Builds request and response classes from the server's reflection service."""

    def __init__(self, channel):
        self.channel = channel
        self.pool = descriptor_pool.DescriptorPool(ProtoReflectionDescriptorDatabase(channel))

    def services(self, version="v1"):
        """Service names, asked through reflection `version` (v1 or v1alpha)."""
        # v1 and v1alpha messages are the same on the wire; only the method path differs.
        call = self.channel.stream_stream(
            f"/grpc.reflection.{version}.ServerReflection/ServerReflectionInfo",
            request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
            response_deserializer=reflection_pb2.ServerReflectionResponse.FromString)
        responses = call(iter([reflection_pb2.ServerReflectionRequest(list_services="")]),
                         timeout=10)
        return sorted(s.name for r in responses for s in r.list_services_response.service)

    def method(self, full_method):
        service_name, method_name = full_method.rsplit("/", 1)
        service = self.pool.FindServiceByName(service_name)
        return service, service.methods_by_name[method_name]

    def call(self, full_method, body, timeout=30, metadata=None):
        """Calls with a JSON-shaped dict (a list of them for a client stream); returns a
        dict, or a list of them for a server stream. `metadata`: (key, value) pairs, such
        as ("authorization", "Bearer ...")."""
        service, method = self.method(full_method)
        request_cls = message_factory.GetMessageClass(method.input_type)
        response_cls = message_factory.GetMessageClass(method.output_type)
        path = f"/{service.full_name}/{method.name}"
        if method.client_streaming:
            requests = [json_format.ParseDict(b, request_cls()) for b in body]
            fn = self.channel.stream_stream(path, request_cls.SerializeToString, response_cls.FromString)
            return [json_format.MessageToDict(m)
                    for m in fn(iter(requests), timeout=timeout, metadata=metadata)]
        request = json_format.ParseDict(body, request_cls())
        if method.server_streaming:
            fn = self.channel.unary_stream(path, request_cls.SerializeToString, response_cls.FromString)
            return [json_format.MessageToDict(m)
                    for m in fn(request, timeout=timeout, metadata=metadata)]
        fn = self.channel.unary_unary(path, request_cls.SerializeToString, response_cls.FromString)
        return json_format.MessageToDict(fn(request, timeout=timeout, metadata=metadata))


    def error_details(self, error):
        """The google.rpc.Status of a failed call as a dict, its details (ErrorInfo,
        BadRequest, ...) decoded with descriptors learnt through reflection, as `grpcurl -v`
        prints them; None when the call carries none."""
        raw = dict(error.trailing_metadata() or ()).get("grpc-status-details-bin")
        if raw is None:
            return None
        status_cls = message_factory.GetMessageClass(
            self.pool.FindMessageTypeByName("google.rpc.Status"))
        # Resolving the Any details needs their types in the pool too.
        self.pool.FindMessageTypeByName("google.rpc.ErrorInfo")
        return json_format.MessageToDict(status_cls.FromString(raw), descriptor_pool=self.pool)


def describe(client, name):
    service = client.pool.FindServiceByName(name)
    for m in service.methods:
        client = "stream " if m.client_streaming else ""
        server = "stream " if m.server_streaming else ""
        print(f"rpc {m.name}({client}{m.input_type.full_name}) returns ({server}{m.output_type.full_name})")


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    address, what = argv[1], argv[2]
    with grpc.insecure_channel(address) as channel:
        client = ReflectionClient(channel)
        try:
            if what == "list":
                print("\n".join(client.services()))
            elif what == "describe":
                describe(client, argv[3])
            else:
                body = json.loads(argv[3]) if len(argv) > 3 else {}
                # The token comes from the environment, so it stays out of shell history.
                token = os.environ.get("GRAPHRPC_TOKEN")
                metadata = [("authorization", f"Bearer {token}")] if token else None
                print(json.dumps(client.call(what, body, metadata=metadata), indent=2))
        except grpc.RpcError as e:
            details = client.error_details(e)
            shown = f"\n  Details: {json.dumps(details.get('details', []))}" if details else ""
            sys.exit(f"ERROR:\n  Code: {e.code().name}\n  Message: {e.details()}{shown}")


if __name__ == "__main__":
    main(sys.argv)
