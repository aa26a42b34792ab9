//! The bounded fuzz campaign (issue 10): seeded mutations of the golden inputs and the
//! shared corpora through the whole pipeline, for `FERRY_FUZZ_SECONDS` (default 120) on
//! all cores, each case bounded by `FERRY_FUZZ_CASE_SECONDS` (default 60). It prints
//! the counts; a failing case is minimised and written under the target folder, to be
//! fixed and then added to `regressions/` (replayed by `tests/regressions.rs`).
//! `FERRY_FUZZ_CASE=N` replays case N alone (with `FERRY_FUZZ_DUMP=FILE` it also writes
//! the case's bytes there); `FERRY_FUZZ_TRACE=1` names every case as it starts and ends.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ferry_fuzz::mutate::{self, Rng};
use ferry_fuzz::{Outcome, Seed, minimise, run_isolated, seeds};

const RUNNER: &str = env!("CARGO_BIN_EXE_ferry-fuzz-case");

const SEED: u64 = 0x0f3e_5eed_1000_0010;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Case `n`: which seed, which mutation, and the mutated bytes.
fn case(n: usize, seeds: &[Seed]) -> (usize, mutate::Mutation, Vec<u8>) {
    let mut rng = Rng::new(SEED ^ (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let seed = rng.below(seeds.len());
    let other = rng.below(seeds.len());
    let mutation = mutate::ALL[n % mutate::ALL.len()];
    let bytes = mutate::apply(mutation, &seeds[seed].bytes, &seeds[other].bytes, &mut rng);
    (seed, mutation, bytes)
}

/// `(frontend, outcome kind, text)` of the findings in known-issues.txt.
fn known_issues() -> Vec<(String, String, String)> {
    let text = include_str!("../known-issues.txt");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut cells = l.splitn(3, '\t');
            Some((
                cells.next()?.to_string(),
                cells.next()?.to_string(),
                cells.next().unwrap_or("").to_string(),
            ))
        })
        .collect()
}

fn kind(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Ok => "ok",
        Outcome::Problems(_) => "problems",
        Outcome::Crashed(_) => "crashed",
        Outcome::Timeout => "timeout",
    }
}

/// Whether a finding is listed in known-issues.txt (every one of its problems must be).
fn is_known(frontend: &str, outcome: &Outcome, known: &[(String, String, String)]) -> bool {
    let matches = |text: &str| {
        known
            .iter()
            .any(|(f, k, t)| f == frontend && k == kind(outcome) && text.contains(t.as_str()))
    };
    match outcome {
        Outcome::Problems(problems) => problems.iter().all(|p| matches(p)),
        Outcome::Crashed(status) => matches(status),
        Outcome::Timeout => matches(""),
        Outcome::Ok => true,
    }
}

struct Finding {
    n: usize,
    seed: usize,
    mutation: mutate::Mutation,
    bytes: Vec<u8>,
    outcome: Outcome,
}

#[test]
fn fuzz_the_pipeline_for_a_bounded_time() {
    let corpus = repo().join("../shared/corpus");
    let corpus = corpus.is_dir().then_some(corpus.as_path());
    let seeds = seeds(&repo(), corpus, 256 << 10);
    assert!(seeds.len() >= 40, "only {} seeds", seeds.len());
    let golden = seeds.iter().filter(|s| s.label.contains("golden")).count();
    let budget = Duration::from_secs(env_u64("FERRY_FUZZ_SECONDS", 120));
    let bound = Duration::from_secs(env_u64("FERRY_FUZZ_CASE_SECONDS", 60));
    let only = std::env::var("FERRY_FUZZ_CASE")
        .ok()
        .and_then(|v| v.parse::<usize>().ok());
    let trace = std::env::var_os("FERRY_FUZZ_TRACE").is_some();
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(4);
    let next = AtomicUsize::new(only.unwrap_or(0));
    let done = AtomicUsize::new(0);
    let findings = Mutex::new(Vec::new());
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                while start.elapsed() < budget {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if only.is_some_and(|o| o != n) {
                        break;
                    }
                    let (seed, mutation, bytes) = case(n, &seeds);
                    let s = &seeds[seed];
                    if trace {
                        eprintln!("fuzz: case {n}: {mutation:?} of {}", s.label);
                    }
                    if let (Some(_), Some(dump)) = (only, std::env::var_os("FERRY_FUZZ_DUMP")) {
                        std::fs::write(Path::new(&dump).with_extension(&s.ext), &bytes).unwrap();
                    }
                    let outcome =
                        run_isolated(Path::new(RUNNER), s.frontend, &s.ext, &bytes, bound);
                    done.fetch_add(1, Ordering::Relaxed);
                    if trace {
                        eprintln!("fuzz: case {n} done: {outcome:?}");
                    }
                    if outcome != Outcome::Ok {
                        let mut f = findings.lock().unwrap();
                        f.push(Finding {
                            n,
                            seed,
                            mutation,
                            bytes,
                            outcome,
                        });
                    }
                }
            });
        }
    });
    let cases = done.load(Ordering::Relaxed);
    let seconds = start.elapsed().as_secs_f64();
    let mut findings: Vec<Finding> = findings.into_inner().unwrap();
    findings.sort_by_key(|f| f.n);
    let known = known_issues();
    let (old, findings): (Vec<Finding>, Vec<Finding>) = findings
        .into_iter()
        .partition(|f| is_known(seeds[f.seed].frontend.as_str(), &f.outcome, &known));
    println!(
        "fuzz: {cases} cases in {seconds:.1} s on {workers} threads; seeds: {golden} golden, {} corpus; findings: {} new, {} known (known-issues.txt)",
        seeds.len() - golden,
        findings.len(),
        old.len()
    );
    for f in &old {
        let outcome = format!("{:?}", f.outcome);
        println!(
            "  known: case {} ({:?} of {}): {}",
            f.n,
            f.mutation,
            seeds[f.seed].label,
            outcome.chars().take(200).collect::<String>()
        );
    }
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz-findings");
    let mut report = Vec::new();
    for f in findings.iter().take(5) {
        let s = &seeds[f.seed];
        let small = match &f.outcome {
            Outcome::Problems(_) | Outcome::Crashed(_) => {
                let same =
                    |o: &Outcome| std::mem::discriminant(o) == std::mem::discriminant(&f.outcome);
                minimise(&f.bytes, Duration::from_secs(20), |b| {
                    same(&run_isolated(
                        Path::new(RUNNER),
                        s.frontend,
                        &s.ext,
                        b,
                        bound,
                    ))
                })
            }
            Outcome::Ok | Outcome::Timeout => f.bytes.clone(),
        };
        let dir = out.join(s.frontend.as_str());
        let _ = std::fs::create_dir_all(&dir);
        let file = dir.join(format!("case{}.{}", f.n, s.ext));
        let _ = std::fs::write(&file, &small);
        report.push(format!(
            "case {} ({:?} of {}): {:?}\n  minimised ({} bytes): {}",
            f.n,
            f.mutation,
            s.label,
            f.outcome,
            small.len(),
            file.display()
        ));
    }
    assert!(findings.is_empty(), "fuzz findings:\n{}", report.join("\n"));
}
