//! The lab's IO: HTTP servers for the primary, the replicas and the router port
//! (axum on tokio, 127.0.0.1 only), the replication stream, the router's position
//! poller, and the thread that hands router calls to the [`RouterHost`].
//!
//! Everything that decides something lives in the sans-IO modules (`node`, `live`,
//! `wire`); here requests are parsed, the shared state is locked for a moment, and
//! answers are written back.

use super::events::{EventKind, Events};
use super::host::{HostFault, RouterHost};
use super::live::{LiveHistory, ReadDone};
use super::node::{DataAnswer, Entry, Primary, Replica, ReplicaState, StreamAck, TooStale};
use super::wire::{
    RouterAnswer, RouterCall, WireAttempt, WireReplica, WireView, fault_kind, fault_sentence,
};
use crate::model::{Lsn, Millis, NodeId, ReplicaId, fmt_time};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

/// How often the router port asks every node for its position (its "reports").
pub const REPORT_EVERY: Duration = Duration::from_millis(250);
/// How long the router port waits for a node before counting it unreachable.
const NODE_TIMEOUT: Duration = Duration::from_secs(2);
/// Most entries per batch of the replication stream.
const BATCH: usize = 512;

/// The ports to listen on; 0 picks a free one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ports {
    pub primary: u16,
    pub replicas: Vec<u16>,
    pub router: u16,
}

impl Ports {
    /// `base` for the primary, `base + 1…` for the replicas, `base + 100` for the
    /// router port; every port free-picked when `base` is 0.
    pub fn from_base(base: u16, replicas: usize) -> Ports {
        let at = |offset: usize| {
            if base == 0 {
                0
            } else {
                base.saturating_add(offset as u16)
            }
        };
        Ports {
            primary: at(0),
            replicas: (1..=replicas).map(at).collect(),
            router: at(100),
        }
    }
}

/// How to start a lab.
#[derive(Clone, Debug)]
pub struct LabConfig {
    /// Each replica's replication delay, replica-1 first.
    pub delays_ms: Vec<Millis>,
    pub ports: Ports,
    /// What runs in the router ("your router (katas/quickpost.rs)", "instructor", …).
    pub implementation: String,
}

/// Where the lab listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Addrs {
    pub primary: SocketAddr,
    pub replicas: Vec<SocketAddr>,
    pub router: SocketAddr,
}

impl Addrs {
    pub fn node(&self, node: NodeId) -> Option<SocketAddr> {
        match node {
            NodeId::Primary => Some(self.primary),
            NodeId::Replica(r) => self.replicas.get((r.0 as usize).checked_sub(1)?).copied(),
        }
    }
}

/// Why the lab could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(
        "port {port} ({role}) is already in use — is another lab running? Stop it, or \
         choose other ports: `--port 14000` (primary 14000, replicas 14001…, router \
         14100) or `--port 0` for free ones."
    )]
    PortInUse { port: u16, role: String },
    #[error("cannot listen on 127.0.0.1:{port} ({role}): {source}")]
    Bind {
        port: u16,
        role: String,
        source: std::io::Error,
    },
}

/// What the router port knows about the cluster: the reports of the poller.
#[derive(Clone, Debug, Default)]
struct ProxyView {
    primary_lsn: u64,
    replicas: Vec<WireReplica>,
}

type RouterJob = (
    RouterCall,
    oneshot::Sender<Result<RouterAnswer, Box<HostFault>>>,
);

/// The state every server shares.
pub struct Cluster {
    started: Instant,
    primary: Mutex<Primary>,
    replicas: Vec<Mutex<Replica>>,
    /// Wakes the stream senders when the primary has a new entry.
    wrote: watch::Sender<u64>,
    pub live: Mutex<LiveHistory>,
    pub events: Events,
    proxy: Mutex<ProxyView>,
    router: Mutex<Option<mpsc::UnboundedSender<RouterJob>>>,
    http: reqwest::Client,
    pub addrs: Addrs,
    pub implementation: String,
    pub requests: AtomicU64,
    pub router_faults: AtomicU64,
}

/// One node's line of the status (and of the live view).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeStatus {
    pub node: String,
    pub address: String,
    pub applied_lsn: Lsn,
    /// LSNs behind the primary.
    pub lag_lsn: u64,
    /// Milliseconds since the oldest write it lacks was made (0 when caught up).
    pub lag_ms: Millis,
    /// `up`, `stalled` or `crashed` (the primary is always `up`).
    pub state: String,
    pub up: bool,
    /// The injected replication delay (replicas only).
    pub delay_ms: Option<Millis>,
}

impl Cluster {
    /// Milliseconds since the lab started: the time of the live history.
    pub fn now(&self) -> Millis {
        self.started.elapsed().as_millis() as Millis
    }

    pub fn replica_count(&self) -> usize {
        self.replicas.len()
    }

    fn replica(&self, n: u32) -> Option<&Mutex<Replica>> {
        self.replicas.get((n as usize).checked_sub(1)?)
    }

    pub fn primary_status(&self) -> NodeStatus {
        let p = lock(&self.primary);
        NodeStatus {
            node: "primary".into(),
            address: format!("http://{}", self.addrs.primary),
            applied_lsn: p.lsn(),
            lag_lsn: 0,
            lag_ms: 0,
            state: "up".into(),
            up: true,
            delay_ms: None,
        }
    }

    pub fn replica_status(&self, n: u32) -> Option<NodeStatus> {
        let now = self.now();
        let (applied, delay, state) = {
            let mut r = lock(self.replica(n)?);
            r.apply_due(now);
            (r.applied(), r.delay_ms, r.state)
        };
        let (lag_lsn, lag_ms) = lock(&self.primary).lag(applied, now);
        Some(NodeStatus {
            node: ReplicaId(n).to_string(),
            address: format!("http://{}", self.addrs.node(NodeId::Replica(ReplicaId(n)))?),
            applied_lsn: applied,
            lag_lsn,
            lag_ms,
            state: match state {
                ReplicaState::Streaming => "up",
                ReplicaState::Stalled => "stalled",
                ReplicaState::Crashed => "crashed",
            }
            .into(),
            up: state != ReplicaState::Crashed,
            delay_ms: Some(delay),
        })
    }

    /// Every node's status, primary first.
    pub fn statuses(&self) -> Vec<NodeStatus> {
        std::iter::once(self.primary_status())
            .chain((1..=self.replicas.len() as u32).filter_map(|n| self.replica_status(n)))
            .collect()
    }

    /// A fault injected at run time (from `POST /admin/…` or a key in the live view).
    /// Returns what happened, in a sentence, or why not.
    pub fn admin(&self, n: u32, action: &str, params: &AdminParams) -> Result<String, String> {
        let count = self.replicas.len();
        let replica = self.replica(n).ok_or_else(|| {
            format!("there is no replica {n}: this lab has replicas 1 to {count}")
        })?;
        let name = ReplicaId(n).to_string();
        let now = self.now();
        let mut r = lock(replica);
        r.apply_due(now);
        let text = match action {
            "delay" => {
                let ms = params
                    .delay_ms()?
                    .ok_or_else(|| "say how long: `?delay=5s` (or `?ms=5000`)".to_string())?;
                r.delay_ms = ms;
                format!("{name}: replication delay is now {}", fmt_time(ms))
            }
            "stall" => {
                r.stall();
                format!(
                    "{name}: replication stalled at {} — it serves reads but applies nothing \
                     until `resume`",
                    r.applied()
                )
            }
            "resume" => {
                r.resume();
                format!("{name}: replication resumed from {}", r.applied())
            }
            "crash" => {
                r.crash();
                format!(
                    "{name}: crashed — unreachable (HTTP 503) until `restart`; it keeps what it \
                     had applied, {}",
                    r.applied()
                )
            }
            "restart" => {
                r.restart();
                format!(
                    "{name}: restarted at {}; the stream sends it the rest",
                    r.applied()
                )
            }
            "restore" => {
                let to = params.lsn.map(Lsn).unwrap_or(Lsn(r.applied().0 / 2));
                let from = r.applied();
                r.restore(to.min(from));
                format!(
                    "{name}: restored from a backup at {} (it was at {from}) — its last report \
                     is now stale-high until the next one",
                    r.applied()
                )
            }
            other => {
                return Err(format!(
                    "unknown action `{other}`: use delay, stall, resume, crash, restart or restore"
                ));
            }
        };
        drop(r);
        self.events.push(self.now(), EventKind::Fault, text.clone());
        Ok(text)
    }

    /// The proxy's knowledge, as the learner's router will see it.
    fn view(&self) -> WireView {
        let p = lock(&self.proxy);
        WireView {
            now: self.now(),
            primary_lsn: p.primary_lsn,
            replicas: p.replicas.clone(),
        }
    }

    async fn call_router(&self, call: RouterCall) -> Result<RouterAnswer, Box<HostFault>> {
        let (tx, rx) = oneshot::channel();
        let sent = lock(&self.router)
            .as_ref()
            .map(|s| s.send((call.clone(), tx)).is_ok())
            .unwrap_or(false);
        let stopped = || {
            Box::new(HostFault {
                fault: crate::grader::LearnerFault::Exited {
                    function: Some(call.function().into()),
                    scenario: None,
                    code: 0,
                    replay: None,
                },
                state_lost: true,
                output: vec!["(the lab is shutting down)".into()],
            })
        };
        if !sent {
            return Err(stopped());
        }
        rx.await.unwrap_or_else(|_| Err(stopped()))
    }
}

/// Parameters of an admin action.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AdminParams {
    /// A duration: `5s`, `500ms`, `1.5s`.
    pub delay: Option<String>,
    pub ms: Option<u64>,
    /// Restore: the backup's position (default: half the replica's applied LSN).
    pub lsn: Option<u64>,
}

impl AdminParams {
    fn delay_ms(&self) -> Result<Option<Millis>, String> {
        match (&self.delay, self.ms) {
            (Some(d), _) => super::parse_duration(d).map(Some),
            (None, ms) => Ok(ms),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A running lab.
pub struct Lab {
    pub cluster: Arc<Cluster>,
    shutdown: watch::Sender<bool>,
    servers: Vec<JoinHandle<()>>,
    background: Vec<JoinHandle<()>>,
    host_thread: Option<std::thread::JoinHandle<()>>,
}

impl Lab {
    pub fn addrs(&self) -> &Addrs {
        &self.cluster.addrs
    }

    /// Stops every server and task and the router host (its child process with
    /// it). Connections still open after a moment are dropped.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(true);
        for task in &self.background {
            task.abort();
        }
        lock(&self.cluster.router).take();
        let servers = std::mem::take(&mut self.servers);
        let waiting = async {
            for s in servers {
                let _ = s.await;
            }
        };
        let _ = tokio::time::timeout(Duration::from_secs(2), waiting).await;
        if let Some(thread) = self.host_thread.take() {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }
}

async fn bind(port: u16, role: &str) -> Result<tokio::net::TcpListener, StartError> {
    tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|source| {
            if source.kind() == std::io::ErrorKind::AddrInUse {
                StartError::PortInUse {
                    port,
                    role: role.to_string(),
                }
            } else {
                StartError::Bind {
                    port,
                    role: role.to_string(),
                    source,
                }
            }
        })
}

/// Starts a lab: binds every port (nothing runs if one is taken), then serves.
/// A way to build the router host, run on the host's own thread.
pub type HostFactory = Box<dyn FnOnce() -> Box<dyn RouterHost> + Send>;

pub async fn start(
    config: LabConfig,
    host: HostFactory,
    events: Events,
) -> Result<Lab, StartError> {
    let n = config.delays_ms.len();
    let primary_listener = bind(config.ports.primary, "primary").await?;
    let mut replica_listeners = Vec::with_capacity(n);
    for (i, port) in config.ports.replicas.iter().enumerate() {
        replica_listeners.push(bind(*port, &format!("replica-{}", i + 1)).await?);
    }
    let router_listener = bind(config.ports.router, "router").await?;
    let local =
        |l: &tokio::net::TcpListener| l.local_addr().expect("a bound listener has an address");
    let addrs = Addrs {
        primary: local(&primary_listener),
        replicas: replica_listeners.iter().map(local).collect(),
        router: local(&router_listener),
    };

    let (jobs_tx, mut jobs_rx) = mpsc::unbounded_channel::<RouterJob>();
    let host_thread = std::thread::Builder::new()
        .name("lab-router-host".into())
        .spawn(move || {
            let mut host = host();
            while let Some((call, reply)) = jobs_rx.blocking_recv() {
                let _ = reply.send(host.call(&call));
            }
        })
        .expect("spawning the router host thread");

    let cluster = Arc::new(Cluster {
        started: Instant::now(),
        primary: Mutex::new(Primary::default()),
        replicas: config
            .delays_ms
            .iter()
            .enumerate()
            .map(|(i, d)| Mutex::new(Replica::new(NodeId::Replica(ReplicaId(i as u32 + 1)), *d)))
            .collect(),
        wrote: watch::channel(0).0,
        live: Mutex::new(LiveHistory::new()),
        events,
        proxy: Mutex::new(ProxyView {
            primary_lsn: 0,
            replicas: (1..=n as u32)
                .map(|id| WireReplica {
                    id,
                    reported_lsn: None,
                    reported_at: None,
                    up: true,
                })
                .collect(),
        }),
        router: Mutex::new(Some(jobs_tx)),
        http: reqwest::Client::builder()
            .no_proxy()
            .pool_max_idle_per_host(64)
            .build()
            .expect("an HTTP client without TLS builds"),
        addrs,
        implementation: config.implementation.clone(),
        requests: AtomicU64::new(0),
        router_faults: AtomicU64::new(0),
    });

    let (shutdown, _) = watch::channel(false);
    let serve = |listener: tokio::net::TcpListener, app: Router| {
        let mut stop = shutdown.subscribe();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stop.wait_for(|s| *s).await;
                })
                .await;
        })
    };
    let mut servers = vec![serve(primary_listener, primary_app(Arc::clone(&cluster)))];
    for (i, listener) in replica_listeners.into_iter().enumerate() {
        servers.push(serve(
            listener,
            replica_app(Arc::clone(&cluster), i as u32 + 1),
        ));
    }
    servers.push(serve(router_listener, router_app(Arc::clone(&cluster))));

    let mut background = Vec::new();
    for i in 0..n as u32 {
        background.push(tokio::spawn(stream_to(Arc::clone(&cluster), i + 1)));
    }
    background.push(tokio::spawn(apply_ticker(Arc::clone(&cluster))));
    background.push(tokio::spawn(poll_positions(Arc::clone(&cluster))));

    Ok(Lab {
        cluster,
        shutdown,
        servers,
        background,
        host_thread: Some(host_thread),
    })
}

// ---------------------------------------------------------------------------------
// Nodes

#[derive(Debug, Deserialize)]
struct WriteBody {
    key: String,
    value: serde_json::Value,
}

#[derive(Debug, Default, Deserialize)]
struct ReadParams {
    min_lsn: Option<u64>,
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

/// Internal writes (from the router port) are logged by the router port itself.
const FROM_ROUTER: &str = "x-lab-internal";

fn primary_app(cluster: Arc<Cluster>) -> Router {
    Router::new()
        .route("/write", post(primary_write))
        .route("/data/{key}", get(primary_read))
        .route("/status", get(primary_status))
        .with_state(cluster)
}

async fn primary_write(
    State(cluster): State<Arc<Cluster>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let body: WriteBody = match serde_json::from_str(&body) {
        Ok(b) => b,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!(
                    "the body must be JSON like {{\"key\": \"tweet\", \"value\": \"Hello World\"}} \
                     ({e})"
                ),
            );
        }
    };
    let value = match body.value {
        Value::String(s) => s,
        other => other.to_string(),
    };
    let now = cluster.now();
    let lsn = lock(&cluster.primary).write(&body.key, &value, now);
    cluster.wrote.send_replace(lsn.0);
    if !headers.contains_key(FROM_ROUTER) {
        cluster.events.push(
            now,
            EventKind::Write,
            format!("primary: {} = {value:?} → {lsn}", body.key),
        );
    }
    Json(json!({ "lsn": lsn.0, "node": "primary", "key": body.key })).into_response()
}

fn data_response(result: Result<DataAnswer, TooStale>) -> Response {
    match result {
        Ok(answer) => Json(answer).into_response(),
        Err(stale) => (
            StatusCode::CONFLICT,
            Json(json!({
                "error": format!(
                    "{} has applied only up to {}, not {} yet: retry later, or read elsewhere",
                    stale.node, stale.applied_lsn, stale.wanted
                ),
                "node": stale.node,
                "applied_lsn": stale.applied_lsn,
                "wanted": stale.wanted,
            })),
        )
            .into_response(),
    }
}

async fn primary_read(
    State(cluster): State<Arc<Cluster>>,
    Path(key): Path<String>,
    Query(params): Query<ReadParams>,
) -> Response {
    let p = lock(&cluster.primary);
    data_response(
        p.store()
            .read(NodeId::Primary, &key, params.min_lsn.map(Lsn)),
    )
}

async fn primary_status(State(cluster): State<Arc<Cluster>>) -> Response {
    Json(cluster.primary_status()).into_response()
}

fn replica_app(cluster: Arc<Cluster>, n: u32) -> Router {
    Router::new()
        .route("/data/{key}", get(replica_read))
        .route("/status", get(replica_status))
        .route("/replicate", post(replica_receive))
        .with_state((cluster, n))
}

fn crashed(n: u32) -> Response {
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        format!(
            "replica-{n} is down (crashed): restart it with `curl -X POST \
             <router>/admin/replica/{n}/restart`"
        ),
    )
}

async fn replica_read(
    State((cluster, n)): State<(Arc<Cluster>, u32)>,
    Path(key): Path<String>,
    Query(params): Query<ReadParams>,
) -> Response {
    let now = cluster.now();
    let mut r = lock(cluster.replica(n).expect("one app per replica"));
    if r.state == ReplicaState::Crashed {
        return crashed(n);
    }
    r.apply_due(now);
    data_response(r.read(&key, params.min_lsn.map(Lsn)))
}

async fn replica_status(State((cluster, n)): State<(Arc<Cluster>, u32)>) -> Response {
    match cluster.replica_status(n) {
        Some(s) if s.up => Json(s).into_response(),
        _ => crashed(n),
    }
}

async fn replica_receive(
    State((cluster, n)): State<(Arc<Cluster>, u32)>,
    Json(entries): Json<Vec<Entry>>,
) -> Response {
    let now = cluster.now();
    let mut r = lock(cluster.replica(n).expect("one app per replica"));
    if r.state == ReplicaState::Crashed {
        return crashed(n);
    }
    let ack = r.receive(entries, now);
    r.apply_due(now);
    Json(ack).into_response()
}

/// The replication stream to replica `n`: the primary sends what the replica has not
/// received, over HTTP, and continues from the position the replica answers with
/// (so a restored replica is sent again what it lost). An empty batch every so often
/// is the heartbeat that notices such a rewind.
async fn stream_to(cluster: Arc<Cluster>, n: u32) {
    let url = format!(
        "http://{}/replicate",
        cluster.addrs.replicas[n as usize - 1]
    );
    let mut wrote = cluster.wrote.subscribe();
    let mut received = Lsn::ZERO;
    loop {
        let batch = lock(&cluster.primary).entries_after(received, BATCH);
        let full = batch.len() == BATCH;
        let empty = batch.is_empty();
        match cluster
            .http
            .post(&url)
            .json(&batch)
            .timeout(NODE_TIMEOUT)
            .send()
            .await
        {
            Ok(resp) if resp.status().is_success() => match resp.json::<StreamAck>().await {
                Ok(ack) => received = ack.received,
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            },
            // Down (crashed) or not answering: try again shortly.
            _ => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        }
        if full || (!empty && received < lock(&cluster.primary).lsn()) {
            continue;
        }
        let _ = tokio::time::timeout(Duration::from_millis(200), wrote.changed()).await;
    }
}

/// Applies what has become due on every replica, so that positions move (and the
/// live view shows them moving) even when nobody reads.
async fn apply_ticker(cluster: Arc<Cluster>) {
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    loop {
        tick.tick().await;
        let now = cluster.now();
        for r in &cluster.replicas {
            lock(r).apply_due(now);
        }
    }
}

/// The router port's failure detector and position reports: it asks every node's
/// `/status` over HTTP every [`REPORT_EVERY`]. What the learner's router sees is
/// therefore as old as a real proxy's knowledge: up to one interval stale (and
/// stale-*high* right after a restore).
async fn poll_positions(cluster: Arc<Cluster>) {
    let mut tick = tokio::time::interval(REPORT_EVERY);
    loop {
        tick.tick().await;
        let primary = get_json::<NodeStatus>(&cluster, cluster.addrs.primary, "/status").await;
        if let Some(p) = primary {
            let mut view = lock(&cluster.proxy);
            view.primary_lsn = view.primary_lsn.max(p.applied_lsn.0);
        }
        for (i, addr) in cluster.addrs.replicas.clone().into_iter().enumerate() {
            let status = get_json::<NodeStatus>(&cluster, addr, "/status").await;
            let at = cluster.now();
            let mut view = lock(&cluster.proxy);
            let r = &mut view.replicas[i];
            match status {
                Some(s) => {
                    r.reported_lsn = Some(s.applied_lsn.0);
                    r.reported_at = Some(at);
                    r.up = true;
                }
                None => r.up = false,
            }
        }
    }
}

async fn get_json<T: serde::de::DeserializeOwned>(
    cluster: &Cluster,
    addr: SocketAddr,
    path: &str,
) -> Option<T> {
    let resp = cluster
        .http
        .get(format!("http://{addr}{path}"))
        .timeout(NODE_TIMEOUT)
        .send()
        .await
        .ok()?;
    if !resp.status().is_success() {
        return None;
    }
    resp.json().await.ok()
}

// ---------------------------------------------------------------------------------
// The router port

fn router_app(cluster: Arc<Cluster>) -> Router {
    Router::new()
        .route("/post", post(router_post))
        .route("/profile/{user}", get(router_profile))
        .route("/status", get(router_status))
        .route("/violations", get(router_violations))
        .route("/admin/replica/{n}/{action}", post(router_admin))
        .with_state(cluster)
}

/// The reader (or poster) of a request: `X-User` and `X-Device` headers.
fn session(headers: &HeaderMap) -> Result<(String, String), Box<Response>> {
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let user = get("x-user").ok_or_else(|| {
        Box::new(error(
            StatusCode::BAD_REQUEST,
            "say who you are: add the header `-H 'X-User: alice'` (and `-H 'X-Device: phone'`, \
             default phone)",
        ))
    })?;
    Ok((user, get("x-device").unwrap_or_else(|| "phone".into())))
}

fn fault_response(what: &str, fault: &HostFault, extra: Value) -> Response {
    let mut body = json!({
        "error": format!("your router failed on {what}: {}", fault_sentence(&fault.fault)),
        "fault": fault_kind(&fault.fault),
        "detail": fault.fault,
        "router_state_lost": fault.state_lost,
        "note": if fault.state_lost {
            "the router was restarted from Router::new(): what it remembered (tokens, \
             sessions) is gone"
        } else { "" },
        "output": fault.output,
    });
    if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
        b.extend(e);
    }
    (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
}

fn note_fault(cluster: &Cluster, what: &str, fault: &HostFault) {
    cluster.router_faults.fetch_add(1, Ordering::Relaxed);
    cluster.events.push(
        cluster.now(),
        EventKind::RouterFault,
        format!(
            "router {}: {}{}",
            what,
            fault_sentence(&fault.fault),
            if fault.state_lost {
                " — router restarted, its state was lost"
            } else {
                ""
            }
        ),
    );
}

#[derive(Debug, Deserialize)]
struct PostBody {
    text: String,
}

async fn router_post(
    State(cluster): State<Arc<Cluster>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let (user, device) = match session(&headers) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    cluster.requests.fetch_add(1, Ordering::Relaxed);
    // A JSON body {"text": "..."}, or the body itself as the post.
    let text = serde_json::from_str::<PostBody>(&body)
        .map(|b| b.text)
        .unwrap_or_else(|_| body.trim().to_string());
    let invoked_at = cluster.now();
    let write = cluster
        .http
        .post(format!("http://{}/write", cluster.addrs.primary))
        .header(FROM_ROUTER, "1")
        .json(&json!({ "key": user, "value": text }))
        .timeout(NODE_TIMEOUT)
        .send()
        .await;
    let lsn = match write {
        Ok(resp) if resp.status().is_success() => match resp.json::<Value>().await {
            Ok(v) => v["lsn"].as_u64().unwrap_or(0),
            Err(e) => {
                return error(
                    StatusCode::BAD_GATEWAY,
                    format!("the primary's answer: {e}"),
                );
            }
        },
        Ok(resp) => {
            return error(
                StatusCode::BAD_GATEWAY,
                format!("the primary refused the post: {}", resp.status()),
            );
        }
        Err(e) => {
            return error(
                StatusCode::BAD_GATEWAY,
                format!("the primary did not answer: {e}"),
            );
        }
    };
    let written_at = cluster.now();
    let (uid, did) = {
        let mut live = lock(&cluster.live);
        (live.user(&user), live.device(&device))
    };
    {
        let mut view = lock(&cluster.proxy);
        view.primary_lsn = view.primary_lsn.max(lsn);
    }
    let call = RouterCall::WriteAcked {
        user: uid.0,
        device: did.0,
        lsn,
        at: written_at,
        view: cluster.view(),
    };
    let routed = cluster.call_router(call).await;
    // The client learns of its write when this answer leaves, after the router has
    // taken note: reads that begin from here on owe it (a read running meanwhile,
    // from another device, does not — as in the grader's histories).
    let acked_at = cluster.now();
    lock(&cluster.live).write(uid, did, Lsn(lsn), invoked_at, acked_at);
    cluster.events.push(
        acked_at,
        EventKind::Write,
        format!("{user}@{device} posted → LSN {lsn} on the primary"),
    );
    match routed {
        Ok(_) => Json(json!({ "user": user, "device": device, "lsn": lsn })).into_response(),
        Err(fault) => {
            note_fault(&cluster, "on_write_acked", &fault);
            fault_response(
                "on_write_acked",
                &fault,
                json!({ "written": true, "lsn": lsn, "user": user }),
            )
        }
    }
}

/// How one attempt of a plan went, for the answer and the event line.
#[derive(Clone, Debug, Serialize)]
struct AttemptReport {
    node: String,
    min_lsn: Option<u64>,
    /// `served`, `too_stale` or `unreachable`.
    outcome: &'static str,
    applied_lsn: Option<u64>,
}

async fn router_profile(
    State(cluster): State<Arc<Cluster>>,
    Path(profile): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (user, device) = match session(&headers) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    cluster.requests.fetch_add(1, Ordering::Relaxed);
    let invoked_at = cluster.now();
    let (uid, did, pid) = {
        let mut live = lock(&cluster.live);
        (live.user(&user), live.device(&device), live.user(&profile))
    };
    let call = RouterCall::RouteRead {
        user: uid.0,
        device: did.0,
        profile_of: pid.0,
        at: invoked_at,
        view: cluster.view(),
    };
    let plan = match cluster.call_router(call).await {
        Ok(RouterAnswer::Plan(plan)) => plan,
        Ok(_) => Vec::new(),
        Err(fault) => {
            note_fault(&cluster, "route_read", &fault);
            return fault_response("route_read", &fault, json!({ "profile": profile }));
        }
    };
    let (attempts, answer) = execute_plan(&cluster, &profile, &plan).await;
    let completed_at = cluster.now();
    let served = answer
        .as_ref()
        .and_then(|a| node_of(&a.node).map(|n| (n, a.lsn)));
    let violation = lock(&cluster.live).read(ReadDone {
        user: uid,
        device: did,
        profile_of: pid,
        invoked_at,
        completed_at,
        served,
        round_trips: attempts.len() as u32,
    });
    let plan_text = attempts
        .iter()
        .map(|a| {
            let cond = a.min_lsn.map(|l| format!("≥{l}")).unwrap_or_default();
            let mark = match a.outcome {
                "served" => "✓",
                "too_stale" => "✗stale",
                _ => "✗down",
            };
            format!("{}{cond} {mark}", a.node)
        })
        .collect::<Vec<_>>()
        .join(", ");
    let whose = if user == profile {
        "their own profile".to_string()
    } else {
        format!("{profile}'s profile")
    };
    let outcome = match &answer {
        Some(a) => format!("{} at LSN {}", a.node, a.lsn.0),
        None => "no node answered".to_string(),
    };
    cluster.events.push(
        completed_at,
        EventKind::Read,
        format!("{user}@{device} read {whose} → {outcome} [{plan_text}]"),
    );
    if let Some(v) = &violation {
        cluster.events.push(
            completed_at,
            EventKind::Violation,
            format!("{}: {}", v.guarantee, v.explanation),
        );
    }
    let violation_text = violation.map(|v| format!("{}: {}", v.guarantee, v.explanation));
    match answer {
        Some(a) => Json(json!({
            "profile": profile,
            "posts": a.values,
            "served_by": a.node,
            "lsn": a.lsn.0,
            "attempts": attempts,
            "violation": violation_text,
        }))
        .into_response(),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({
                "error": if plan.is_empty() {
                    "your router returned an empty plan: the read fails (end plans with \
                     `.primary()` as a last resort)".to_string()
                } else {
                    "every attempt of your router's plan failed (refused or unreachable)".to_string()
                },
                "profile": profile,
                "attempts": attempts,
            })),
        )
            .into_response(),
    }
}

fn node_of(name: &str) -> Option<NodeId> {
    if name == "primary" {
        return Some(NodeId::Primary);
    }
    name.strip_prefix("replica-")?
        .parse()
        .ok()
        .map(|n| NodeId::Replica(ReplicaId(n)))
}

/// Tries a plan's attempts in order against the real nodes, over HTTP.
async fn execute_plan(
    cluster: &Cluster,
    profile: &str,
    plan: &[WireAttempt],
) -> (Vec<AttemptReport>, Option<DataAnswer>) {
    let mut reports = Vec::new();
    for attempt in plan {
        let node = attempt.target();
        let Some(addr) = cluster.addrs.node(node) else {
            reports.push(AttemptReport {
                node: node.to_string(),
                min_lsn: attempt.min_lsn,
                outcome: "unreachable",
                applied_lsn: None,
            });
            continue;
        };
        let mut url = reqwest::Url::parse(&format!("http://{addr}/data/")).expect("a valid URL");
        url.path_segments_mut()
            .expect("an http URL has segments")
            .pop_if_empty()
            .push(profile);
        if let Some(min) = attempt.min_lsn {
            url.query_pairs_mut()
                .append_pair("min_lsn", &min.to_string());
        }
        let resp = cluster.http.get(url).timeout(NODE_TIMEOUT).send().await;
        let mut report = AttemptReport {
            node: node.to_string(),
            min_lsn: attempt.min_lsn,
            outcome: "unreachable",
            applied_lsn: None,
        };
        match resp {
            Ok(r) if r.status().is_success() => {
                if let Ok(answer) = r.json::<DataAnswer>().await {
                    report.outcome = "served";
                    report.applied_lsn = Some(answer.lsn.0);
                    reports.push(report);
                    return (reports, Some(answer));
                }
            }
            Ok(r) if r.status() == StatusCode::CONFLICT => {
                report.outcome = "too_stale";
                report.applied_lsn = r
                    .json::<Value>()
                    .await
                    .ok()
                    .and_then(|v| v["applied_lsn"].as_u64());
            }
            _ => {}
        }
        reports.push(report);
    }
    (reports, None)
}

async fn router_status(State(cluster): State<Arc<Cluster>>) -> Response {
    let live = lock(&cluster.live);
    let body = json!({
        "nodes": cluster.statuses(),
        "router": {
            "address": format!("http://{}", cluster.addrs.router),
            "implementation": cluster.implementation,
            "requests": cluster.requests.load(Ordering::Relaxed),
            "faults": cluster.router_faults.load(Ordering::Relaxed),
            "writes": live.history().writes.len(),
            "reads": live.history().reads.len(),
            "violations": live.violations().len(),
        },
    });
    Json(body).into_response()
}

async fn router_violations(State(cluster): State<Arc<Cluster>>) -> Response {
    let live = lock(&cluster.live);
    Json(json!({ "violations": live.violations() })).into_response()
}

async fn router_admin(
    State(cluster): State<Arc<Cluster>>,
    Path((n, action)): Path<(u32, String)>,
    Query(params): Query<AdminParams>,
) -> Response {
    match cluster.admin(n, &action, &params) {
        Ok(text) => Json(json!({ "ok": text })).into_response(),
        Err(e) => error(StatusCode::BAD_REQUEST, e),
    }
}
