//! The batch's memory gate admits units by an estimate of their peak memory
//! (`ferry_cli::limits::memory_estimate`). This test measures the real peak with a
//! counting allocator over every golden input and the shared corpora and checks the
//! estimate covers it, printing the largest ratio seen. The allocator only counts: it
//! never fails or unwinds.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use ferry_cli::Target;
use ferry_cli::driver::{DriveOptions, compile_file, emit_project};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn inputs(dir: &Path, out: &mut Vec<(PathBuf, ferry_ir::Frontend)>, frontend: ferry_ir::Frontend) {
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if entry.file_type().is_file()
            && ["ferry", "json", "yaml", "yml", "py"].contains(&ext)
            && !path.components().any(|c| c.as_os_str() == "snapshots")
        {
            let text =
                String::from_utf8_lossy(&std::fs::read(path).unwrap_or_default()).into_owned();
            if ferry_cli::frontends::detect(path, &text) == Some(frontend) {
                out.push((path.to_path_buf(), frontend));
            }
        }
    }
}

#[test]
fn the_memory_estimate_covers_the_measured_peak() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut all = Vec::new();
    for f in ferry_ir::Frontend::ALL {
        inputs(&root.join("golden").join(f.as_str()), &mut all, f);
        inputs(&root.join("../shared/corpus").join(f.as_str()), &mut all, f);
    }
    let options = DriveOptions::default();
    let mut worst = (0.0f64, PathBuf::new());
    let mut over = Vec::new();
    for (path, frontend) in &all {
        let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let base = CURRENT.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let mut compiled = compile_file(path, Some(*frontend), &options);
        let files = emit_project(&mut compiled, Target::Local);
        drop((files, compiled));
        let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base) as u64;
        let ratio = peak as f64 / bytes.max(1) as f64;
        if ratio > worst.0 && bytes > 4096 {
            worst = (ratio, path.clone());
        }
        if peak > ferry_cli::limits::memory_estimate(bytes) {
            over.push(format!("{}: {bytes} bytes in, peak {peak}", path.display()));
        }
    }
    println!(
        "memory: {} inputs; largest peak per input byte (inputs over 4 KiB): {:.1} ({})",
        all.len(),
        worst.0,
        worst.1.display()
    );
    assert!(all.len() > 40);
    assert!(
        over.is_empty(),
        "the estimate is too low for:\n{}",
        over.join("\n")
    );
}
