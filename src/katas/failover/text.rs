//! The failover kata's words.

pub const SUMMARY: &str =
    "decide when the leader is dead, whom to promote, and when to call a human";

pub const STORY: &str = "\
The primary stops answering. Maybe it crashed. Maybe it is in a twenty-second garbage
collection pause and will be back, still believing it leads. Maybe a network partition
cut it off while the clients on its side keep writing to it.

You write the failover coordinator (think Patroni or Orchestrator). You see what such a
manager can know: the position each follower reports when you ask — a (term, LSN) pair —
the last answer of those you cannot reach, and the leader's last heartbeat. Never the
cluster's true state. Three decisions:

  leader_is_dead — the failure detector. The trade-off has no free lunch: a short
  timeout fails over a leader that was only paused (a needless failover, and a second
  leader when it wakes up); a long one leaves the cluster without a writable leader.

  The clock you work with: the leader sends a heartbeat every second; the coordinator
  checks every half second, each time calling leader_is_dead with view.silence_ms, the
  time since the last heartbeat it received. Silence starts counting at the last
  heartbeat sent before the trouble, so it is already up to 1 s when the trouble
  begins, and grows by 0.5 s per check. Garbage-collection pauses usually last up to
  20 s: a paused leader's silence reaches about 20.5 s at the last check before it
  wakes. The cluster's failover timeout is 25 s: promoting while the leader is alive
  and has been silent for less than that is a needless failover; a pause longer than
  the timeout may be treated as a crash.

  elect_new_leader — whom to promote, and under which term. With asynchronous
  replication the followers are at different positions, each as far behind as its lag:
  followers at LSN 1090, 1100 and 1085 — promote the 1100 one, or 10 acknowledged writes
  vanish. After a failover, compare positions by term first: a log whose last entry is
  of a newer term holds the history the cluster kept. With semi-synchronous
  replication the sync follower has every acknowledged write; an async one may not
  (A at 1001 in sync, B at 998: promoting B loses 999, 1000 and 1001). One rule covers
  both: promote the freshest reachable follower (highest position); ties go to the sync
  follower. Only a majority may elect. And every promotion starts a new term: the term
  is the fencing token that lets nodes reject the old leader's writes when it comes
  back.

  validate_safe_failover — sometimes the right answer is no. In January 2017 GitLab's
  replicas were far behind when the primary was lost; promoting one would have thrown
  away hours of writes. Beyond the configured maximum data loss, refuse, and let a human
  decide.

The cluster does not stop at one failure: a scenario may start in any term, the new
leader may fail too, and an old leader may come back — and rejoin as a follower, its
divergent suffix truncated, if the new term fenced it.

The grader measures downtime, acknowledged writes lost, needless failovers and writes
discarded from the old leader when it rejoins. The downtime budget is relative: a
reference coordinator that fails over at the cluster's 25 s timeout (and refuses what it
must) runs the same scenario, and you may leave the cluster without a writable leader
for at most 35 s longer than it does, per trouble — 60 s after a crash. When no safe
failover was possible (no majority reachable, or every candidate beyond
max_data_loss), the reference waits too: refusing and waiting for a human costs
nothing however long it takes.";

pub const IMPLEMENT: &[&str] = &[
    "leader_is_dead — a timeout on view.silence_ms that rides out pauses but not crashes",
    "elect_new_leader — the freshest reachable follower (highest position; ties go to the \
     sync follower), a newer term, a majority",
    "validate_safe_failover — refuse when more than view.max_data_loss acknowledged writes would be lost",
];

pub const HINTS: &[&str] = &[
    "Read the scenarios' numbers: heartbeats every 1 s, a check every 0.5 s, GC pauses \
     usually up to 20 s (silence up to about 20.5 s, counted from the last heartbeat), and \
     the cluster's failover timeout is 25 s; a crash may leave the cluster without a \
     writable leader for 60 s at most. A timeout that fails over a 20 s pause is too \
     short; one past a minute is too long.",
    "Which writes were acknowledged? With asynchronous replication, every write the leader \
     has. With semi-synchronous replication, the leader acknowledges only once the sync \
     follower has the write — so the sync follower is never behind an acknowledged write.",
    "A promotion under the old leader's term lets the old leader keep writing when it \
     comes back (split brain). Promote under `Term(view.term.0 + 1)`. And count: a \
     coordinator that reaches fewer than a majority of the cluster (cluster_size / 2 + 1) \
     must not elect — the other side may still have a leader.",
    "A design that passes: dead when silence_ms ≥ 25 s. Elect among reachable followers \
     (if they are at least a majority): the highest position (term, then LSN), ties to the \
     sync follower, under term + 1. Validate: acknowledged = the sync follower's reported \
     LSN if there is one, else the leader's last heartbeat's; refuse when acknowledged − \
     candidate LSN > max_data_loss.",
];
