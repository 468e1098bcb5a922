//! The gRPC contract where graphrpc controls it: a unary call with no request message or
//! with two is UNIMPLEMENTED and runs nothing; a non-gRPC content-type gets HTTP 415 and
//! runs nothing; a deadline already spent (`grpc-timeout: 0n`) runs nothing.

use crate::{
    figure,
    helpers::*,
    raw_grpc::{frame, RawConnection},
};

const RUN: &str = "/graphrpc.v1.GraphQuery/Run";

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
