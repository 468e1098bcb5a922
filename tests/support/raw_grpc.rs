//! gRPC by hand over one raw HTTP/2 connection (the `h2` crate): each message goes out as a
//! DATA frame of its own, headers are whatever the test says, and the connection's end
//! (a GOAWAY, say) is kept for the test to see. tonic's client would coalesce messages and
//! refuse to send malformed calls, which these tests need to send.

use std::sync::{Arc, Mutex};

use bytes::{BufMut as _, Bytes, BytesMut};
use h2::client::SendRequest;
use tokio::net::TcpStream;

pub struct RawConnection {
    authority: String,
    send: SendRequest<Bytes>,
    /// How the connection ended, once it has: None while it is up.
    pub ended: Arc<Mutex<Option<String>>>,
}

/// What came back: the HTTP status, the gRPC status and message (from trailers, or from
/// the headers of a trailers-only answer) and the response messages' bytes.
#[derive(Debug, Default)]
pub struct Answer {
    pub http_status: u16,
    pub grpc_status: Option<i32>,
    pub grpc_message: String,
    pub body: Vec<u8>,
}

/// One gRPC message frame: uncompressed flag, length, the protobuf bytes.
pub fn frame(message: &impl prost::Message) -> Bytes {
    let bytes = message.encode_to_vec();
    let mut framed = BytesMut::with_capacity(5 + bytes.len());
    framed.put_u8(0);
    framed.put_u32(u32::try_from(bytes.len()).expect("a small message"));
    framed.put_slice(&bytes);
    framed.freeze()
}

impl RawConnection {
    pub async fn connect(addr: std::net::SocketAddr) -> RawConnection {
        let tcp = TcpStream::connect(addr).await.expect("connect");
        // Answers a test leaves unread must not stop the others: h2 as a client counts them
        // against its connection window (64 KiB by default, after which the server may not
        // send any answer) and against the same frame budget as the server's.
        let (send, connection) = h2::client::Builder::new()
            .initial_connection_window_size(64 << 20)
            .data_frame_budget(64 << 20)
            .handshake(tcp)
            .await
            .expect("h2 handshake");
        let ended = Arc::new(Mutex::new(None));
        let record = ended.clone();
        tokio::spawn(async move {
            let end = match connection.await {
                Ok(()) => "closed".to_owned(),
                Err(e) => format!("{e}"),
            };
            *record.lock().expect("lock") = Some(end);
        });
        RawConnection {
            authority: addr.to_string(),
            send,
            ended,
        }
    }

    /// Opens a call: its request headers are the usual gRPC ones plus `extra` (which may
    /// replace content-type). Returns the response future and the request body's sender.
    pub async fn open(
        &self,
        path: &str,
        extra: &[(&str, &str)],
    ) -> (h2::client::ResponseFuture, h2::SendStream<Bytes>) {
        match self.try_open(path, extra).await {
            Ok(opened) => opened,
            Err(e) => panic!("{e}"),
        }
    }

    /// Like [`RawConnection::open`], but a connection that is gone is an error to count,
    /// not a panic.
    pub async fn try_open(
        &self,
        path: &str,
        extra: &[(&str, &str)],
    ) -> Result<(h2::client::ResponseFuture, h2::SendStream<Bytes>), String> {
        let mut request = http::Request::builder()
            .method("POST")
            .uri(format!("http://{}{path}", self.authority))
            .header("te", "trailers");
        if !extra.iter().any(|(k, _)| *k == "content-type") {
            request = request.header("content-type", "application/grpc");
        }
        for (k, v) in extra {
            request = request.header(*k, *v);
        }
        let mut send = self.send.clone().ready().await.map_err(|e| {
            format!(
                "the connection is gone ({e}): {:?}",
                self.ended.lock().expect("lock")
            )
        })?;
        send.send_request(request.body(()).expect("request"), false)
            .map_err(|e| format!("cannot send the request: {e}"))
    }

    /// A whole call: the given frames, the end of the request, and the answer read fully.
    pub async fn call(&self, path: &str, extra: &[(&str, &str)], frames: Vec<Bytes>) -> Answer {
        let (response, mut body) = self.open(path, extra).await;
        for f in frames {
            body.send_data(f, false).expect("send data");
        }
        body.send_data(Bytes::new(), true).expect("end request");
        read_answer(response).await
    }
}

/// Reads a response to its end.
pub async fn read_answer(response: h2::client::ResponseFuture) -> Answer {
    let response = match response.await {
        Ok(response) => response,
        Err(e) => {
            return Answer {
                grpc_message: format!("stream failed: {e}"),
                ..Answer::default()
            }
        }
    };
    let mut answer = Answer {
        http_status: response.status().as_u16(),
        ..Answer::default()
    };
    read_status(response.headers(), &mut answer);
    let mut body = response.into_body();
    while let Some(chunk) = body.data().await {
        match chunk {
            Ok(chunk) => {
                let _ = body.flow_control().release_capacity(chunk.len());
                answer.body.extend_from_slice(&chunk);
            }
            Err(e) => {
                answer.grpc_message = format!("stream failed: {e}");
                return answer;
            }
        }
    }
    if let Ok(Some(trailers)) = body.trailers().await {
        read_status(&trailers, &mut answer);
    }
    answer
}

fn read_status(headers: &http::HeaderMap, answer: &mut Answer) {
    if let Some(code) = headers
        .get("grpc-status")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
    {
        answer.grpc_status = Some(code);
        answer.grpc_message = headers
            .get("grpc-message")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
    }
}
