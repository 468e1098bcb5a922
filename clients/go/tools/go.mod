// The code generators for the Go client, pinned here (go.sum is the lock) so that
// test.sh installs exactly these into the ignored .local/go-bin.
module github.com/graphrpc/graphrpc/clients/go/tools

go 1.25.0

tool (
	google.golang.org/grpc/cmd/protoc-gen-go-grpc
	google.golang.org/protobuf/cmd/protoc-gen-go
)

require (
	google.golang.org/grpc/cmd/protoc-gen-go-grpc v1.6.2 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)
