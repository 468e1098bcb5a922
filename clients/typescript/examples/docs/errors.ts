import { Client, ClientError, DeadlineExceededError, GraphRpcError } from "@graphrpc/client";

const client = Client.connect({
  endpoint: process.env.GRAPHRPC_ENDPOINT ?? "http://127.0.0.1:50051",
  token: process.env.GRAPHRPC_TOKEN,
});

try {
  await client.batch([{ cypher: "CREATE (:DocsExample)" }, { cypher: "RETURN RETURN" }]);
} catch (error) {
  if (error instanceof ClientError) {
    // code and reason from the gRPC status and its ErrorInfo; neo4jCode and statementIndex
    // from its metadata.
    console.log(error.code, error.reason, error.neo4jCode, "at statement", error.statementIndex);
  } else throw error;
}

try {
  await client.run(
    "UNWIND range(1, 4000) AS a UNWIND range(1, 4000) AS b RETURN count(*)",
    {},
    {
      timeoutMs: 200,
    },
  );
} catch (error) {
  console.log("deadline:", error instanceof DeadlineExceededError);
  // Every error of a call is a GraphRpcError; `retryable` says whether trying again may help.
  console.log("retryable:", error instanceof GraphRpcError && error.retryable);
}
client.close();
