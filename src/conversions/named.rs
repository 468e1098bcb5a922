//! RunNamed and RunNamedStream have response messages of their own (one per RPC, so each
//! can evolve alone) with the same fields as Run's and RunStream's, whose execution they
//! share: these move a result from one to the other.

use crate::proto::v1 as pb;

/// A Run result as RunNamed's response.
pub fn named_response(response: pb::RunResponse) -> pb::RunNamedResponse {
    pb::RunNamedResponse {
        keys: response.keys,
        rows: response.rows,
        summary: response.summary,
    }
}

/// A RunStream message as RunNamedStream's.
pub fn named_stream_message(response: pb::RunStreamResponse) -> pb::RunNamedStreamResponse {
    use pb::{run_named_stream_response::Message as Named, run_stream_response::Message};
    pb::RunNamedStreamResponse {
        message: response.message.map(|message| match message {
            Message::Header(header) => Named::Header(header),
            Message::Rows(rows) => Named::Rows(rows),
            Message::Summary(summary) => Named::Summary(summary),
        }),
    }
}
