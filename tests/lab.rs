#![cfg(unix)]
//! The lab, end to end: the real binary started on free ports (`lab --port 0
//! --no-tui`), its printed addresses parsed, and a real HTTP client (reqwest) driving
//! the primary, the replicas and the router port.
//!
//! No test waits on a fixed sleep or asserts on timing: a "stale" read is made
//! against a replica whose delay (or stall) is far longer than the test, and
//! "fresh" is waited for by polling, with a generous bound that only a broken lab
//! reaches. Every lab is stopped with SIGTERM at the end, which must end it cleanly
//! (exit 0, "lab stopped").

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_replication-katas");

/// A lab process and what it printed.
struct Lab {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    primary: SocketAddr,
    replicas: Vec<SocketAddr>,
    router: SocketAddr,
    http: reqwest::Client,
}

fn address(line: &str, role: &str) -> Option<SocketAddr> {
    let rest = line.trim_start().strip_prefix(role)?;
    let url = rest.split_whitespace().next()?;
    url.strip_prefix("http://")?.parse().ok()
}

impl Lab {
    fn start(args: &[&str], env: &[(&str, &str)]) -> Lab {
        let mut cmd = Command::new(BIN);
        cmd.args(["lab", "--port", "0", "--no-tui"])
            .args(args)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("the binary starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let sink = Arc::clone(&lines);
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line.starts_with("lab ready") {
                    let _ = ready_tx.send(());
                }
                sink.lock().unwrap().push(line);
            }
        });
        ready_rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("the lab did not start: {:?}", lines.lock().unwrap()));
        let printed = lines.lock().unwrap().clone();
        let find = |role: &str| printed.iter().find_map(|l| address(l, role));
        let replicas = (1..)
            .map_while(|n| find(&format!("replica-{n} ")))
            .collect();
        Lab {
            primary: find("primary ").expect("the primary's address is printed"),
            router: find("router ").expect("the router's address is printed"),
            replicas,
            child,
            lines,
            http: reqwest::Client::builder().no_proxy().build().unwrap(),
        }
    }

    async fn get(&self, url: String, user: Option<(&str, &str)>) -> (u16, Value) {
        let mut req = self.http.get(url).timeout(Duration::from_secs(30));
        if let Some((user, device)) = user {
            req = req.header("X-User", user).header("X-Device", device);
        }
        let resp = req.send().await.expect("the lab answers");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    async fn post(&self, url: String, body: Value, user: Option<(&str, &str)>) -> (u16, Value) {
        let mut req = self
            .http
            .post(url)
            .json(&body)
            .timeout(Duration::from_secs(30));
        if let Some((user, device)) = user {
            req = req.header("X-User", user).header("X-Device", device);
        }
        let resp = req.send().await.expect("the lab answers");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    async fn write(&self, key: &str, value: &str) -> u64 {
        let (status, body) = self
            .post(
                format!("http://{}/write", self.primary),
                json!({ "key": key, "value": value }),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body["lsn"].as_u64().expect("an LSN")
    }

    async fn read_node(&self, node: SocketAddr, key: &str, min_lsn: Option<u64>) -> (u16, Value) {
        let query = min_lsn.map(|l| format!("?min_lsn={l}")).unwrap_or_default();
        self.get(format!("http://{node}/data/{key}{query}"), None)
            .await
    }

    async fn post_as(&self, user: &str, device: &str, text: &str) -> (u16, Value) {
        self.post(
            format!("http://{}/post", self.router),
            json!({ "text": text }),
            Some((user, device)),
        )
        .await
    }

    async fn profile(&self, reader: &str, device: &str, of: &str) -> (u16, Value) {
        self.get(
            format!("http://{}/profile/{of}", self.router),
            Some((reader, device)),
        )
        .await
    }

    async fn admin(&self, replica: usize, action: &str, query: &str) {
        let (status, body) = self
            .post(
                format!(
                    "http://{}/admin/replica/{replica}/{action}{query}",
                    self.router
                ),
                Value::Null,
                None,
            )
            .await;
        assert_eq!(status, 200, "{action}: {body}");
    }

    /// Polls until `replica` has applied `lsn` (bounded: only a broken lab waits
    /// that long).
    async fn wait_applied(&self, replica: SocketAddr, lsn: u64) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let (status, body) = self.get(format!("http://{replica}/status"), None).await;
            if status == 200 && body["applied_lsn"].as_u64().unwrap_or(0) >= lsn {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{replica} never applied LSN {lsn}: {body}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn printed(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// SIGTERM, and the lab must end by itself, cleanly.
    fn stop(mut self) -> Vec<String> {
        // SAFETY: signalling our own child process.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the lab did not stop on SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        // The reader thread sees the end of stdout once the process is gone.
        let deadline = Instant::now() + Duration::from_secs(5);
        while !self.printed().iter().any(|l| l.starts_with("lab stopped"))
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(status.code(), Some(0), "{:?}", self.printed());
        let printed = self.printed();
        assert!(
            printed.iter().any(|l| l.starts_with("lab stopped")),
            "{printed:?}"
        );
        printed
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        // A failed test must not leave a lab running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn a_write_is_stale_on_a_delayed_replica_then_fresh_and_min_lsn_gives_409_then_200() {
    // replica-1 applies 3 s after the write; replica-2 is stalled until resumed.
    let lab = Lab::start(&["--delays", "3s,1s"], &[]);
    lab.admin(2, "stall", "").await;
    let lsn = lab.write("tweet", "Hello World").await;

    // Read at once: 3 s is the margin, not a measured time.
    for replica in [lab.replicas[0], lab.replicas[1]] {
        let (status, body) = lab.read_node(replica, "tweet", None).await;
        assert_eq!(status, 200, "{body}");
        assert!(body["lsn"].as_u64().unwrap() < lsn, "{body}");
        assert_eq!(
            body["value"],
            Value::Null,
            "stale means without the tweet: {body}"
        );
    }
    // The stalled replica refuses a conditional read for the write, at once.
    let (status, body) = lab.read_node(lab.replicas[1], "tweet", Some(lsn)).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["wanted"], lsn);
    assert!(body["applied_lsn"].as_u64().unwrap() < lsn, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("not LSN"),
        "{body}"
    );

    // After the delay, replica-1 has it, conditionally or not.
    lab.wait_applied(lab.replicas[0], lsn).await;
    let (status, body) = lab.read_node(lab.replicas[0], "tweet", Some(lsn)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["value"], "Hello World");
    assert_eq!(body["node"], "replica-1");

    // Resumed, the stalled one catches up too: 409 then 200 for the same read.
    lab.admin(2, "resume", "").await;
    lab.wait_applied(lab.replicas[1], lsn).await;
    let (status, body) = lab.read_node(lab.replicas[1], "tweet", Some(lsn)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["value"], "Hello World");

    // The primary serves its own writes at once.
    let (status, body) = lab.read_node(lab.primary, "tweet", Some(lsn)).await;
    assert_eq!((status, &body["value"]), (200, &json!("Hello World")));
    let printed = lab.stop();
    assert!(
        printed
            .iter()
            .any(|l| l.contains("replica-2: replication stalled")),
        "{printed:?}"
    );
}

/// The same session against two routers during a lag spike (every replica 60 s
/// behind): alice, bob and carol post, then read their own profile at once from
/// their other device, and each other's.
async fn spike_session(lab: &Lab) -> Vec<(String, u64, Value)> {
    lab.admin(1, "delay", "?delay=60s").await;
    lab.admin(2, "delay", "?delay=60s").await;
    let mut reads = Vec::new();
    for round in 0..3 {
        for user in ["alice", "bob", "carol"] {
            let (status, body) = lab
                .post_as(user, "phone", &format!("{user} #{round}"))
                .await;
            assert_eq!(status, 200, "{body}");
            let lsn = body["lsn"].as_u64().unwrap();
            let (status, own) = lab.profile(user, "laptop", user).await;
            assert_eq!(status, 200, "{own}");
            reads.push((user.to_string(), lsn, own));
            let someone_else = if user == "alice" { "bob" } else { "alice" };
            let (status, other) = lab.profile(user, "phone", someone_else).await;
            assert_eq!(status, 200, "{other}");
        }
    }
    reads
}

#[tokio::test]
async fn during_a_spike_the_instructor_keeps_read_your_writes_and_always_replica_breaks_it() {
    let instructor = Lab::start(&["--delay", "100ms", "--solution"], &[]);
    let naive = Lab::start(&["--delay", "100ms", "--solution", "always-replica"], &[]);
    // Let the router's poller see both replicas up (reports every 250 ms).
    for lab in [&instructor, &naive] {
        let lsn = lab.write("warm-up", "x").await;
        for r in lab.replicas.clone() {
            lab.wait_applied(r, lsn).await;
        }
    }

    for (user, lsn, own) in spike_session(&instructor).await {
        assert!(own["lsn"].as_u64().unwrap() >= lsn, "{user}: {own}");
        assert_eq!(own["violation"], Value::Null, "{user}: {own}");
        assert!(
            own["posts"].as_array().unwrap().len() as u64 >= 1,
            "{user} sees their post: {own}"
        );
    }
    let (_, v) = instructor
        .get(format!("http://{}/violations", instructor.router), None)
        .await;
    assert_eq!(v["violations"], json!([]), "{v}");

    let naive_reads = spike_session(&naive).await;
    let flagged: Vec<&Value> = naive_reads
        .iter()
        .filter(|(_, _, own)| !own["violation"].is_null())
        .map(|(_, _, own)| own)
        .collect();
    // Every own read went to a replica 60 s behind: each is stale, each is flagged.
    assert_eq!(flagged.len(), naive_reads.len(), "{naive_reads:?}");
    let text = flagged[0]["violation"].as_str().unwrap();
    assert!(text.starts_with("read-your-writes: "), "{text}");
    assert!(
        text.contains("from their laptop went to replica-"),
        "{text}"
    );
    assert!(
        text.contains("a session spans all of a user's devices"),
        "{text}"
    );
    let (_, status) = naive
        .get(format!("http://{}/status", naive.router), None)
        .await;
    assert_eq!(status["router"]["violations"], naive_reads.len());
    let (_, status) = instructor
        .get(format!("http://{}/status", instructor.router), None)
        .await;
    assert_eq!(status["router"]["violations"], 0);

    let naive_lines = naive.stop();
    let violations = naive_lines
        .iter()
        .filter(|l| l.contains(" VIOLATION read-your-writes: "))
        .count();
    assert_eq!(violations, naive_reads.len(), "{naive_lines:?}");
    let instructor_lines = instructor.stop();
    assert!(
        !instructor_lines.iter().any(|l| l.contains("VIOLATION")),
        "{instructor_lines:?}"
    );
}

#[tokio::test]
async fn a_crashing_router_is_a_500_naming_the_fault_and_the_lab_carries_on() {
    // test-abort aborts the process on the third read it routes (tests/misbehaving/).
    let lab = Lab::start(
        &["--delay", "100ms", "--solution", "test-abort"],
        &[("REPLICATION_KATAS_MISBEHAVING", "1")],
    );
    for _ in 0..2 {
        let (status, body) = lab.profile("alice", "phone", "bob").await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = lab.profile("alice", "phone", "bob").await;
    assert_eq!(status, 500, "{body}");
    assert_eq!(body["fault"], "crashed");
    assert_eq!(body["router_state_lost"], true);
    let error = body["error"].as_str().unwrap();
    assert!(error.contains("SIGABRT"), "{error}");
    assert!(
        error.contains("ReadYourWritesRouter::route_read"),
        "{error}"
    );
    // A fresh router process answers the next read.
    let (status, body) = lab.profile("alice", "phone", "bob").await;
    assert_eq!(status, 200, "{body}");
    let lines = lab.stop();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("ROUTER") && l.contains("its state was lost")),
        "{lines:?}"
    );
}

#[tokio::test]
async fn a_hanging_router_is_a_500_and_is_replaced() {
    let lab = Lab::start(
        &[
            "--delay",
            "100ms",
            "--solution",
            "test-loop",
            "--hang-limit-ms",
            "300",
        ],
        &[("REPLICATION_KATAS_MISBEHAVING", "1")],
    );
    for _ in 0..2 {
        assert_eq!(lab.profile("bob", "phone", "bob").await.0, 200);
    }
    let (status, body) = lab.profile("bob", "phone", "bob").await;
    assert_eq!(status, 500, "{body}");
    assert_eq!(body["fault"], "hung");
    assert!(body["error"].as_str().unwrap().contains("300 ms"), "{body}");
    assert_eq!(lab.profile("bob", "phone", "bob").await.0, 200);
    lab.stop();
}

#[test]
fn a_port_in_use_is_a_clear_error_and_exit_2() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(BIN)
        .args(["lab", "--no-tui", "--solution", "--port", &port])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("port {port} (primary) is already in use")),
        "{stderr}"
    );
    assert!(stderr.contains("--port 0"), "{stderr}");
}

#[test]
fn the_demo_walks_the_micro_challenge_with_curl_commands() {
    let out = Command::new(BIN)
        .args([
            "lab",
            "--demo",
            "--port",
            "0",
            "--delay",
            "1s",
            "--solution",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    for expected in [
        "$ curl -X POST http://127.0.0.1:",
        "/data/tweet?min_lsn=1",
        "HTTP 409",
        "Fresh: the replica has applied LSN 1",
        "-H 'X-User: alice' -H 'X-Device: laptop'",
        "✓ alice sees her post",
        "lab stopped",
    ] {
        assert!(stdout.contains(expected), "missing {expected:?}:\n{stdout}");
    }
}

#[test]
fn the_demo_shows_the_checker_catching_a_naive_router() {
    let out = Command::new(BIN)
        .args([
            "lab",
            "--demo",
            "--port",
            "0",
            "--replicas",
            "1",
            "--delay",
            "3s",
            "--solution",
            "always-replica",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    // alice reads at once from the only replica, 3 s behind her post.
    assert!(
        stdout.contains("✗ The lab's checker (the grader's own) flags it"),
        "{stdout}"
    );
    assert!(
        stdout.contains("read-your-writes: alice's read"),
        "{stdout}"
    );
    assert!(!stdout.contains("✓ alice sees her post"), "{stdout}");
}

#[test]
fn the_demo_runs_the_learners_router_and_says_what_to_do_next() {
    // The shipped skeleton answers the post with "not implemented"; a learner's own
    // router gets as far as the profile read. Either way the demo ends cleanly.
    let out = Command::new(BIN)
        .args(["lab", "--demo", "--port", "0", "--delay", "300ms"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("the router port runs your router (katas/quickpost.rs)"),
        "{stdout}"
    );
    if stdout.contains("\"fault\":\"not_implemented\"") {
        assert!(
            stdout.contains("still reaches the todo!() at katas/quickpost.rs:"),
            "{stdout}"
        );
        assert!(
            stdout.contains("Your router is still the skeleton"),
            "{stdout}"
        );
        assert!(
            stdout.contains("cargo run -- lab --demo --solution"),
            "{stdout}"
        );
    } else {
        assert!(
            stdout.contains("alice opens her profile on her laptop"),
            "{stdout}"
        );
    }
}

/// The load figures of the README: 5,000 requests through the router port from 8
/// concurrent clients (a quarter posts, the rest profile reads, own and others'),
/// with the instructor's router and 50 ms of replication delay; then nothing lost:
/// every acknowledged post is on the primary and, once caught up, on every replica,
/// in order. Ignored by default (it measures, and takes a few seconds):
/// `cargo test --test lab -- --ignored --nocapture load`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn load_5000_router_requests_from_8_clients() {
    const CLIENTS: usize = 8;
    const REQUESTS: usize = 5_000;
    let lab = Arc::new(Lab::start(&["--delay", "50ms", "--solution"], &[]));
    let started = Instant::now();
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let lab = Arc::clone(&lab);
        clients.push(tokio::spawn(async move {
            let user = format!("user{c}");
            let other = format!("user{}", (c + 1) % CLIENTS);
            let mut latencies = Vec::new();
            let mut posted = Vec::new();
            let mut errors = Vec::new();
            for i in 0..REQUESTS / CLIENTS {
                let device = if i % 2 == 0 { "phone" } else { "laptop" };
                let t = Instant::now();
                let (status, body) = match i % 4 {
                    0 => {
                        let text = format!("{user} post {i}");
                        let r = lab.post_as(&user, device, &text).await;
                        if r.0 == 200 {
                            posted.push((text, r.1["lsn"].as_u64().unwrap()));
                        }
                        r
                    }
                    3 => lab.profile(&user, device, &other).await,
                    _ => lab.profile(&user, device, &user).await,
                };
                latencies.push(t.elapsed());
                if status != 200 || !body["violation"].is_null() {
                    errors.push(format!("{status} {body}"));
                }
            }
            (user, latencies, posted, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut posts = Vec::new();
    for client in clients {
        let (user, l, p, errors) = client.await.unwrap();
        assert!(errors.is_empty(), "{user}: {errors:?}");
        latencies.extend(l);
        posts.push((user, p));
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let pct = |p: usize| latencies[(latencies.len() * p / 100).min(latencies.len() - 1)];
    println!(
        "{} router requests from {CLIENTS} clients in {:.2} s: {:.0} requests/s, p50 {:.2} ms, \
         p99 {:.2} ms",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        pct(50).as_secs_f64() * 1e3,
        pct(99).as_secs_f64() * 1e3,
    );
    assert_eq!(latencies.len(), REQUESTS);

    // Nothing lost: every acknowledged post on the primary and on every replica.
    let newest = posts
        .iter()
        .flat_map(|(_, p)| p.iter().map(|(_, lsn)| *lsn))
        .max()
        .unwrap();
    for r in lab.replicas.clone() {
        lab.wait_applied(r, newest).await;
    }
    let mut checked = 0;
    for (user, acked) in &posts {
        let texts: Vec<&str> = acked.iter().map(|(t, _)| t.as_str()).collect();
        for node in std::iter::once(lab.primary).chain(lab.replicas.clone()) {
            let (status, body) = lab.read_node(node, user, None).await;
            assert_eq!(status, 200, "{body}");
            let values: Vec<&str> = body["values"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(values, texts, "{user} on {node}");
        }
        checked += acked.len();
    }
    println!(
        "nothing lost: {checked} acknowledged posts on the primary and both replicas, in order"
    );
    let (_, status) = lab.get(format!("http://{}/status", lab.router), None).await;
    assert_eq!(status["router"]["violations"], 0);
    Arc::into_inner(lab).expect("every client is done").stop();
}
