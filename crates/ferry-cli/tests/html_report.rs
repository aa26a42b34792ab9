//! `ferry compile --html` checked in a real browser: Debian's Chromium (installed when
//! missing), driven by playwright-core from tests/browser/, loads the recipe's
//! report.html offline from `file://`, finds every report row, clicks one open to see
//! its source lines beside its generated lines, follows a link to the generated lines,
//! and takes screenshots (kept in target/ to be looked at; their size is checked).
//! The page loads nothing from the network and all input text is escaped.

mod common;

use std::path::Path;
use std::process::Command;

use common::{chromium, npm_dir, root};

/// Width and height from a PNG's IHDR chunk.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert!(
        bytes.len() > 24 && &bytes[1..4] == b"PNG",
        "{} is not a PNG",
        path.display()
    );
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn report_html_works_offline_in_a_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let compiled = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args([
            "compile",
            "golden/asl/sagemaker_recipe.asl.json",
            "--html",
            "--out",
        ])
        .arg(&out)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        compiled.status.success(),
        "{}",
        String::from_utf8_lossy(&compiled.stderr)
    );
    let report = out.join("sagemaker_recipe/report.html");
    let html = std::fs::read_to_string(&report).unwrap();
    // No script, and no attribute that could load anything (the browser check below
    // also watches the requests).
    assert!(!html.contains("<script"));
    for attr in ["src=", "href=\"http", "url(http", "@import"] {
        assert!(!html.contains(attr), "{attr} in report.html");
    }
    let rows = html.matches("<tr class=\"row").count();
    assert!(rows >= 10, "{rows} rows");

    let chromium = chromium();
    let dir = npm_dir("browser");
    let shots = root().join("target");
    std::fs::create_dir_all(&shots).unwrap();
    let page_png = shots.join("html-report-sagemaker_recipe.png");
    let panel_png = shots.join("html-report-sagemaker_recipe-construct.png");
    for png in [&page_png, &panel_png] {
        let _ = std::fs::remove_file(png);
    }
    let output = Command::new("node")
        .arg(dir.join("check.mjs"))
        .arg(&chromium)
        .arg(&report)
        .arg(rows.to_string())
        .arg(&page_png)
        .arg(&panel_png)
        .current_dir(&dir)
        .output()
        .expect("node runs");
    let result = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && result.contains("\"ok\":true"),
        "browser check failed:\n{result}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (w, h) = png_size(&page_png);
    assert!(w >= 1000 && h >= 1000, "page screenshot is {w}x{h}");
    assert!(std::fs::metadata(&page_png).unwrap().len() > 50_000);
    let (w, h) = png_size(&panel_png);
    assert!(w >= 600 && h >= 100, "panel screenshot is {w}x{h}");
    eprintln!(
        "{result}screenshots: {} and {}",
        page_png.display(),
        panel_png.display()
    );
}
