//! The start work (serve/warm.rs), natively: every row of its table answers
//! as the row says, the first chart revalidates with its own ETag, and it
//! leaves nothing behind: a flow after it gives the same bytes, from a
//! render, as a flow that never saw it.

use edgechart::serve::flow::handle;
use edgechart::serve::http::Request;
use edgechart::serve::store::HotCache;
use edgechart::serve::warm::{warm_up, Expect, TARGETS};
use edgechart::testing::{block_on, FixedHost, MemoryStore};

#[test]
fn every_row_answers_as_it_says() {
    let report = warm_up();
    assert_eq!(
        report.answered,
        TARGETS.len(),
        "every target answered at once"
    );
    assert_eq!(report.as_expected, TARGETS.len());
    assert!(report.revalidated, "the 304 of the first target");
}

#[test]
fn the_table_covers_every_format_a_hit_and_an_error() {
    for ext in [".png", ".svg", ".csv", ".json"] {
        assert!(
            TARGETS
                .iter()
                .any(|(t, _)| t.split('?').next().unwrap().ends_with(ext)),
            "{ext}"
        );
    }
    assert!(TARGETS.iter().any(|(_, e)| *e == Expect::Error));
    assert_eq!(
        TARGETS[0], TARGETS[1],
        "the first target twice: the second is a memory hit"
    );
    assert!(
        TARGETS.iter().all(|(t, _)| t.starts_with("/charts/")),
        "no /random: no entropy"
    );
}

#[test]
fn a_flow_after_it_gives_the_bytes_a_flow_without_it_gives() {
    let answer = || {
        let (hot, cache, kv) = (
            HotCache::new(1 << 20),
            MemoryStore::default(),
            MemoryStore::default(),
        );
        let host = FixedHost([7; 32]);
        TARGETS
            .iter()
            .map(|(t, _)| block_on(handle(&Request::get(t), &hot, &cache, &kv, &host)).response)
            .map(|r| (r.status, r.body))
            .collect::<Vec<_>>()
    };
    let before = answer();
    warm_up();
    assert_eq!(answer(), before);
}
