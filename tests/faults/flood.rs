//! A greedy call is refused on its own, never by closing the HTTP/2 connection that other
//! calls share: a 64 KiB `authorization` header, while bystander calls run on the same
//! connection. (10 000 statements pipelined on one Transaction stream still close the
//! connection: see docs/operations.md, "Limits that protect a shared connection".)

use crate::{
    figure,
    helpers::*,
    raw_grpc::{frame, RawConnection},
};

const RUN: &str = "/graphrpc.v1.GraphQueryService/Run";

async fn bystanders(conn: &RawConnection, calls: i64) -> usize {
    let mut succeeded = 0;
    for i in 0..calls {
        let answer = conn
            .call(
                RUN,
                &[],
                vec![frame(&request("RETURN $i AS i", vec![("i", int(i))]))],
            )
            .await;
        if answer.grpc_status == Some(0) {
            succeeded += 1;
        }
    }
    succeeded
}

#[tokio::test]
async fn a_64_kib_authorization_header_is_refused_on_its_own_call() {
    let app = spawn_app().await;
    let conn = RawConnection::connect(app.addr).await;
    let token = format!("Bearer {}", "a".repeat(64 * 1024));
    let answer = conn
        .call(
            RUN,
            &[("authorization", &token)],
            vec![frame(&request("RETURN 1", vec![]))],
        )
        .await;
    let succeeded = bystanders(&conn, 10).await;
    let ended = conn.ended.lock().expect("lock").clone();
    figure(
        "64 KiB authorization header",
        format_args!(
            "status {:?} {:?}; {succeeded}/10 bystanders on the same connection succeeded; connection end: {}",
            answer.grpc_status,
            answer.grpc_message,
            ended.as_deref().unwrap_or("still open")
        ),
    );
    assert_eq!(
        answer.grpc_status,
        Some(tonic::Code::Unauthenticated as i32),
        "{answer:?}"
    );
    assert_eq!(ended, None, "the connection was closed");
    assert_eq!(succeeded, 10);
}
