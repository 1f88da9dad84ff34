//! CartSync's words: story, tasks and hints, kept as named constants so they can be
//! read and edited as prose.

pub const SUMMARY: &str =
    "every region accepts writes: keep concurrent edits, merge carts add-wins";

pub const STORY: &str = "\
CartSync is a shop that runs in two or three regions — NYC and London, say, sometimes
with Singapore relaying between them — and every region is a leader: it accepts a
write at once and ships its state to the other regions afterwards, over links with lag,
through partitions that may take minutes to heal. Each region stamps writes with its
own wall clock, and the clocks are seconds apart, either way.

Alice changes her profile and fills her cart from her phone (served by the nearest
region) and from her laptop (served by another). Two writes to the same field can then
meet without either region having known of the other: a conflict.

The replication guide's third scenario is the classic loss. At T=100 ms NYC sets her
title to 'Senior Engineer' and London, the same millisecond, to 'Staff Engineer'. Both
ship their change; each region sees the conflict; last-write-wins compares timestamps,
1000 against 1001, and keeps London's. Both regions agree — and NYC's update is gone,
silently: nobody was told, nothing failed. With skewed clocks it gets worse: a write
made *after* seeing another can carry the smaller timestamp and lose to it.

Timestamps cannot tell \"after\" from \"at the same time elsewhere\"; version vectors
can. A vector counts, per region, the writes a state has seen. If one vector dominates
the other, its writer had seen the other write: keep the newer. If neither does, the
writes are concurrent: keep both, as siblings, and let the user settle them with their
next write (Dynamo, Riak and CouchDB do this). For the cart the app knows better than
the user: addition wins — an item added on one device while the other removed
something stays — but an item removed after it was added must not come back.

You write the conflict resolver. compare and merge are the vector arithmetic, exact.
resolve settles a single-value field (the email, a title) when a region receives
another's versions. merge_cart merges two carts. The harness does the rest: it applies
Alice's writes (building each new version's vector with your merge), ships states with
lag, cuts and heals links, relays through a third region, and lets replication drain.

The grader checks that every region ends with the same state (convergence), that every
acknowledged write is in it, superseded by a write that happened after it, or kept as a
sibling (no silently lost update), that no write is overwritten by one that happened
before it (causality), and that a view never shows a write without each write it
followed, or what replaced it (consistent prefix: the gift wrap Alice added after her
new email, shown where that email is nowhere). Keeping causally ordered versions side by
side is not wrong, but it makes the user settle a conflict that never happened: spurious
siblings are counted against what a correct design makes — none.";

pub const IMPLEMENT: &[&str] = &[
    "compare — before, after, equal or concurrent, from every region either vector mentions",
    "merge — the smallest vector that has seen both: per region, the larger counter",
    "resolve — a field's versions after two regions meet: keep every version nothing newer \
     supersedes (concurrent ones as siblings), each write once",
    "merge_cart — an add-wins cart: keep a dot the other side holds or has not seen; drop \
     one it has seen and removed",
];

pub const HINTS: &[&str] = &[
    "Start with compare and merge: the grader checks them on the textbook pairs and on \
     every pair of small vectors. A region missing from a vector counts as 0, so look at \
     the regions of both vectors. `a` is Before `b` when no counter of `a` is larger and \
     at least one is smaller; if each has a larger counter somewhere, they are \
     Concurrent.",
    "Timestamps lose updates whichever way you compare them. Wall clocks are skewed: the \
     write made after seeing another can carry the smaller time. A Lamport timestamp \
     respects causality, so it never drops a newer write for an older one — but it \
     still picks one of two concurrent writes and silently drops the other. Only the \
     vectors say which versions are concurrent.",
    "In resolve, put both sides' versions together and keep those that no other version \
     is After (compare each pair with your own compare). The same write can arrive from \
     both sides (a relay, a state already merged): keep one copy — versions with Equal \
     vectors are the same write. A version from one region compared only by its own \
     region's counter looks concurrent with everything from elsewhere: spurious siblings.",
    "A design for merge_cart: for every item of either cart, keep a dot if both carts \
     hold it, or if one holds it and the other's context does not cover it (the other \
     side has not seen that addition yet, so it cannot have removed it). Drop the item \
     when no dot survives. The context of the result is merge(local.context, \
     remote.context). A union of dots brings removed items back; an intersection loses \
     concurrent additions.",
];

/// What the timeline's cells mean.
pub const LEGEND: &str =
    "'v' [r:n] version, vector · item r:n held by that addition · seen: additions seen · ⇐ from";
