//! TaskFlow's words: story, tasks and hints.

pub const SUMMARY: &str = "a board must never go back in time, however replicas lag, crash or join";

pub const STORY: &str = "\
TaskFlow is a project-management board. Many people move tasks around all day, and
everyone keeps refreshing their boards. Updates go to the primary; refreshes go to
replicas, and the replicas lag by different amounts.

The bug report: \"I saw task 7 move to Done. I refreshed, and it was back In Progress.
I refreshed again, and it was Done.\" Nobody moved it back; two refreshes went to two
replicas, the second further behind than the first. That is a violation of monotonic
reads (Terry et al. 1994; DDIA ch. 5): once a session has seen a write, none of its
later reads may miss it. Time must not go backwards for a user, on any device.

The classic fix is session affinity — always send a user to the same replica — but it
has a price the source notes put well: \"If you route specific users to specific
replicas, you lose the ability to balance load dynamically and face challenges when
replicas fail.\" The grader crashes a user's replica, restores one from an old backup,
adds a replica mid-run (hash(user) mod N reshuffles everyone), and sends a few hot
users who refresh far more than the rest. It also measures load: a router that sends
everyone to the freshest replica is monotonic but leaves the others idle, and the
primary is not a replica.

Your router sees what a proxy sees: each replica's last reported position, a slow
failure detector, and — after each read — a receipt saying which node answered and at
what log position (LSN).";

pub const IMPLEMENT: &[&str] = &[
    "Router — the state your proxy keeps per session (per user, across devices)",
    "route_read — return a ReadPlan for a board refresh",
    "on_read_served — remember what the session has seen",
];

pub const HINTS: &[&str] = &[
    "Time goes backwards when a later read is served by a node that is further behind \
     than the one that served an earlier read. What do you know after each read that \
     tells you how far along the user's view is? Look at `ReadReceipt::observed`.",
    "Pinning each user to one replica (session affinity) keeps reads monotonic only while \
     that replica exists, stays up and never goes backwards. hash(user) mod N changes \
     when N changes; a restore from backup moves the pinned replica back in time; and a \
     few hot users pin a few replicas to all the load.",
    "Instead of remembering *where* the user read, remember *how far* they have seen: a \
     high-water mark, the largest LSN any of their reads observed. Any replica that has \
     applied it is safe — and `replica_at_least(id, mark)` makes the replica prove it.",
    "A design that passes: a `BTreeMap<UserId, Lsn>` of marks, and each board's write LSNs \
     (kept from `on_write_acked`). In `on_read_served`, raise the user's mark to the newest \
     write to that board at or below `receipt.observed` — not to the observed LSN itself, \
     which is stricter than monotonic reads needs and drives everyone onto the freshest \
     replica (the imbalance budget notices). In `route_read`, try the replicas believed up \
     whose report already shows the mark first, then the others, each with \
     `replica_at_least(id, mark)`, rotating the starting point for balance; end with \
     `.primary()`.",
];
