//! `lab --demo`: the workshop's micro-challenge, run on the lab by itself — write to
//! the primary, read a replica at once (stale), read it after the delay (fresh) —
//! and then the same through the router, where the learner's answer to "how would
//! you implement read-your-writes?" is put to the test. Every step prints the curl
//! command that does it by hand, and what came back.

use super::server::Cluster;
use crate::model::fmt_time;
use serde_json::{Value, json};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Step {
    n: usize,
}

impl Step {
    fn next(&mut self, title: &str, curl: &str) {
        self.n += 1;
        println!("\n{}. {title}\n   $ {curl}", self.n);
    }
}

fn show(status: reqwest::StatusCode, body: &Value) {
    let text = serde_json::to_string(body).unwrap_or_default();
    println!("   → HTTP {} {text}", status.as_u16());
}

async fn call(request: reqwest::RequestBuilder) -> Result<(reqwest::StatusCode, Value), String> {
    let resp = request
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .map_err(|e| format!("the request failed: {e}"))?;
    let status = resp.status();
    let body = resp.json::<Value>().await.unwrap_or(Value::Null);
    Ok((status, body))
}

/// Runs the demo against a started lab. Exit 0 when every step behaved as the
/// workshop says it should (the router part reports, whatever the router does).
pub async fn run(cluster: Arc<Cluster>) -> ExitCode {
    match steps(&cluster).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: the demo stopped: {e}");
            ExitCode::from(1)
        }
    }
}

async fn steps(cluster: &Cluster) -> Result<(), String> {
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| e.to_string())?;
    let primary = format!("http://{}", cluster.addrs.primary);
    let replica = format!("http://{}", cluster.addrs.replicas[0]);
    let router = format!("http://{}", cluster.addrs.router);
    let delay = cluster
        .replica_status(1)
        .and_then(|s| s.delay_ms)
        .unwrap_or(0);
    let mut step = Step { n: 0 };
    println!(
        "\nThe micro-challenge: replica-1 applies the primary's writes {} after they \
         happen.",
        fmt_time(delay)
    );

    let write = json!({ "key": "tweet", "value": "Hello World" });
    step.next(
        "Write to the primary",
        &format!("curl -X POST {primary}/write -H 'Content-Type: application/json' -d '{write}'"),
    );
    let (status, body) = call(http.post(format!("{primary}/write")).json(&write)).await?;
    show(status, &body);
    let lsn = body["lsn"]
        .as_u64()
        .ok_or("the primary did not answer with an LSN")?;
    println!("   The primary acknowledged it as LSN {lsn}: its position in the replication log.");

    step.next(
        "Immediately read it from replica-1",
        &format!("curl {replica}/data/tweet"),
    );
    let (status, body) = call(http.get(format!("{replica}/data/tweet"))).await?;
    show(status, &body);
    if body["lsn"].as_u64().unwrap_or(0) < lsn {
        println!(
            "   Stale: replica-1 has applied only up to LSN {}, so the tweet is not there. \
             A user reading here would not see what they just posted.",
            body["lsn"]
        );
    } else {
        println!("   Already there: with a delay this short the replica caught up first.");
    }

    step.next(
        &format!("Ask replica-1 for the tweet only if it has LSN {lsn} (a conditional read)"),
        &format!("curl -i '{replica}/data/tweet?min_lsn={lsn}'"),
    );
    let (status, body) = call(http.get(format!("{replica}/data/tweet?min_lsn={lsn}"))).await?;
    show(status, &body);
    if status.as_u16() == 409 {
        println!(
            "   409 Conflict: the replica refuses at once instead of answering with old \
             data. A router can try another node, or the primary."
        );
    }

    step.next(
        &format!("Wait {} and read again", fmt_time(delay)),
        &format!("sleep {}; curl {replica}/data/tweet", delay.div_ceil(1000)),
    );
    let deadline = Instant::now() + Duration::from_millis(delay) + Duration::from_secs(10);
    loop {
        let applied = cluster.replica_status(1).map_or(0, |s| s.applied_lsn.0);
        if applied >= lsn {
            break;
        }
        if Instant::now() > deadline {
            return Err("replica-1 did not apply the write in time".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (status, body) = call(http.get(format!("{replica}/data/tweet"))).await?;
    show(status, &body);
    println!("   Fresh: the replica has applied LSN {lsn}; replication lag is a matter of time.");

    println!(
        "\nThe question: how would you implement read-your-writes? Your answer is the \
         router in katas/quickpost.rs; the router port runs {}.",
        cluster.implementation
    );
    let post = json!({ "text": "Hello from my phone" });
    step.next(
        "alice posts through the router (it writes to the primary)",
        &format!("curl -X POST {router}/post -H 'X-User: alice' -H 'X-Device: phone' -d '{post}'"),
    );
    let (status, body) = call(
        http.post(format!("{router}/post"))
            .header("X-User", "alice")
            .header("X-Device", "phone")
            .json(&post),
    )
    .await?;
    show(status, &body);
    if status.as_u16() == 500 {
        return router_failed(&body);
    }

    step.next(
        "alice opens her profile on her laptop, at once",
        &format!("curl {router}/profile/alice -H 'X-User: alice' -H 'X-Device: laptop'"),
    );
    let (status, body) = call(
        http.get(format!("{router}/profile/alice"))
            .header("X-User", "alice")
            .header("X-Device", "laptop"),
    )
    .await?;
    show(status, &body);
    if status.as_u16() == 500 {
        return router_failed(&body);
    }
    match body["violation"].as_str() {
        Some(v) => println!(
            "   ✗ The lab's checker (the grader's own) flags it:\n     {v}\n   Fix the router, \
             grade it (`cargo run -- grade quickpost`), and run the demo again."
        ),
        None if status.is_success() => println!(
            "   ✓ alice sees her post: served by {} at LSN {}. Now try to break it: \
             docs/lab.md shows how (stall a replica, restore one from a backup, switch \
             devices).",
            body["served_by"].as_str().unwrap_or("?"),
            body["lsn"]
        ),
        None => println!("   The read failed: every attempt of the router's plan was refused."),
    }
    Ok(())
}

fn router_failed(body: &Value) -> Result<(), String> {
    println!(
        "   ✗ {}\n   {}",
        body["error"].as_str().unwrap_or("the router failed"),
        if body["fault"] == "not_implemented" {
            "Your router is still the skeleton. Implement it (`cargo run -- kata show \
             quickpost`), or see a finished one: `cargo run -- lab --demo --solution`."
        } else {
            "The lab restarted your router; see docs/lab.md, \"When the router fails\"."
        }
    );
    Ok(())
}
