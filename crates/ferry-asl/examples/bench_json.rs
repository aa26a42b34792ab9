//! Throughput of ferry's span-recording JSON reader against serde_json (which records
//! no spans and drops duplicate keys) on the real-world ASL corpus, measured in the same
//! run. `cargo run --release -p ferry-asl --example bench_json [CORPUS_DIR]`.

use std::time::{Duration, Instant};

fn time(rounds: usize, texts: &[String], mut parse: impl FnMut(&str) -> bool) -> Duration {
    let start = Instant::now();
    for _ in 0..rounds {
        for t in texts {
            assert!(parse(std::hint::black_box(t)));
        }
    }
    start.elapsed()
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/corpus/asl".into());
    let mut texts = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("corpus directory") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json")
            && let Ok(text) = std::fs::read_to_string(&path)
            && serde_json::from_str::<serde_json::Value>(&text).is_ok()
        {
            texts.push(text);
        }
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let rounds = 200;
    // Warm up both, then alternate to share the machine's noise.
    time(5, &texts, |t| ferry_asl::parse_json_only(t).0);
    time(5, &texts, |t| {
        serde_json::from_str::<serde_json::Value>(t).is_ok()
    });
    let mut ferry = Duration::ZERO;
    let mut baseline = Duration::ZERO;
    for _ in 0..5 {
        ferry += time(rounds / 5, &texts, |t| ferry_asl::parse_json_only(t).0);
        baseline += time(rounds / 5, &texts, |t| {
            serde_json::from_str::<serde_json::Value>(t).is_ok()
        });
    }
    let mb = (bytes * rounds) as f64 / 1e6;
    println!(
        "{} files, {:.2} MB per round, {rounds} rounds",
        texts.len(),
        bytes as f64 / 1e6
    );
    println!("ferry json reader: {:.1} MB/s", mb / ferry.as_secs_f64());
    println!(
        "serde_json Value : {:.1} MB/s (baseline)",
        mb / baseline.as_secs_f64()
    );
    println!(
        "ratio ferry/baseline: {:.2}",
        baseline.as_secs_f64() / ferry.as_secs_f64()
    );
}
