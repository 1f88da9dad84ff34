//! QuickPost's words: story, tasks and hints, kept as named constants so they can be
//! read and edited as prose.

pub const SUMMARY: &str = "users must see their own posts, across devices, while replicas lag";

pub const STORY: &str = "\
QuickPost is a small social app. Users post from their phone or their laptop, then
open their own profile to admire the post. Writes go to the primary database; to
spread the load, profile reads go to replicas, which apply the primary's log a little
later — usually a few hundred milliseconds, sometimes minutes.

The bug reports read: \"I posted, reloaded my profile, and my post was gone. So I
posted it again. Now I have two.\" The post was never lost; the read went to a replica
that had not applied it yet. That is a violation of read-your-writes (Terry et al.
1994; DDIA ch. 5 calls it read-after-write consistency): a read must include every
write its own session made before the read began. A session is the user, on every
device: a post from the phone must show on the laptop too.

Your router sits where a proxy would. It hears about every acknowledged post (with its
log sequence number, LSN) and decides, for each profile read, which nodes to ask and
in what order. It sees what a proxy sees: the primary's position, each replica's last
*reported* position (reports are a few hundred ms old — and right after a replica is
restored from an old backup, too high), and a failure detector that is slow to notice
crashes. It never sees a replica's true position.

The grader attacks it with lag spikes longer than any fixed time window, a replica
lag that grows to minutes (as GitLab's did in 2017), cross-device reads, crashes,
restores from backup and replicas added mid-run. Correct is not enough: sending every
read to the primary defeats the point of replicas and blows the primary-load budget.
Friends' profiles need no read-your-writes at all.

The budgets are judged against the best router on the same scenario. The primary may
serve the reads no replica could have served, plus 15% of all reads or 3 reads. The
busiest replica may serve 2.5 times its fair share (each read spread evenly over the
replicas whose report shows what it needs), or 3 reads more: a router that sends every
own-profile read to the freshest replica, or each user to a \"home\" replica while a few
hot users read far more than the rest, leaves the others idle. Scenarios with fewer
than 30 reads are judged together.";

pub const IMPLEMENT: &[&str] = &[
    "Router — the state your proxy keeps per session (per user, not per device)",
    "on_write_acked — remember the consistency token (the post's LSN) for the session",
    "route_read — return a ReadPlan: which replicas to try, with which min_lsn, and when to fall back to the primary",
];

pub const HINTS: &[&str] = &[
    "Which reads can violate read-your-writes at all? Only a user reading data they \
     wrote. In QuickPost, that is their own profile. Everything else can go to any \
     replica, with no conditions — and should, or the primary-load budget suffers.",
    "\"Read from the primary for a minute after a write\" is a time window, and lag has \
     no upper bound: a spike or a slowly growing lag outlasts any window. Remember \
     *what* the user wrote (its LSN, a consistency token), not *when*. And remember it \
     per user, not per device: a token kept on the phone is invisible to the laptop.",
    "A replica's reported LSN is a hint, not a promise: after a restore from an old \
     backup the report is stale-high. Make the replica prove it: \
     `ReadPlan::new().replica_at_least(id, token)` makes the replica refuse (one cheap \
     round trip) if it has not applied the token.",
    "A design that passes: keep `BTreeMap<UserId, Lsn>` of each user's newest post. For \
     an own-profile read with a token, list the replicas the failure detector thinks are \
     up, each with `replica_at_least(id, token)`: first those whose report already shows \
     the token, starting at the next one in rotation (always starting at the freshest \
     piles every own-profile read on one replica, and the load budget notices), then the \
     others, freshest reported first; then `.primary()` as the last resort. For every \
     other read, start at the next replica in \
     rotation (for balance) and list the other replicas after it, unconditionally, then \
     `.primary()`: a replica that crashed unnoticed then falls back to another replica, \
     not to the primary.",
];

/// The timeline legend: the read katas share it.
pub const LEGEND: &str = crate::report::timeline::LEGEND;
