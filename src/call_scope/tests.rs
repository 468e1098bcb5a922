//! The call's tag in the thread-local only while the call's future is polled.

use super::*;

const METHOD: &str = "/graphrpc.v1.GraphQueryService/Run";
const REQUEST_ID: &str = "0123abc";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
}

#[test]
fn the_tag_is_put_back_after_each_poll() {
    let tag = Arc::new(CallTag {
        method: METHOD,
        request_id: REQUEST_ID.to_owned(),
    });
    runtime().block_on(async {
        assert!(current().is_none());
        scoped(Some(tag), async {
            assert_eq!(
                current().map(|t| t.request_id.clone()).as_deref(),
                Some(REQUEST_ID)
            );
            tokio::task::yield_now().await;
            assert!(current().is_some());
        })
        .await;
        assert!(current().is_none(), "the tag outlived its call");
    });
}
