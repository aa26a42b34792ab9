//! The benchmark's sections: real corpora against their parse-only baselines, the
//! generated scaling series, and batch throughput by thread count.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::Options;
use crate::child::{self, Run, median};
use crate::inputs::Series;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1u64 << 20) as f64
}

fn s(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Files below `dir` (sorted, recursively) whose name ends with one of `suffixes`.
fn files_below(dir: &Path, suffixes: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name == "snapshots" {
                continue;
            }
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(p),
                Ok(t) if t.is_file() && suffixes.iter().any(|x| name.ends_with(x)) => out.push(p),
                _ => {}
            }
        }
    }
    out.sort();
    out
}

/// `rounds` runs of ferry with `args`; `before` runs untimed before each (e.g. to
/// empty an output folder). Returns the median wall and CPU times and the last run.
fn ferry_median(o: &Options, args: &[String], before: impl Fn()) -> (Duration, Duration, Run) {
    let (mut walls, mut cpus) = (Vec::new(), Vec::new());
    let mut last = None;
    for _ in 0..o.rounds {
        before();
        let run = child::run(&o.ferry, args, &o.work, o.caps);
        assert!(
            run.ok(),
            "ferry {:?} was killed: {:?}",
            args.first(),
            run.killed
        );
        walls.push(run.wall);
        cpus.push(run.cpu);
        last = Some(run);
    }
    (
        median(walls),
        median(cpus),
        last.expect("at least one round"),
    )
}

fn ratio_row(label: &str, wall: Duration, cpu: Duration, base: Duration, base_name: &str) {
    println!(
        "  {label:<34} wall {:>9.1} ms = {:>6.2}x {base_name} | cpu {:>9.1} ms = {:>6.2}x",
        ms(wall),
        wall.as_secs_f64() / base.as_secs_f64(),
        ms(cpu),
        cpu.as_secs_f64() / base.as_secs_f64(),
    );
}

/// ferry check and compile over the ASL corpus's JSON files against serde_json
/// parsing the same bytes (already in memory) into a `Value`.
pub fn corpus_asl(o: &Options) {
    let files = files_below(&o.corpus.join("asl"), &[".json"]);
    let texts: Vec<Vec<u8>> = files.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    let bytes: usize = texts.iter().map(Vec::len).sum();
    let parse_all = || {
        let start = Instant::now();
        for t in &texts {
            let _ = std::hint::black_box(serde_json::from_slice::<serde_json::Value>(
                std::hint::black_box(t),
            ));
        }
        start.elapsed()
    };
    parse_all();
    let serde = median((0..o.rounds * 10).map(|_| parse_all()).collect());
    println!(
        "\nASL corpus: {} JSON files, {:.2} MB (outputs on {})",
        files.len(),
        bytes as f64 / 1e6,
        o.work.display()
    );
    println!(
        "  {:<34} wall {:>9.1} ms (baseline, in process, bytes already read)",
        "serde_json::from_slice::<Value>",
        ms(serde)
    );
    let inputs: Vec<String> = files.iter().map(|p| s(p)).collect();
    let mut check = vec!["check".to_string(), "--quiet".into()];
    check.extend(inputs.iter().cloned());
    let (wall, cpu, _) = ferry_median(o, &check, || {});
    ratio_row("ferry check", wall, cpu, serde, "serde");
    let out = o.work.join("asl-out");
    let mut compile = vec![
        "compile".to_string(),
        "--quiet".into(),
        "--out".into(),
        s(&out),
    ];
    compile.extend(inputs.iter().cloned());
    let (wall, cpu, _) = ferry_median(o, &compile, || {
        let _ = std::fs::remove_dir_all(&out);
    });
    ratio_row("ferry compile", wall, cpu, serde, "serde");
    let mut compile1 = compile.clone();
    compile1.insert(1, "-j1".into());
    let (wall, cpu, _) = ferry_median(o, &compile1, || {
        let _ = std::fs::remove_dir_all(&out);
    });
    ratio_row("ferry compile -j1", wall, cpu, serde, "serde");
}

const AST_PARSE: &str = r#"
import ast, sys, time
files = sys.argv[1:]
start = time.perf_counter()
for f in files:
    with open(f, "rb") as h:
        data = h.read()
    try:
        ast.parse(data, filename=f)
    except (SyntaxError, ValueError):
        pass
print(time.perf_counter() - start)
"#;

/// The compilation units of a Python corpus as a user names them (as
/// shared/tools/corpus-report does), and the Python files ferry reads for them.
fn python_units(corpus: &Path, kind: &str) -> (Vec<PathBuf>, Vec<PathBuf>) {
    if kind == "sagemaker" {
        let manifest = std::fs::read_to_string(corpus.join("MANIFEST.tsv")).unwrap_or_default();
        let units: Vec<PathBuf> = manifest
            .lines()
            .skip(1)
            .map(|l| l.split('\t').collect::<Vec<_>>())
            .filter(|r| r.len() > 5 && r[5] == "pipeline")
            .map(|r| corpus.join(r[0]))
            .collect();
        (units.clone(), units)
    } else {
        let mut units: Vec<PathBuf> = std::fs::read_dir(corpus)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.is_dir()
                    && p.file_name()
                        .is_some_and(|n| n.to_string_lossy().contains("__"))
            })
            .collect();
        units.sort();
        let files = units
            .iter()
            .flat_map(|u| files_below(u, &[".py"]))
            .collect();
        (units, files)
    }
}

/// ferry check and compile over a Python corpus against CPython's `ast.parse` of the
/// same files, with the interpreter's start-up (the process's wall time) and without
/// (the parse loop timed inside the interpreter).
pub fn corpus_python(o: &Options, kind: &str) {
    let (units, files) = python_units(&o.corpus.join(kind), kind);
    let bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    println!(
        "\n{kind} corpus: {} units, {} Python files, {:.2} MB",
        units.len(),
        files.len(),
        bytes as f64 / 1e6
    );
    let mut py_args = vec!["-c".to_string(), AST_PARSE.into()];
    py_args.extend(files.iter().map(|p| s(p)));
    let (mut with_startup, mut inner) = (Vec::new(), Vec::new());
    for _ in 0..o.rounds {
        let run = child::run(&o.python, &py_args, &o.work, o.caps);
        assert!(run.code == Some(0), "python failed: {}", run.stderr);
        with_startup.push(run.wall);
        let secs: f64 = run.stdout.trim().parse().expect("python printed its time");
        inner.push(Duration::from_secs_f64(secs));
    }
    let (with_startup, inner) = (median(with_startup), median(inner));
    println!(
        "  {:<34} wall {:>9.1} ms with start-up, {:.1} ms without (baselines)",
        "CPython ast.parse",
        ms(with_startup),
        ms(inner)
    );
    let inputs: Vec<String> = units.iter().map(|p| s(p)).collect();
    let mut check = vec!["check".to_string(), "--quiet".into()];
    check.extend(inputs.iter().cloned());
    let (wall, cpu, _) = ferry_median(o, &check, || {});
    ratio_row("ferry check (vs without start-up)", wall, cpu, inner, "ast");
    ratio_row(
        "ferry check (vs with start-up)",
        wall,
        cpu,
        with_startup,
        "ast",
    );
    let out = o.work.join(format!("{kind}-out"));
    let mut compile = vec![
        "compile".to_string(),
        "--quiet".into(),
        "--out".into(),
        s(&out),
    ];
    compile.extend(inputs.iter().cloned());
    let (wall, cpu, _) = ferry_median(o, &compile, || {
        let _ = std::fs::remove_dir_all(&out);
    });
    ratio_row(
        "ferry compile (vs without start-up)",
        wall,
        cpu,
        inner,
        "ast",
    );
    ratio_row(
        "ferry compile (vs with start-up)",
        wall,
        cpu,
        with_startup,
        "ast",
    );
}

/// Growth per 10x of input between two sizes: `(b / a) ^ (1 / log10(nb / na))`.
fn per_10x(a: f64, b: f64, na: usize, nb: usize) -> f64 {
    (b / a).powf(1.0 / (nb as f64 / na as f64).log10())
}

/// Each generated series at each size: one `ferry compile` of the generated file.
pub fn scaling(o: &Options) {
    let gen_dir = o.work.join("gen");
    std::fs::create_dir_all(&gen_dir).expect("gen folder");
    println!("\nScaling series (one `ferry compile` each; growth per 10x input: linear = 10x)");
    println!(
        "  {:<28} {:>7} {:>10} {:>10} {:>10} {:>6} {:>9} {:>9}",
        "series", "size", "wall ms", "cpu ms", "peak MiB", "exit", "cpu/10x", "mem/10x"
    );
    for series in Series::ALL {
        let mut previous: Option<(usize, Run)> = None;
        for n in series.sizes(o.quick) {
            let input = gen_dir.join(series.file_name(n));
            std::fs::write(&input, series.generate(n)).expect("generated input");
            let out = o.work.join("series-out");
            let _ = std::fs::remove_dir_all(&out);
            let args = vec![
                "compile".to_string(),
                "--quiet".into(),
                "--out".into(),
                s(&out),
                s(&input),
            ];
            let run = child::run(&o.ferry, &args, &o.work, o.caps);
            let exit = match (&run.killed, run.code) {
                (Some(why), _) => format!("killed ({why})"),
                (None, Some(c)) => c.to_string(),
                (None, None) => "signal".into(),
            };
            let growth = match &previous {
                Some((pn, p)) if p.ok() && run.ok() => format!(
                    "{:>9.1} {:>9.1}",
                    per_10x(p.cpu.as_secs_f64(), run.cpu.as_secs_f64(), *pn, n),
                    per_10x(p.peak_rss_bytes as f64, run.peak_rss_bytes as f64, *pn, n)
                ),
                _ => format!("{:>9} {:>9}", "-", "-"),
            };
            println!(
                "  {:<28} {:>7} {:>10.1} {:>10.1} {:>10.1} {:>6} {growth}",
                series.name(),
                n,
                ms(run.wall),
                ms(run.cpu),
                mib(run.peak_rss_bytes),
                exit
            );
            let codes = diagnostic_codes(&run.stderr);
            if !codes.is_empty() {
                println!("  {:<28} {:>7} diagnostics: {codes}", "", "");
            }
            let _ = std::fs::remove_file(&input);
            let stop = !run.ok();
            previous = Some((n, run));
            if stop {
                break;
            }
        }
    }
}

/// The distinct diagnostic codes in ferry's output, with counts (`F0402 x1, ...`).
fn diagnostic_codes(stderr: &str) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, _) in stderr.match_indices("[F") {
        if let Some(code) = stderr.get(i + 1..i + 6)
            && code[1..].bytes().all(|b| b.is_ascii_digit())
        {
            *counts.entry(code).or_default() += 1;
        }
    }
    counts
        .iter()
        .map(|(c, n)| format!("{c} x{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every file below `dir` with its bytes, by relative path.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(p),
                Ok(_) => {
                    let bytes = std::fs::read(&p).unwrap_or_default();
                    let rel = p.strip_prefix(dir).map(Path::to_path_buf).unwrap_or(p);
                    out.insert(rel, bytes);
                }
                Err(_) => {}
            }
        }
    }
    out
}

/// A batch of `batch_files` ASL files (the corpus's valid definitions, repeated under
/// new names) compiled at -j1 and -j2: files per second, and whether both wrote the
/// same bytes.
pub fn batch(o: &Options) {
    let sources: Vec<PathBuf> = files_below(&o.corpus.join("asl"), &[".json"])
        .into_iter()
        .filter(|p| !p.components().any(|c| c.as_os_str() == "invalid"))
        .collect();
    assert!(
        !sources.is_empty(),
        "no ASL corpus under {}",
        o.corpus.display()
    );
    let dir = o.work.join("batch-in");
    std::fs::create_dir_all(&dir).expect("batch folder");
    for i in 0..o.batch_files {
        let src = &sources[i % sources.len()];
        let name = src
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        std::fs::copy(src, dir.join(format!("b{i:05}_{name}"))).expect("batch input");
    }
    println!(
        "\nBatch: {} ASL files (the corpus repeated), compile",
        o.batch_files
    );
    let mut results = Vec::new();
    for jobs in [1usize, 2] {
        let out = o.work.join(format!("batch-out-j{jobs}"));
        let args = vec![
            "compile".to_string(),
            format!("-j{jobs}"),
            "--quiet".into(),
            "--out".into(),
            s(&out),
            s(&dir),
        ];
        // A batch takes minutes, not seconds: only the memory cap applies.
        let caps = child::Caps {
            timeout: o.caps.timeout.max(Duration::from_secs(1800)),
            ..o.caps
        };
        let (wall, cpu, run) = ferry_median(
            &Options {
                rounds: o.rounds.min(3),
                caps,
                ..o.clone()
            },
            &args,
            || {
                let _ = std::fs::remove_dir_all(&out);
            },
        );
        println!(
            "  -j{jobs}: wall {:>8.1} ms, cpu {:>8.1} ms, {:>7.1} files/s, peak {:.1} MiB",
            ms(wall),
            ms(cpu),
            o.batch_files as f64 / wall.as_secs_f64(),
            mib(run.peak_rss_bytes)
        );
        results.push((wall, out));
    }
    let speedup = results[0].0.as_secs_f64() / results[1].0.as_secs_f64();
    let same = tree(&results[0].1) == tree(&results[1].1);
    println!(
        "  -j2 / -j1 throughput: {speedup:.2}x; output identical: {}",
        if same { "yes" } else { "NO" }
    );
}
