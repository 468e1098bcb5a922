//! A streamed result as a `futures::Stream` of records: it holds at most one batch of rows
//! decoded at a time, so memory stays flat however many rows come.

use std::{
    collections::VecDeque,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use futures::{Stream, StreamExt};
use tonic::Streaming;

use crate::{
    client::Client,
    error::{Error, Result},
    proto as pb,
    record::Record,
};

pub(crate) enum Source {
    Run(Streaming<pb::RunStreamResponse>),
    Named(Streaming<pb::RunNamedStreamResponse>),
}

/// One message of either stream, in one shape.
enum Part {
    Header(Vec<String>),
    Rows(Vec<pb::Row>),
    Summary(Box<pb::Summary>),
}

impl Source {
    fn poll_part(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Part>>> {
        use pb::{run_named_stream_response::Message as N, run_stream_response::Message as R};
        let part =
            |p: Option<Part>| p.ok_or_else(|| Error::Decode("an empty stream message".into()));
        match self {
            Source::Run(s) => s.poll_next_unpin(cx).map(|m| {
                m.map(|m| {
                    part(m?.message.map(|m| match m {
                        R::Header(h) => Part::Header(h.keys),
                        R::Rows(b) => Part::Rows(b.rows),
                        R::Summary(s) => Part::Summary(Box::new(s)),
                    }))
                })
            }),
            Source::Named(s) => s.poll_next_unpin(cx).map(|m| {
                m.map(|m| {
                    part(m?.message.map(|m| match m {
                        N::Header(h) => Part::Header(h.keys),
                        N::Rows(b) => Part::Rows(b.rows),
                        N::Summary(s) => Part::Summary(Box::new(s)),
                    }))
                })
            }),
        }
    }
}

/// The records of a streamed result; after the last one, [`RecordStream::summary`] holds
/// the database's summary.
pub struct RecordStream {
    client: Client,
    source: Source,
    keys: Arc<[String]>,
    pending: VecDeque<pb::Row>,
    summary: Option<pb::Summary>,
    done: bool,
}

impl RecordStream {
    /// Waits for the header, so a statement that fails before its first row fails here.
    pub(crate) async fn open(client: Client, mut source: Source) -> Result<RecordStream> {
        let first = futures::future::poll_fn(|cx| source.poll_part(cx)).await;
        let keys = match first {
            Some(Ok(Part::Header(keys))) => keys,
            Some(Err(e)) => return Err(e),
            _ => {
                return Err(Error::Decode(
                    "the stream did not start with a header".into(),
                ))
            }
        };
        Ok(RecordStream {
            client,
            source,
            keys: keys.into(),
            pending: VecDeque::new(),
            summary: None,
            done: false,
        })
    }

    /// The column names.
    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    /// The summary, once the stream has ended.
    pub fn summary(&self) -> Option<&pb::Summary> {
        self.summary.as_ref()
    }
}

impl Stream for RecordStream {
    type Item = Result<Record>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(row) = this.pending.pop_front() {
                return Poll::Ready(Some(Record::from_proto(&this.keys, row)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            match this.source.poll_part(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => {
                    this.done = true;
                    if this.summary.is_none() {
                        return Poll::Ready(Some(Err(Error::Decode(
                            "the stream ended without a summary".into(),
                        ))));
                    }
                }
                Poll::Ready(Some(Err(e))) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(Some(Ok(Part::Rows(rows)))) => this.pending.extend(rows),
                Poll::Ready(Some(Ok(Part::Summary(summary)))) => {
                    this.client.saw_bookmark(&summary.bookmark);
                    this.summary = Some(*summary);
                }
                Poll::Ready(Some(Ok(Part::Header(_)))) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(Error::Decode("a second header".into()))));
                }
            }
        }
    }
}
