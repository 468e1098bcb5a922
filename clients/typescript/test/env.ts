// The server the suite runs against, from tests/clients.sh. Missing settings fail the suite:
// these tests need the real server and never skip.

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    throw new Error(`${name} is not set: run this suite through tests/clients.sh (make test)`);
  }
  return value;
}

export const env = {
  get endpoint(): string {
    return required("GRAPHRPC_TEST_ENDPOINT");
  },
  get writer(): string {
    return required("GRAPHRPC_TEST_TOKEN_WRITER");
  },
  get reader(): string {
    return required("GRAPHRPC_TEST_TOKEN_READER");
  },
  get admin(): string {
    return required("GRAPHRPC_TEST_TOKEN_ADMIN");
  },
  get conformance(): string {
    return required("GRAPHRPC_TEST_CONFORMANCE");
  },
};
