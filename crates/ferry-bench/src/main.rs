//! ferry's benchmark, run by hand (`scripts/bench.sh`, see README's Performance
//! section); not a test, and nothing in the build depends on it. It runs the release
//! `ferry` binary as a child process and prints, from one run, ratios against baselines
//! measured in that same run: the ASL corpus against `serde_json::from_slice::<Value>`
//! of the same bytes, the SageMaker and Dagster corpora against CPython's `ast.parse`
//! of the same files, generated scaling series with time, peak memory and growth per
//! 10x, and batch throughput at `-j1` and `-j2`. It must not change anything outside
//! its work folder.

mod child;
mod inputs;
mod sections;

use std::path::PathBuf;
use std::time::Duration;

/// What to run, from the command line.
#[derive(Debug, Clone)]
pub struct Options {
    pub ferry: PathBuf,
    pub python: PathBuf,
    pub corpus: PathBuf,
    pub work: PathBuf,
    pub rounds: usize,
    pub quick: bool,
    pub batch_files: usize,
    pub only: Vec<String>,
    pub caps: child::Caps,
    /// Write the scaling inputs here and exit (for profiling one of them).
    pub generate: Option<PathBuf>,
}

const USAGE: &str = "usage: ferry-bench [--ferry PATH] [--python PATH] [--corpus DIR] [--work DIR]
                   [--rounds N] [--quick] [--batch-files N] [--max-rss-mib N] [--timeout-s N]
                   [--only corpus|scaling|batch]... [--generate DIR]
  --ferry      the ferry binary (default: `ferry` next to this executable)
  --corpus     folder with asl/, sagemaker/, dagster/ (default: ../shared/corpus)
  --work       scratch folder, emptied first (default: /dev/shm/ferry-bench if /dev/shm
               exists, else the system temp folder): outputs go there, so put it on tmpfs
  --rounds     runs per corpus measurement, the median is reported (default 5)
  --quick      the first two sizes of each series, a 1,000-file batch
  --generate   only write the scaling series' inputs into DIR (to profile one)
";

fn parse_args() -> Result<Options, String> {
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(PathBuf::from))
        .unwrap_or_default();
    let shm = PathBuf::from("/dev/shm");
    let work_base = if shm.is_dir() {
        shm
    } else {
        std::env::temp_dir()
    };
    let mut o = Options {
        ferry: exe_dir.join("ferry"),
        python: PathBuf::from("python3"),
        corpus: PathBuf::from("../shared/corpus"),
        work: work_base.join("ferry-bench"),
        rounds: 5,
        quick: false,
        batch_files: 5_000,
        only: Vec::new(),
        generate: None,
        caps: child::Caps {
            max_rss_bytes: 4 << 30,
            timeout: Duration::from_secs(120),
        },
    };
    let mut batch_set = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
        let number = |v: String| v.parse::<u64>().map_err(|e| format!("{a}: {e}"));
        match a.as_str() {
            "--ferry" => o.ferry = value()?.into(),
            "--python" => o.python = value()?.into(),
            "--corpus" => o.corpus = value()?.into(),
            "--work" => o.work = value()?.into(),
            "--rounds" => o.rounds = number(value()?)?.max(1) as usize,
            "--quick" => o.quick = true,
            "--batch-files" => {
                o.batch_files = number(value()?)? as usize;
                batch_set = true;
            }
            "--max-rss-mib" => o.caps.max_rss_bytes = number(value()?)? << 20,
            "--timeout-s" => o.caps.timeout = Duration::from_secs(number(value()?)?),
            "--only" => o.only.push(value()?),
            "--generate" => o.generate = Some(value()?.into()),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if o.quick && !batch_set {
        o.batch_files = 1_000;
    }
    Ok(o)
}

fn main() {
    let options = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("{e}");
            }
            eprint!("{USAGE}");
            std::process::exit(2);
        }
    };
    if let Some(dir) = &options.generate {
        std::fs::create_dir_all(dir).expect("folder for the generated inputs");
        for series in inputs::Series::ALL {
            for n in series.sizes(options.quick) {
                let path = dir.join(series.file_name(n));
                std::fs::write(&path, series.generate(n)).expect("generated input");
                println!("{}", path.display());
            }
        }
        return;
    }
    if !options.ferry.is_file() {
        eprintln!(
            "no ferry binary at `{}` (cargo build --release -p ferry-cli, or --ferry)",
            options.ferry.display()
        );
        std::process::exit(2);
    }
    let _ = std::fs::remove_dir_all(&options.work);
    std::fs::create_dir_all(&options.work).expect("work folder");
    let wants = |s: &str| options.only.is_empty() || options.only.iter().any(|o| o == s);
    println!(
        "ferry-bench: {} | {} core(s) | load {} | work {}",
        options.ferry.display(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        std::fs::read_to_string("/proc/loadavg")
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|_| "?".into()),
        options.work.display()
    );
    if wants("corpus") {
        sections::corpus_asl(&options);
        sections::corpus_python(&options, "sagemaker");
        sections::corpus_python(&options, "dagster");
    }
    if wants("scaling") {
        sections::scaling(&options);
    }
    if wants("batch") {
        sections::batch(&options);
    }
    let _ = std::fs::remove_dir_all(&options.work);
}
