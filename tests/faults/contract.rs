//! The gRPC contract where graphrpc controls it: a unary call with no request message or
//! with two is UNIMPLEMENTED and runs nothing; a non-gRPC content-type gets HTTP 415 and
//! runs nothing; a deadline already spent (`grpc-timeout: 0n`) runs nothing.

use crate::{
    figure,
    helpers::*,
    raw_grpc::{frame, RawConnection},
};

const RUN: &str = "/graphrpc.v1.GraphQueryService/Run";

/// A write that leaves a trace, and the count of its traces.
fn create(label: &str) -> graphrpc::proto::v1::RunRequest {
    graphrpc::proto::v1::RunRequest {
        access_mode: graphrpc::proto::v1::AccessMode::Write as i32,
        ..request(&format!("CREATE (:{label})"), vec![])
    }
}

async fn created(app: &TestApp, label: &str) -> PbValue {
    app.value(&format!("MATCH (n:{label}) RETURN count(n)"), vec![])
        .await
}

type PbValue = graphrpc::proto::v1::Value;

#[tokio::test]
async fn calls_outside_the_grpc_contract_are_refused_and_run_nothing() {
    let app = spawn_app().await;
    let conn = RawConnection::connect(app.addr).await;

    let none = conn.call(RUN, &[], vec![]).await;
    figure(
        "no request message",
        format_args!("{:?} {:?}", none.grpc_status, none.grpc_message),
    );
    assert_eq!(
        none.grpc_status,
        Some(tonic::Code::Unimplemented as i32),
        "{none:?}"
    );

    let label = unique_label("Twice");
    let two = conn
        .call(
            RUN,
            &[],
            vec![frame(&create(&label)), frame(&create(&label))],
        )
        .await;
    figure(
        "two request messages",
        format_args!("{:?} {:?}", two.grpc_status, two.grpc_message),
    );
    assert_eq!(
        two.grpc_status,
        Some(tonic::Code::Unimplemented as i32),
        "{two:?}"
    );
    assert_eq!(created(&app, &label).await, int(0), "nothing ran");

    let label = unique_label("Json");
    let json = conn
        .call(
            RUN,
            &[("content-type", "application/json")],
            vec![frame(&create(&label))],
        )
        .await;
    figure(
        "content-type application/json",
        format_args!("HTTP {} {:?}", json.http_status, json.grpc_message),
    );
    assert_eq!(json.http_status, 415, "{json:?}");
    assert_eq!(created(&app, &label).await, int(0), "nothing ran");

    let label = unique_label("Spent");
    for _ in 0..20 {
        let spent = conn
            .call(RUN, &[("grpc-timeout", "0n")], vec![frame(&create(&label))])
            .await;
        assert_eq!(
            spent.grpc_status,
            Some(tonic::Code::DeadlineExceeded as i32),
            "{spent:?}"
        );
    }
    assert_eq!(created(&app, &label).await, int(0), "nothing ran");
    figure(
        "grpc-timeout 0n",
        format_args!("20 of 20 DEADLINE_EXCEEDED, 0 statements run"),
    );

    // The connection served all of that and still serves.
    let ok = conn
        .call(RUN, &[], vec![frame(&request("RETURN 1", vec![]))])
        .await;
    assert_eq!(ok.grpc_status, Some(0), "{ok:?}");
}

/// One HPACK "literal header field without indexing, new name", for short ASCII strings.
fn literal(block: &mut Vec<u8>, name: &str, value: &str) {
    block.push(0);
    block.push(u8::try_from(name.len()).expect("short"));
    block.extend_from_slice(name.as_bytes());
    block.push(u8::try_from(value.len()).expect("short"));
    block.extend_from_slice(value.as_bytes());
}

fn refused_malformed() -> f64 {
    let rendered = graphrpc::telemetry::metrics().render();
    rendered
        .lines()
        .find(|l| l.starts_with("graphrpc_requests_refused_total{reason=\"malformed-headers\"}"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn a_list_of_addresses_sent_as_authority_is_counted_when_http2_resets_it() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    // The layer that sees h2's refusals is part of the subscriber graphrpc installs.
    let _telemetry = graphrpc::telemetry::init(graphrpc::configuration::LogFormat::Human, "warn");
    let app = spawn_app().await;
    let before = refused_malformed();

    // By hand: no HTTP/2 client library sends an authority that is not one.
    let mut tcp = tokio::net::TcpStream::connect(app.addr)
        .await
        .expect("connect");
    tcp.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
        .await
        .expect("preface");
    tcp.write_all(&[0, 0, 0, 4, 0, 0, 0, 0, 0])
        .await
        .expect("SETTINGS");
    let mut block = Vec::new();
    literal(&mut block, ":method", "POST");
    literal(&mut block, ":scheme", "http");
    literal(&mut block, ":path", "/graphrpc.v1.GraphQueryService/Run");
    literal(&mut block, ":authority", "127.0.0.1:50051,127.0.0.1:50052");
    literal(&mut block, "content-type", "application/grpc");
    literal(&mut block, "te", "trailers");
    let length = u32::try_from(block.len()).expect("short").to_be_bytes();
    // HEADERS, END_STREAM | END_HEADERS, stream 1.
    let mut frame = vec![length[1], length[2], length[3], 1, 0x5, 0, 0, 0, 1];
    frame.extend_from_slice(&block);
    tcp.write_all(&frame).await.expect("HEADERS");

    let reset = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        loop {
            let mut head = [0u8; 9];
            tcp.read_exact(&mut head).await.expect("a frame");
            let length =
                usize::from(head[0]) << 16 | usize::from(head[1]) << 8 | usize::from(head[2]);
            let mut payload = vec![0u8; length];
            tcp.read_exact(&mut payload).await.expect("its payload");
            let stream = u32::from_be_bytes([head[5], head[6], head[7], head[8]]) & 0x7fff_ffff;
            if head[3] == 3 && stream == 1 {
                return u32::from_be_bytes([payload[0], payload[1], payload[2], payload[3]]);
            }
        }
    })
    .await
    .expect("a RST_STREAM within 5 s");
    // The count is recorded as h2 logs, before it resets the stream.
    let after = refused_malformed();
    figure(
        "list of addresses as :authority",
        format_args!("RST_STREAM error code {reset}; graphrpc_requests_refused_total{{reason=\"malformed-headers\"}} {before} -> {after}"),
    );
    assert_eq!(reset, 1, "PROTOCOL_ERROR");
    assert!(after >= before + 1.0, "the refusal was not counted");
}
