//! ir-spec/diagnostics.md lists exactly the codes the crates declare, with their titles.

use std::collections::BTreeSet;
use std::path::Path;

#[test]
fn index_matches_the_registry() {
    let registry = ferry_cli::frontends::code_registry();
    assert!(
        registry.duplicates().is_empty(),
        "codes declared twice: {:?}",
        registry.duplicates()
    );
    let declared: BTreeSet<(String, String)> = registry
        .all()
        .iter()
        .map(|c| (c.code.to_string(), c.title.to_string()))
        .collect();
    let index = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ir-spec/diagnostics.md"),
    )
    .unwrap();
    let listed: BTreeSet<(String, String)> = index
        .lines()
        .filter(|l| l.starts_with("| F"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells[1].to_string(), cells[2].to_string())
        })
        .collect();
    let missing: Vec<_> = declared.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&declared).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "ir-spec/diagnostics.md is out of date: run scripts/diagnostics-index.sh\nmissing: {missing:#?}\nstale: {stale:#?}"
    );
    for info in registry.all() {
        assert!(
            info.explanation.len() > 60,
            "{} needs a real explanation",
            info.code
        );
    }
}
