//! Every case the fuzzer found (minimised, in `regressions/<frontend>/`) runs clean
//! now: no internal error, no case over the time bound, every emitted module valid.
//! Cases of bugs still open elsewhere (`regressions/open/<frontend>/`, listed in
//! known-issues.txt) are replayed and their state printed, so a fix shows up.

use std::path::Path;
use std::time::Duration;

use ferry_fuzz::{Outcome, run_isolated};

#[test]
fn found_cases_stay_fixed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions");
    let mut replayed = 0;
    let mut failures = Vec::new();
    for frontend in ferry_ir::Frontend::ALL {
        let Ok(entries) = std::fs::read_dir(root.join(frontend.as_str())) else {
            continue;
        };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_string();
            let bytes = std::fs::read(&path).unwrap();
            let runner = Path::new(env!("CARGO_BIN_EXE_ferry-fuzz-case"));
            let outcome = run_isolated(runner, frontend, &ext, &bytes, Duration::from_secs(30));
            if outcome != Outcome::Ok {
                failures.push(format!("{}: {outcome:?}", path.display()));
            }
            replayed += 1;
        }
    }
    let runner = Path::new(env!("CARGO_BIN_EXE_ferry-fuzz-case"));
    for frontend in ferry_ir::Frontend::ALL {
        let Ok(entries) = std::fs::read_dir(root.join("open").join(frontend.as_str())) else {
            continue;
        };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            let bytes = std::fs::read(&path).unwrap();
            let outcome = run_isolated(runner, frontend, ext, &bytes, Duration::from_secs(30));
            let state = if outcome == Outcome::Ok {
                "passes now: move it out of open/ and drop its known-issues.txt line".to_string()
            } else {
                format!("still open: {outcome:?}")
                    .chars()
                    .take(200)
                    .collect()
            };
            println!("fuzz regressions: {}: {state}", path.display());
        }
    }
    println!("fuzz regressions: {replayed} replayed");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
