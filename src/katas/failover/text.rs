//! The failover kata's words.

pub const SUMMARY: &str =
    "decide when the leader is dead, whom to promote, and when to call a human";

pub const STORY: &str = "\
The primary stops answering. Maybe it crashed. Maybe it is in a twenty-second garbage
collection pause and will be back, still believing it leads. Maybe a network partition
cut it off while the clients on its side keep writing to it.

You write the failover coordinator (think Patroni or Orchestrator). Three decisions:

  leader_is_dead — the failure detector. The trade-off has no free lunch: a short
  timeout fails over a leader that was only paused (a needless failover, and a second
  leader when it wakes up); a long one leaves the cluster without a writable leader.

  The clock you work with: the leader sends a heartbeat every second; the coordinator
  checks every half second, each time calling leader_is_dead with view.silence_ms, the
  time since the last heartbeat it received. Silence starts counting at the last
  heartbeat sent before the trouble, so it is already up to 1 s when the trouble
  begins, and grows by 0.5 s per check. Garbage-collection pauses last up to 20 s: a
  paused leader's silence reaches about 20.5 s at the last check before it wakes.

  elect_new_leader — whom to promote, and under which term. With asynchronous
  replication the followers are at different positions: followers at LSN 1090, 1100 and
  1085 — promote the 1100 one, or 10 acknowledged writes vanish. With semi-synchronous
  replication the sync follower has every acknowledged write; an async one may not
  (A at 1001 in sync, B at 998: promoting B loses 999, 1000 and 1001). One rule covers
  both: promote the freshest reachable follower (highest LSN); ties go to the sync
  follower. Only a majority may elect. And every promotion starts a new term: the term is the fencing token that
  lets nodes reject the old leader's writes when it comes back.

  validate_safe_failover — sometimes the right answer is no. In January 2017 GitLab's
  replicas were far behind when the primary was lost; promoting one would have thrown
  away hours of writes. Beyond the configured maximum data loss, refuse, and let a human
  decide.

The grader measures downtime, acknowledged writes lost, needless failovers and writes
discarded from the old leader when it rejoins. The downtime budget is 60 s unless a
scenario sets its own: from the moment of the trouble to the promotion, the cluster
may be without a writable leader for at most that long. It is charged only when a safe
failover was possible (a majority reachable and a candidate within max_data_loss);
when none was, refusing and waiting for a human is right however long it takes.";

pub const IMPLEMENT: &[&str] = &[
    "leader_is_dead — a timeout on view.silence_ms that rides out pauses but not crashes",
    "elect_new_leader — the freshest reachable follower (ties go to the sync follower), a \
     new term, a majority",
    "validate_safe_failover — refuse when more than view.max_data_loss acknowledged writes would be lost",
];

pub const HINTS: &[&str] = &[
    "Read the scenarios' numbers: a GC pause lasts up to 20 s (silence up to about \
     20.5 s, counted from the last heartbeat), and the downtime budget is 60 s from the \
     trouble to the promotion. A timeout that fails over in the first case is too short; \
     one past the second is too long.",
    "Which writes were acknowledged? With asynchronous replication, every write the leader \
     has. With semi-synchronous replication, the leader acknowledges only once the sync \
     follower has the write — so the sync follower is never behind an acknowledged write.",
    "A promotion under the old leader's term lets the old leader keep writing when it \
     comes back (split brain). Promote under `Term(view.term.0 + 1)`. And count: a \
     coordinator that reaches fewer than a majority of the cluster (cluster_size / 2 + 1) \
     must not elect — the other side may still have a leader.",
    "A design that passes: dead when silence_ms ≥ 25 s. Elect among reachable followers \
     (if they are at least a majority): the highest LSN, ties to the sync follower, under \
     term + 1. Validate: acknowledged = the sync follower's LSN if there is one, else the \
     leader's; refuse when acknowledged − candidate LSN > max_data_loss.",
];
