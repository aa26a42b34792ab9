//! Running one child process and measuring it: wall time, CPU time (user + system) and
//! peak resident memory, all from `wait4` on that child alone. The child is killed when
//! it passes a memory cap or a time limit, so a pathological input cannot take the
//! machine down.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Limits a measured child runs under.
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    pub max_rss_bytes: u64,
    pub timeout: Duration,
}

/// How one child run went.
#[derive(Debug, Clone)]
pub struct Run {
    pub wall: Duration,
    pub cpu: Duration,
    pub peak_rss_bytes: u64,
    /// Exit status (`None`: killed by a signal).
    pub code: Option<i32>,
    /// Killed by the benchmark: why.
    pub killed: Option<String>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(&self) -> bool {
        self.killed.is_none()
    }
}

/// Run `program args` with stdout and stderr captured to files in `scratch`.
pub fn run(program: &Path, args: &[String], scratch: &Path, caps: Caps) -> Run {
    let out_path = scratch.join("child.stdout");
    let err_path = scratch.join("child.stderr");
    let stdout = std::fs::File::create(&out_path).expect("scratch stdout file");
    let stderr = std::fs::File::create(&err_path).expect("scratch stderr file");
    let start = Instant::now();
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start `{}`: {e}", program.display()));
    let pid = child.id() as libc::pid_t;
    let mut killed = None;
    let (status, usage) = loop {
        let mut status: libc::c_int = 0;
        // SAFETY: an all-zero rusage is a valid value of a plain C struct.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `pid` is our own child, not yet reaped (only this loop reaps it), and
        // both out-pointers are valid for writes.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break (status, usage);
        }
        assert!(r == 0, "wait4 failed: {}", std::io::Error::last_os_error());
        if killed.is_none() {
            let rss = current_rss(pid);
            let reason = if rss > caps.max_rss_bytes {
                Some(format!("memory over {} MiB", caps.max_rss_bytes >> 20))
            } else if start.elapsed() > caps.timeout {
                Some(format!("over {} s", caps.timeout.as_secs()))
            } else {
                None
            };
            if let Some(reason) = reason {
                // SAFETY: the child is not reaped yet, so `pid` still names it.
                unsafe { libc::kill(pid, libc::SIGKILL) };
                killed = Some(reason);
            }
        }
        std::thread::sleep(Duration::from_micros(500));
    };
    let wall = start.elapsed();
    drop(child);
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Run {
        wall,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        // Linux reports ru_maxrss in KiB.
        peak_rss_bytes: (usage.ru_maxrss as u64) * 1024,
        code,
        killed,
        stdout: std::fs::read_to_string(&out_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
    }
}

/// The resident set of a running process (0 when it cannot be read).
fn current_rss(pid: libc::pid_t) -> u64 {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return 0;
    };
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kib| kib * 1024)
}

/// The median of some durations (the lower middle one for an even count).
pub fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values
        .get(values.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or_default()
}
