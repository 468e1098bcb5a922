"""The generated protobuf and gRPC code of graphrpc.v1 (clients/python/gen.sh; do not edit
the *_pb2* files by hand). Most programs use graphrpc.Client instead."""
