#[cfg(not(feature = "unstable-bolt-protocol-impl-v2"))]
use crate::messages::{BoltRequest, BoltResponse};
#[cfg(feature = "unstable-result-summary")]
use crate::summary::{ResultSummary, Streaming};
#[cfg(feature = "unstable-bolt-protocol-impl-v2")]
use crate::{
    BoltType,
    bolt::{Bolt, Discard, MessageResponse as _, Pull, Response, WrapExtra as _},
};
use crate::{
    DeError, RunResult,
    errors::{Error, Result},
    pool::ManagedConnection,
    row::Row,
    txn::TransactionHandle,
    types::BoltList,
};

use futures::{TryStream, stream::try_unfold};
use serde::de::DeserializeOwned;

use std::collections::VecDeque;

#[cfg(feature = "unstable-result-summary")]
type BoxedSummary = Box<ResultSummary>;
#[cfg(not(feature = "unstable-result-summary"))]
type BoxedSummary = ();

/// An abstraction over a stream of rows, this is returned as a result of [`crate::Txn::execute`].
///
/// A stream needs a running transaction to be consumed.
#[must_use = "Results must be streamed through with `next` in order to execute the query"]
pub struct RowStream {
    qid: i64,
    fields: BoltList,
    #[cfg(feature = "unstable-bolt-protocol-impl-v2")]
    available_after: i64,
    state: State,
    fetch_size: usize,
    // graphrpc patch: records stay in field order; a `Row` (a hash map) is built only on demand.
    buffer: VecDeque<BoltList>,
}

impl RowStream {
    pub(crate) fn new(
        qid: i64,
        #[cfg(feature = "unstable-bolt-protocol-impl-v2")] available_after: i64,
        fields: BoltList,
        fetch_size: usize,
        state: State,
    ) -> Self {
        RowStream {
            qid,
            #[cfg(feature = "unstable-bolt-protocol-impl-v2")]
            available_after,
            fields,
            fetch_size,
            state,
            buffer: VecDeque::with_capacity(fetch_size),
        }
    }
}

/// An abstraction over a stream of rows, this is returned as a result of [`crate::Graph::execute`].
///
/// A stream will contain a connection from the connection pool which will be released to the pool
/// when the stream is dropped.
#[must_use = "Results must be streamed through with `next` in order to execute the query"]
pub struct DetachedRowStream {
    stream: RowStream,
    connection: ManagedConnection,
}

impl DetachedRowStream {
    pub(crate) fn new(stream: RowStream, connection: ManagedConnection) -> Self {
        DetachedRowStream { stream, connection }
    }
}

impl RowStream {
    /// graphrpc patch: the column names of the result, in the order of the `RETURN` clause,
    /// known from the RUN response even when the result has no rows.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.fields.value.iter().map(|field| match field {
            crate::BoltType::String(s) => s.value.as_str(),
            _ => "",
        })
    }

    /// graphrpc patch: the next record as its values in field order, without building a
    /// [`Row`] map; `None` once the result is exhausted.
    pub async fn next_record(&mut self, mut handle: impl TransactionHandle) -> Result<Option<BoltList>> {
        loop {
            if let Some(record) = self.buffer.pop_front() {
                return Ok(Some(record));
            }
            match self.state {
                State::Ready => self.pull(handle.connection()).await?,
                State::Pulling | State::Discarding => self.receive(handle.connection()).await?,
                State::Complete(_) => return Ok(None),
            }
        }
    }

    /// graphrpc patch: the next record if one is already buffered (received with the last
    /// PULL), without any I/O; `None` when the next record, or the end, must be awaited with
    /// [`RowStream::next_record`].
    pub fn next_buffered(&mut self) -> Option<BoltList> {
        self.buffer.pop_front()
    }

    /// A call to next() will return a row from an internal buffer if the buffer has any entries,
    /// if the buffer is empty and the server has more rows left to consume, then a new batch of rows
    /// are fetched from the server (using the fetch_size value configured see [`crate::ConfigBuilder::fetch_size`])
    pub async fn next(&mut self, mut handle: impl TransactionHandle) -> Result<Option<Row>> {
        loop {
            if let Some(record) = self.buffer.pop_front() {
                return Ok(Some(Row::new(self.fields.clone(), record)));
            }

            match self.state {
                State::Ready => self.pull(handle.connection()).await?,
                State::Pulling | State::Discarding => self.receive(handle.connection()).await?,
                State::Complete(_) => return Ok(None),
            }
        }
    }

    #[cfg(feature = "unstable-bolt-protocol-impl-v2")]
    async fn pull(&mut self, connection: &mut ManagedConnection) -> Result<()> {
        let pull = Pull::some(self.fetch_size as i64).for_query(self.qid);
        connection.send_as(pull).await?;
        self.state = State::Pulling;
        Ok(())
    }

    #[cfg(not(feature = "unstable-bolt-protocol-impl-v2"))]
    async fn pull(&mut self, connection: &mut ManagedConnection) -> Result<()> {
        let pull = BoltRequest::pull(self.fetch_size, self.qid);
        connection.send(pull).await?;
        self.state = State::Pulling;
        Ok(())
    }

    #[cfg(feature = "unstable-bolt-protocol-impl-v2")]
    async fn discard(&mut self, connection: &mut ManagedConnection) -> Result<()> {
        let discard = Discard::all().for_query(self.qid);
        connection.send_as(discard).await?;
        self.state = State::Discarding;
        Ok(())
    }

    #[cfg(not(feature = "unstable-bolt-protocol-impl-v2"))]
    async fn discard(&mut self, connection: &mut ManagedConnection) -> Result<()> {
        let discard = BoltRequest::discard_all_for(self.qid);
        connection.send(discard).await?;
        self.state = State::Discarding;
        Ok(())
    }

    /// Receives the responses to the request in flight until its summary arrives.
    ///
    /// An error while decoding a single record leaves the state untouched, so the
    /// next call continues to receive the same batch and the connection stays in sync.
    #[cfg(feature = "unstable-bolt-protocol-impl-v2")]
    async fn receive(&mut self, connection: &mut ManagedConnection) -> Result<()> {
        loop {
            let response = connection
                .recv_as::<Response<Vec<Bolt>, Streaming>>()
                .await?;
            match response {
                Response::Detail(record) => {
                    let record = BoltList::from(
                        record
                            .into_iter()
                            .map(BoltType::from)
                            .collect::<Vec<BoltType>>(),
                    );
                    self.buffer.push_back(record);
                }
                otherwise => return self.end_of_batch(connection, otherwise),
            }
        }
    }

    /// The summary (or failure) that ends the response to a PULL or DISCARD.
    #[cfg(feature = "unstable-bolt-protocol-impl-v2")]
    fn end_of_batch(
        &mut self,
        connection: &mut ManagedConnection,
        response: Response<Vec<Bolt>, Streaming>,
    ) -> Result<()> {
        match response {
            Response::Success(Streaming::HasMore) => {
                let discarding = self.state == State::Discarding;
                self.state = State::Ready;
                if discarding {
                    return Err(Error::UnexpectedMessage(
                        "Query returned has_more after a discard_all".into(),
                    ));
                }
                Ok(())
            }
            Response::Success(Streaming::Done(mut s)) => {
                s.set_t_first(self.available_after);
                self.state = State::Complete(s);
                connection.result_consumed();
                Ok(())
            }
            Response::Detail(_) => Err(Error::UnexpectedMessage(
                "a RECORD where the end of a batch was expected".into(),
            )),
            otherwise => {
                let request = self.request_in_flight();
                self.state = State::Ready;
                Err(otherwise.into_error(request))
            }
        }
    }

    /// graphrpc patch: up to `max` records already received, handed to `record` undecoded
    /// (each RECORD message's bytes: structure marker, signature, the fields' list), without
    /// waiting. Returns how many; 0 when the next record, or the end, must be awaited with
    /// [`RowStream::next_raw`]. For a caller that converts records straight from PackStream
    /// into its own format instead of through [`BoltType`]; `record`'s error ends the read
    /// (the connection stays in step: that record was consumed).
    #[cfg(feature = "unstable-bolt-protocol-impl-v2")]
    pub fn raw_buffered(
        &mut self,
        mut handle: impl TransactionHandle,
        max: usize,
        record: &mut (dyn FnMut(&[u8]) -> Result<()> + Send),
    ) -> Result<usize> {
        if !self.buffer.is_empty() || self.state != State::Pulling {
            return Ok(0);
        }
        handle.connection().take_buffered_records(max, record)
    }

    /// graphrpc patch: waits for the next record and hands it to `record` undecoded (see
    /// [`RowStream::raw_buffered`]), sending PULL for the next batch when one ends. Returns
    /// false, without calling `record`, once the result is exhausted. Records already decoded
    /// by [`RowStream::next_record`] must be taken with it first.
    #[cfg(feature = "unstable-bolt-protocol-impl-v2")]
    pub async fn next_raw(
        &mut self,
        mut handle: impl TransactionHandle,
        record: &mut (dyn FnMut(&[u8]) -> Result<()> + Send),
    ) -> Result<bool> {
        if !self.buffer.is_empty() {
            return Err(Error::UnexpectedMessage(
                "decoded records are waiting: take them with next_record first".into(),
            ));
        }
        loop {
            match self.state {
                State::Ready => self.pull(handle.connection()).await?,
                State::Discarding => self.receive(handle.connection()).await?,
                State::Complete(_) => return Ok(false),
                State::Pulling => {
                    let connection = handle.connection();
                    let message = connection.recv_raw().await?;
                    if message.get(1) == Some(&0x71) {
                        record(&message)?;
                        return Ok(true);
                    }
                    let response = Response::<Vec<Bolt>, Streaming>::parse(message)?;
                    self.end_of_batch(connection, response)?;
                }
            }
        }
    }

    /// Receives the responses to the request in flight until its summary arrives.
    ///
    /// An error while decoding a single record leaves the state untouched, so the
    /// next call continues to receive the same batch and the connection stays in sync.
    #[cfg(not(feature = "unstable-bolt-protocol-impl-v2"))]
    async fn receive(&mut self, connection: &mut ManagedConnection) -> Result<()> {
        loop {
            match connection.recv().await? {
                BoltResponse::Success(s) => {
                    let has_more =
                        self.state == State::Pulling && s.get("has_more").unwrap_or(false);
                    self.state = if has_more {
                        State::Ready
                    } else {
                        connection.result_consumed();
                        State::Complete(())
                    };
                    return Ok(());
                }
                BoltResponse::Record(record) => {
                    self.buffer.push_back(record.data);
                }
                otherwise => {
                    let request = self.request_in_flight();
                    self.state = State::Ready;
                    return Err(otherwise.into_error(request));
                }
            }
        }
    }

    fn request_in_flight(&self) -> &'static str {
        match self.state {
            State::Discarding => "DISCARD",
            _ => "PULL",
        }
    }

    /// Return the [`RowStream::next`] item,
    /// converted into a `T` by calling [`crate::row::Row::to`].
    ///
    /// Unlike `next`, this method returns a missing items as an error ([`Error::NoMoreRows`]).
    pub async fn next_as<'this, 'db: 'this, T: DeserializeOwned + 'this>(
        &'this mut self,
        handle: impl TransactionHandle + 'db,
    ) -> Result<T> {
        self.next(handle)
            .await
            .and_then(|row| row.ok_or(Error::NoMoreRows))
            .and_then(|row| row.to::<T>().map_err(Error::DeserializationError))
    }

    /// Return the first [`crate::Row`] in the result.
    ///
    /// If there are 0 results, [`Error::NoMoreRows`] is returned.
    /// If there are 2 or more results, [`Error::NotSingleResult`] is returned.
    pub async fn single(&mut self, mut handle: impl TransactionHandle) -> Result<Row> {
        let row = self
            .next(&mut handle)
            .await
            .and_then(|row| row.ok_or(Error::NoMoreRows))?;
        let None = self.next(handle).await? else {
            return Err(Error::NotSingleResult);
        };
        Ok(row)
    }

    /// Return the first [`crate::Row`] in the result.
    /// converted into a `T` by calling [`crate::row::Row::to`].
    ///
    /// If there are 0 results, [`Error::NoMoreRows`] is returned.
    /// If there are 2 or more results, [`Error::NotSingleResult`] is returned.
    pub async fn single_as<'this, 'db: 'this, T: DeserializeOwned + 'this>(
        &'this mut self,
        handle: impl TransactionHandle + 'db,
    ) -> Result<T> {
        self.single(handle)
            .await
            .and_then(|row| row.to::<T>().map_err(Error::DeserializationError))
    }

    /// Return the first [`crate::Row`] buffered result and consume it.
    ///
    /// Note that this method is not `async` and does not require a `TransactionHandle` because
    /// only buffered results are inspected and no actual communication is done.
    ///
    /// As such, returning `None` does not mean that there are no more results,
    /// it just means that the buffer is empty.
    pub fn pop(&mut self) -> Option<Row> {
        let record = self.buffer.pop_front()?;
        Some(Row::new(self.fields.clone(), record))
    }

    /// Return the first [`crate::Row`] buffered result and consume it,
    /// converted into a `T` by calling [`crate::row::Row::to`].
    ///
    /// Note that this method is not `async` and does not require a `TransactionHandle` because
    /// only buffered results are inspected and no actual communication is done.
    ///
    /// As such, returning [`Error::NoMoreRows`] does not mean that there are no more results,
    /// it just means that the buffer is empty.
    pub fn pop_as<'this, T: DeserializeOwned + 'this>(&'this mut self) -> Result<T> {
        self.pop()
            .ok_or(Error::NoMoreRows)
            .and_then(|row| row.to::<T>().map_err(Error::DeserializationError))
    }

    /// Stop consuming the stream and return a summary, if available.
    /// Stopping the stream will also discard any messages on the server side.
    pub async fn finish(mut self, mut handle: impl TransactionHandle) -> Result<RunResult> {
        loop {
            self.buffer.clear();
            match self.state {
                State::Ready => self.discard(handle.connection()).await?,
                State::Pulling | State::Discarding => self.receive(handle.connection()).await?,
                State::Complete(_) => break,
            }
        }
        #[cfg(feature = "unstable-bolt-protocol-impl-v2")]
        match self.state {
            State::Complete(summary) => Ok(*summary),
            _ => unreachable!("the loop only ends once the stream is complete"),
        }

        #[cfg(not(feature = "unstable-bolt-protocol-impl-v2"))]
        Ok(())
    }

    /// Turns this RowStream into a [`futures::stream::TryStream`] where
    /// every element is a [`crate::row::Row`].
    ///
    /// The stream can only be converted once.
    /// After the returned stream is consumed, this stream can be [`Self::finish`]ed to get the summary.
    #[allow(clippy::wrong_self_convention)]
    pub fn into_stream<'this, 'db: 'this>(
        &'this mut self,
        handle: impl TransactionHandle + 'db,
    ) -> impl TryStream<Ok = Row, Error = Error> + 'this {
        self.convert_rows(handle, Ok)
    }

    /// Turns this RowStream into a [`futures::stream::TryStream`] where
    /// every row is converted into a `T` by calling [`crate::row::Row::to`].
    ///
    /// The stream can only be converted once.
    /// After the returned stream is consumed, this stream can be [`Self::finish`]ed to get the summary.
    #[allow(clippy::wrong_self_convention)]
    pub fn into_stream_as<'this, 'db: 'this, T: DeserializeOwned + 'this>(
        &'this mut self,
        handle: impl TransactionHandle + 'db,
    ) -> impl TryStream<Ok = T, Error = Error> + 'this {
        self.convert_rows(handle, |row| row.to::<T>())
    }

    /// Turns this RowStream into a [`futures::stream::TryStream`] where
    /// the value at the given column is converted into a `T`
    /// by calling [`crate::row::Row::get`].
    ///
    /// The stream can only be converted once.
    /// After the returned stream is consumed, this stream can be [`Self::finish`]ed to get the summary.
    pub fn column_into_stream<'this, 'db: 'this, T: DeserializeOwned + 'db>(
        &'this mut self,
        handle: impl TransactionHandle + 'db,
        column: &'db str,
    ) -> impl TryStream<Ok = T, Error = Error> + 'this {
        self.convert_rows(handle, move |row| row.get::<T>(column))
    }

    fn convert_rows<'this, 'db: 'this, T: 'this>(
        &'this mut self,
        handle: impl TransactionHandle + 'db,
        convert: impl Fn(Row) -> Result<T, DeError> + 'this,
    ) -> impl TryStream<Ok = T, Error = Error> + 'this {
        try_unfold((self, handle, convert), |(stream, mut hd, de)| async move {
            match stream.next(&mut hd).await? {
                Some(row) => match de(row) {
                    Ok(res) => Ok(Some((res, (stream, hd, de)))),
                    Err(e) => Err(Error::DeserializationError(e)),
                },
                None => Ok(None),
            }
        })
    }
}

impl DetachedRowStream {
    /// graphrpc patch: see [`RowStream::keys`].
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.stream.keys()
    }

    /// graphrpc patch: see [`RowStream::next_record`].
    pub async fn next_record(&mut self) -> Result<Option<BoltList>> {
        self.stream.next_record(&mut self.connection).await
    }

    /// graphrpc patch: see [`RowStream::next_buffered`].
    pub fn next_buffered(&mut self) -> Option<BoltList> {
        self.stream.next_buffered()
    }

    /// graphrpc patch: see [`RowStream::raw_buffered`].
    #[cfg(feature = "unstable-bolt-protocol-impl-v2")]
    pub fn raw_buffered(
        &mut self,
        max: usize,
        record: &mut (dyn FnMut(&[u8]) -> Result<()> + Send),
    ) -> Result<usize> {
        self.stream.raw_buffered(&mut self.connection, max, record)
    }

    /// graphrpc patch: see [`RowStream::next_raw`].
    #[cfg(feature = "unstable-bolt-protocol-impl-v2")]
    pub async fn next_raw(
        &mut self,
        record: &mut (dyn FnMut(&[u8]) -> Result<()> + Send),
    ) -> Result<bool> {
        self.stream.next_raw(&mut self.connection, record).await
    }

    /// graphrpc patch: abandon the result. The responses already in flight are drained and a
    /// RESET makes the server stop the query (rolling back an unfinished auto-commit
    /// transaction) before the connection goes back to the pool, instead of leaving it
    /// open until the pool next recycles that connection.
    ///
    /// If that cannot be done within `timeout` (or an exchange was interrupted midway), the
    /// connection is taken out of the pool and closed, which also ends the query server-side.
    pub async fn cancel(mut self, timeout: std::time::Duration) -> Result<()> {
        let outcome = tokio::time::timeout(timeout, async {
            self.connection.drain_pending_responses().await?;
            self.connection.reset().await
        })
        .await
        .unwrap_or(Err(Error::ConnectionTimedOut));
        if outcome.is_err() {
            drop(deadpool::managed::Object::take(self.connection));
        }
        outcome
    }

    /// A call to next() will return a row from an internal buffer if the buffer has any entries,
    /// if the buffer is empty and the server has more rows left to consume, then a new batch of rows
    /// are fetched from the server (using the fetch_size value configured see [`crate::ConfigBuilder::fetch_size`])
    pub async fn next(&mut self) -> Result<Option<Row>> {
        self.stream.next(&mut self.connection).await
    }

    /// Return the [`RowStream::next`] item,
    /// converted into a `T` by calling [`crate::row::Row::to`].
    ///
    /// Unlike `next`, this method returns a missing items as an error ([`Error::NoMoreRows`]).
    pub async fn next_as<'this, T: DeserializeOwned + 'this>(&'this mut self) -> Result<T> {
        self.stream.next_as(&mut self.connection).await
    }

    /// Return the first [`crate::Row`] in the result.
    ///
    /// If there are 0 results, [`Error::NoMoreRows`] is returned.
    /// If there are 2 or more results, [`Error::NotSingleResult`] is returned.
    pub async fn single(&mut self) -> Result<Row> {
        self.stream.single(&mut self.connection).await
    }

    /// Return the first [`crate::Row`] in the result.
    /// converted into a `T` by calling [`crate::row::Row::to`].
    ///
    /// If there are 0 results, [`Error::NoMoreRows`] is returned.
    /// If there are 2 or more results, [`Error::NotSingleResult`] is returned.
    pub async fn single_as<'this, T: DeserializeOwned + 'this>(&'this mut self) -> Result<T> {
        self.stream.single_as(&mut self.connection).await
    }

    /// Return the first [`crate::Row`] buffered result and consume it.
    ///
    /// Note that this method is not `async` and does not require a `TransactionHandle` because
    /// only buffered results are inspected and no actual communication is done.
    ///
    /// As such, returning `None` does not mean that there are no more results,
    /// it just means that the buffer is empty.
    pub fn pop(&mut self) -> Option<Row> {
        self.stream.pop()
    }

    /// Return the first [`crate::Row`] buffered result and consume it,
    /// converted into a `T` by calling [`crate::row::Row::to`].
    ///
    /// Note that this method is not `async` and does not require a `TransactionHandle` because
    /// only buffered results are inspected and no actual communication is done.
    ///
    /// As such, returning [`Error::NoMoreRows`] does not mean that there are no more results,
    /// it just means that the buffer is empty.
    pub fn pop_as<'this, T: DeserializeOwned + 'this>(&'this mut self) -> Result<T> {
        self.stream.pop_as()
    }

    /// Stop consuming the stream and return a summary, if available.
    /// Stopping the stream will also discard any messages on the server side.
    pub async fn finish(mut self) -> Result<RunResult> {
        self.stream.finish(&mut self.connection).await
    }

    /// Turns this RowStream into a [`futures::stream::TryStream`] where
    /// every element is a [`crate::row::Row`].
    ///
    /// The stream can only be converted once.
    /// After the returned stream is consumed, this stream can be [`Self::finish`]ed to get the summary.
    #[allow(clippy::wrong_self_convention)]
    pub fn into_stream(&mut self) -> impl TryStream<Ok = Row, Error = Error> + '_ {
        self.stream.into_stream(&mut self.connection)
    }

    /// Turns this RowStream into a [`futures::stream::TryStream`] where
    /// every row is converted into a `T` by calling [`crate::row::Row::to`].
    ///
    /// The stream can only be converted once.
    /// After the returned stream is consumed, this stream can be [`Self::finish`]ed to get the summary.
    #[allow(clippy::wrong_self_convention)]
    pub fn into_stream_as<'this, T: DeserializeOwned + 'this>(
        &'this mut self,
    ) -> impl TryStream<Ok = T, Error = Error> + 'this {
        self.stream.into_stream_as(&mut self.connection)
    }

    /// Turns this RowStream into a [`futures::stream::TryStream`] where
    /// the value at the given column is converted into a `T`
    /// by calling [`crate::row::Row::get`].
    ///
    /// The stream can only be converted once.
    /// After the returned stream is consumed, this stream can be [`Self::finish`]ed to get the summary.
    pub fn column_into_stream<'this, 'db: 'this, T: DeserializeOwned + 'db>(
        &'this mut self,
        column: &'db str,
    ) -> impl TryStream<Ok = T, Error = Error> + 'this {
        self.stream.column_into_stream(&mut self.connection, column)
    }
}

/// graphrpc patch: decodes one RECORD message handed over by [`RowStream::raw_buffered`] or
/// [`RowStream::next_raw`] into its values, exactly as [`RowStream::next_record`] would have.
#[cfg(feature = "unstable-bolt-protocol-impl-v2")]
///
/// Upstream's decoder panics on a message cut short (it reads past the end); here that is
/// an error, as the caller's conversion of the same bytes reports one.
pub fn decode_record(message: &[u8]) -> Result<Vec<BoltType>> {
    let bytes = bytes::Bytes::copy_from_slice(message);
    let parsed = std::panic::catch_unwind(|| Response::<Vec<Bolt>, Streaming>::parse(bytes))
        .map_err(|_| Error::UnexpectedMessage("a RECORD message cut short".into()))?;
    match parsed? {
        Response::Detail(record) => Ok(record.into_iter().map(BoltType::from).collect()),
        _ => Err(Error::UnexpectedMessage("not a RECORD message".into())),
    }
}

#[derive(Clone, PartialEq, Debug)]
pub(crate) enum State {
    /// No request is in flight, the next batch of records must be requested with PULL.
    Ready,
    /// A PULL is in flight: its records and then its summary are still to be received.
    Pulling,
    /// A DISCARD is in flight: only its summary is still to be received.
    Discarding,
    Complete(BoxedSummary),
}
