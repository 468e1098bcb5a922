//! Routing through a front that answers ROUTE for three standalone ArcadeDB members, one
//! scenario after the other on the same members (starting ArcadeDB costs seconds each):
//! writes to the writer and reads to the readers, the table refreshed after its TTL,
//! bookmarks passed through, the writer SIGKILLed under load and a new one "elected", and
//! the killed member used again once it is back.

use std::{
    collections::{BTreeMap, HashSet},
    sync::{
        atomic::{AtomicBool, AtomicI64, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use graphrpc::proto::v1 as pb;
use nix::{sys::signal, unistd::Pid};

use crate::{
    bolt_proxy::{BoltProxy, Table},
    figure,
    helpers::*,
};

/// How long the front waits after the writer dies before it names another (a Raft
/// election; ArcadeDB's with shortened timeouts took about 3 s outside the project).
const ELECTION: Duration = Duration::from_secs(2);
/// The routing table's TTL, short so that refreshes happen within the test.
const TTL_SECONDS: i64 = 1;
/// Every call's deadline under load.
const DEADLINE: Duration = Duration::from_secs(1);

struct Member {
    db: OwnGraphDb,
    proxy: BoltProxy,
}

impl Member {
    fn address(&self) -> String {
        self.proxy.address()
    }

    fn pid(&self) -> i32 {
        std::fs::read_to_string(self.db.home.path().join("server.pid"))
            .expect("the member's pid file")
            .trim()
            .parse()
            .expect("a pid")
    }

    /// The ids of the :Ack nodes on this member, read directly (not through graphrpc).
    async fn acks(&self) -> Vec<i64> {
        let target = self.db.target();
        let config = neo4rs::ConfigBuilder::default()
            .uri(&target.uri)
            .user(&target.username)
            .password(&target.password)
            .db(target.database.as_str())
            .max_connections(1)
            .build()
            .expect("config");
        let graph = neo4rs::Graph::connect(config).expect("driver");
        let mut rows = graph
            .execute(neo4rs::query("MATCH (n:Ack) RETURN n.id AS id"))
            .await
            .expect("count acks");
        let mut ids = Vec::new();
        while let Some(row) = rows.next().await.expect("row") {
            ids.push(row.get::<i64>("id").expect("id"));
        }
        ids
    }
}

fn set_table(table: &Mutex<Table>, writers: &[&Member], readers: &[&Member]) {
    let mut table = table.lock().expect("lock");
    table.writers = writers.iter().map(|m| m.address()).collect();
    table.readers = readers.iter().map(|m| m.address()).collect();
}

fn run(cypher: &str, mode: pb::AccessMode, params: Vec<(&str, pb::Value)>) -> pb::RunRequest {
    pb::RunRequest {
        access_mode: mode as i32,
        ..request(cypher, params)
    }
}

fn batch(cypher: &str, mode: pb::AccessMode, bookmarks: Vec<String>) -> pb::RunBatchRequest {
    pb::RunBatchRequest {
        statements: vec![pb::BatchStatement {
            cypher: cypher.to_owned(),
            ..Default::default()
        }],
        access_mode: mode as i32,
        bookmarks,
        ..Default::default()
    }
}

// Two worker threads, as the real server has, so the callers' timers are not the app's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routing_through_a_front_for_three_standalone_members() {
    let started = Instant::now();
    // Three members started at once (each `graphdb.sh start` waits for its server).
    let dbs: Vec<OwnGraphDb> = std::thread::scope(|scope| {
        let starts: Vec<_> = (0..3).map(|_| scope.spawn(OwnGraphDb::start)).collect();
        starts
            .into_iter()
            .map(|s| s.join().expect("member start"))
            .collect()
    });
    let mut members = Vec::new();
    for db in dbs {
        let proxy = BoltProxy::start(format!("127.0.0.1:{}", db.bolt_port), None).await;
        members.push(Member { db, proxy });
    }
    let (m1, m2, m3) = (&members[0], &members[1], &members[2]);
    // The front passes the login through to m3, which is never killed, and answers ROUTE.
    let table = Arc::new(Mutex::new(Table {
        ttl_seconds: TTL_SECONDS,
        db: "graph".into(),
        ..Table::default()
    }));
    let front = BoltProxy::start(
        format!("127.0.0.1:{}", m3.db.bolt_port),
        Some(table.clone()),
    )
    .await;
    table.lock().expect("lock").routers = vec![front.address()];
    set_table(&table, &[m1], &[m2, m3]);
    let target = TestDb {
        uri: format!("neo4j://{}", front.address()),
        ..m3.db.target()
    };
    let app = spawn_with_settings(settings(&target, &["--connect-timeout", "1s"])).await;
    figure(
        "routing",
        format_args!(
            "three members and the front ready in {:?}",
            started.elapsed()
        ),
    );

    writes_to_the_writer_and_reads_to_the_readers(&app, &members).await;
    the_table_is_refreshed_after_its_ttl(&app, &members, &table, &front).await;
    bookmarks_pass_through(&app, &members).await;
    set_table(&table, &[m1], &[m2, m3]);
    tokio::time::sleep(Duration::from_millis(1200)).await; // the table above is in use
    the_writer_sigkilled_under_load(&app, &members, &table).await;
    let versions: Vec<Vec<String>> = std::iter::once(&front)
        .chain(members.iter().map(|m| &m.proxy))
        .map(BoltProxy::versions)
        .collect();
    figure(
        "routing bolt",
        format_args!("Bolt versions negotiated (front, m1, m2, m3): {versions:?}"),
    );
}

async fn writes_to_the_writer_and_reads_to_the_readers(app: &TestApp, members: &[Member]) {
    for i in 0..20 {
        app.run(run(
            "CREATE (:Routed {phase: 'split', i: $i})",
            pb::AccessMode::Write,
            vec![("i", int(i))],
        ))
        .await
        .expect("a routed write");
        app.run(run(
            "MATCH (n:Routed) WHERE n.phase = 'split-read' RETURN count(n)",
            pb::AccessMode::Read,
            vec![],
        ))
        .await
        .expect("a routed read");
    }
    let count = |m: &Member, marker: &str| m.proxy.runs(marker).len();
    let writes: Vec<usize> = members.iter().map(|m| count(m, "phase: 'split'")).collect();
    let reads: Vec<usize> = members.iter().map(|m| count(m, "'split-read'")).collect();
    figure(
        "routing split",
        format_args!("20 writes reached the members as {writes:?}, 20 reads as {reads:?} (m1 is the writer, m2 and m3 the readers)"),
    );
    assert_eq!(writes, vec![20, 0, 0], "every write on the writer");
    assert_eq!(reads[0], 0, "no read on the writer");
    assert_eq!(reads[1] + reads[2], 20, "every read on a reader");
    assert!(
        reads[1] > 0 && reads[2] > 0,
        "reads spread over both readers"
    );
    assert!(
        members[0]
            .proxy
            .runs("split-read")
            .iter()
            .all(|s| s.is_read()),
        "reads are sent in READ mode"
    );
}

async fn the_table_is_refreshed_after_its_ttl(
    app: &TestApp,
    members: &[Member],
    table: &Mutex<Table>,
    front: &BoltProxy,
) {
    let (m1, m2) = (&members[0], &members[1]);
    let routes_before = front.routes();
    // m3 leaves the readers: once the driver's copy expires, reads go to m2 only.
    set_table(table, &[m1], &[m2]);
    let changed = Instant::now();
    // The last read that still reached m3, counted from the change.
    let (mut last_on_m3, mut reads) = (Duration::ZERO, 0);
    while changed.elapsed() < Duration::from_secs(4) {
        let marker = format!("'ttl-{reads}'");
        app.run(run(
            &format!("RETURN {marker} AS marker"),
            pb::AccessMode::Read,
            vec![],
        ))
        .await
        .expect("a read");
        if !members[2].proxy.runs(&marker).is_empty() {
            last_on_m3 = changed.elapsed();
        }
        reads += 1;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let routes = front.routes() - routes_before;
    figure(
        "routing ttl",
        format_args!("TTL {TTL_SECONDS} s: the last of {reads} reads to reach the removed reader was {last_on_m3:?} after the table changed; {routes} ROUTE requests in 4 s"),
    );
    assert!(
        last_on_m3 <= Duration::from_secs_f64(TTL_SECONDS as f64 + 1.5),
        "the table was not refreshed within its TTL: a read reached m3 {last_on_m3:?} after the change"
    );
    assert!(
        routes >= 2,
        "the driver asked for the table again ({routes} ROUTEs in 4 s)"
    );
}

async fn bookmarks_pass_through(app: &TestApp, members: &[Member]) {
    let (m1, m2) = (&members[0], &members[1]);
    let bookmark = "graphrpc-test:bookmark:1";
    m1.proxy.set_commit_bookmark(Some(bookmark));
    let committed = app
        .client
        .clone()
        .run_batch(batch(
            "CREATE (:Routed {phase: 'bookmark'})",
            pb::AccessMode::Write,
            vec![],
        ))
        .await
        .expect("a committed batch")
        .into_inner();
    m1.proxy.set_commit_bookmark(None);
    assert_eq!(
        committed.bookmark, bookmark,
        "the commit's bookmark reaches the caller"
    );
    // The caller sends it back with its next read: the read's BEGIN carries it.
    app.client
        .clone()
        .run_batch(batch(
            "MATCH (n:Routed) WHERE n.phase = 'bookmark-read' RETURN count(n)",
            pb::AccessMode::Read,
            vec![committed.bookmark.clone()],
        ))
        .await
        .expect("a read after the bookmark");
    let begins: Vec<Vec<String>> = m2
        .proxy
        .seen()
        .into_iter()
        .filter(|s| s.message == "BEGIN")
        .map(|s| s.bookmarks())
        .filter(|b| !b.is_empty())
        .collect();
    figure(
        "routing bookmarks",
        format_args!("COMMIT answered with bookmark {bookmark:?}; the caller got {:?}; the next read's BEGIN on the reader carried {begins:?}", committed.bookmark),
    );
    assert_eq!(begins, vec![vec![bookmark.to_owned()]]);
}

/// One call's record: when it started, how long it took, whether it succeeded.
type Calls = Arc<Mutex<Vec<(Instant, Duration, bool)>>>;

async fn the_writer_sigkilled_under_load(app: &TestApp, members: &[Member], table: &Mutex<Table>) {
    let (m1, m2, m3) = (&members[0], &members[1], &members[2]);
    let stop = Arc::new(AtomicBool::new(false));
    let next_id = Arc::new(AtomicI64::new(0));
    let acked: Arc<Mutex<Vec<i64>>> = Arc::default();
    let (reads, writes): (Calls, Calls) = Default::default();
    // How the failed calls failed, by gRPC code.
    let failures: Arc<Mutex<BTreeMap<String, usize>>> = Arc::default();
    let mut callers = Vec::new();
    for caller in 0..8 {
        let (client, stop, next_id, acked) = (
            app.client.clone(),
            stop.clone(),
            next_id.clone(),
            acked.clone(),
        );
        let failures = failures.clone();
        let calls = if caller < 4 {
            reads.clone()
        } else {
            writes.clone()
        };
        callers.push(tokio::spawn(async move {
            let mut client = client;
            while !stop.load(Ordering::Relaxed) {
                let id = next_id.fetch_add(1, Ordering::Relaxed);
                let message = if caller < 4 {
                    run(
                        "MATCH (n:Ack) RETURN count(n)",
                        pb::AccessMode::Read,
                        vec![],
                    )
                } else {
                    run(
                        "CREATE (:Ack {id: $id})",
                        pb::AccessMode::Write,
                        vec![("id", int(id))],
                    )
                };
                let mut call = tonic::Request::new(message);
                call.set_timeout(DEADLINE);
                let started = Instant::now();
                let outcome = client.run(call).await;
                let ok = outcome.is_ok();
                if let Err(status) = outcome {
                    let kind = if caller < 4 { "read" } else { "write" };
                    let kind = format!("{kind} {:?}", status.code());
                    *failures.lock().expect("lock").entry(kind).or_default() += 1;
                }
                calls
                    .lock()
                    .expect("lock")
                    .push((started, started.elapsed(), ok));
                if ok && caller >= 4 {
                    acked.lock().expect("lock").push(id);
                }
                if !ok {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;

    signal::kill(Pid::from_raw(m1.pid()), signal::Signal::SIGKILL).expect("SIGKILL the writer");
    let killed = Instant::now();
    // The "election": after ELECTION the front names m2 the writer; m3 stays a reader.
    tokio::time::sleep(ELECTION).await;
    set_table(table, &[m2], &[m3]);
    let elected = Instant::now();
    tokio::time::sleep(Duration::from_secs(3)).await;

    // The killed member comes back, and is made a reader again once it answers Bolt (a
    // cluster lists a member only once it has rejoined; ArcadeDB reports ready over HTTP
    // before its Bolt port answers).
    tokio::task::block_in_place(|| m1.db.script("start"));
    let restart_began = Instant::now();
    while !m1.db.target().answers_a_query().await {
        assert!(
            restart_began.elapsed() < Duration::from_secs(60),
            "the restarted member never answered Bolt"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let returned = Instant::now();
    set_table(table, &[m2], &[m1, m3]);
    let mut back_after = None;
    while returned.elapsed() < Duration::from_secs(10) {
        // Before the kill m1 was the writer only: any read on it is since its return.
        if !m1.proxy.runs("MATCH (n:Ack) RETURN count(n)").is_empty() {
            back_after = Some(returned.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for caller in callers {
        caller.await.expect("caller");
    }

    let reads = reads.lock().expect("lock").clone();
    let writes = writes.lock().expect("lock").clone();
    let late = reads
        .iter()
        .chain(writes.iter())
        .filter(|(_, took, _)| *took > DEADLINE + Duration::from_millis(250))
        .count();
    let longest = reads
        .iter()
        .chain(writes.iter())
        .map(|c| c.1)
        .max()
        .unwrap_or_default();
    let failed_reads = reads.iter().filter(|c| !c.2).count();
    // When the failed reads started, counted from the kill (negative: before it).
    let failed_reads_at: Vec<String> = reads
        .iter()
        .filter(|c| !c.2)
        .map(|(started, _, _)| {
            let (after, before) = (
                started.saturating_duration_since(killed),
                killed.saturating_duration_since(*started),
            );
            format!("{:+.2}s", after.as_secs_f64() - before.as_secs_f64())
        })
        .collect();
    let failed_writes = writes.iter().filter(|c| !c.2).count();
    let first_write = writes
        .iter()
        .filter(|(started, _, ok)| *ok && *started >= killed)
        .map(|(started, took, _)| *started + *took)
        .min()
        .expect("a write succeeded after the kill");
    let first_write_after_kill = first_write - killed;

    // Every acknowledged write must be on a member: m1's copy is read after its restart.
    let acked: HashSet<i64> = acked.lock().expect("lock").iter().copied().collect();
    let mut stored = HashSet::new();
    let mut per_member = Vec::new();
    for m in [m1, m2, m3] {
        let ids = m.acks().await;
        per_member.push(ids.len());
        stored.extend(ids);
    }
    let lost = acked.difference(&stored).count();
    let unacknowledged_but_stored = stored.difference(&acked).count();
    figure(
        "routing failover",
        format_args!(
            "election {:?} (simulated); first write {first_write_after_kill:?} after the SIGKILL; {} reads ({failed_reads} failed) and {} writes ({failed_writes} failed); {late} calls past their deadline + 250 ms (longest {longest:?}, deadline {DEADLINE:?}); {} writes acknowledged, {lost} lost (found on the members after m1's restart: {per_member:?}; {unacknowledged_but_stored} stored but not acknowledged); the returned member got reads {back_after:?} after it was back in the table; failures by code: {:?}; failed reads started at {failed_reads_at:?} from the kill (m1 back in the table at {:+.2}s)",
            elected - killed,
            reads.len(),
            writes.len(),
            acked.len(),
            failures.lock().expect("lock"),
            (returned - killed).as_secs_f64(),
        ),
    );
    assert_eq!(late, 0, "calls past their deadline + 250 ms");
    assert_eq!(
        failed_reads, 0,
        "reads keep succeeding while the writer is gone"
    );
    assert!(
        first_write_after_kill <= ELECTION + Duration::from_secs(1),
        "the first write after the kill took {first_write_after_kill:?} (election {ELECTION:?})"
    );
    assert_eq!(lost, 0, "acknowledged writes missing from every member");
    assert!(
        back_after.is_some(),
        "the returned member was not used again"
    );
}
