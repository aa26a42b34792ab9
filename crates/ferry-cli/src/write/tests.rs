//! The writer's guarantees, each against the attack that broke the old writer
//! (issue 10, findings 3 and 4).

use std::collections::BTreeMap;
use std::os::unix::fs::symlink;

use super::*;

fn files(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn write(
    out: &Path,
    folder: &str,
    project: &BTreeMap<String, String>,
    force: bool,
) -> Result<(), Vec<WriteError>> {
    let options = WriteOptions {
        force,
        ..WriteOptions::default()
    };
    OutDir::open(out)
        .unwrap()
        .write_project(folder, project, &options)
}

#[test]
fn rejects_escaping_paths() {
    let dir = tempfile::tempdir().unwrap();
    for bad in [
        "../x.py",
        "/etc/passwd",
        "a/../../b",
        "a\\b",
        "",
        "a//b",
        "./x",
        ".ferry-manifest.json",
    ] {
        let err = write(dir.path(), "p", &files(&[(bad, "x")]), true).unwrap_err();
        assert!(matches!(err[0], WriteError::UnsafePath(_)), "{bad}");
    }
    for bad in ["..", "a/b", "", "."] {
        let err = write(dir.path(), bad, &files(&[("x.py", "x")]), true).unwrap_err();
        assert!(matches!(err[0], WriteError::UnsafePath(_)), "{bad}");
    }
}

#[test]
fn refuses_foreign_and_edited_files_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p");
    std::fs::create_dir(&p).unwrap();
    std::fs::write(p.join("run.py"), "mine").unwrap();
    let project = files(&[("run.py", "generated"), ("steps/a.py", "a")]);
    assert!(matches!(
        write(dir.path(), "p", &project, false).unwrap_err()[0],
        WriteError::NotOurs(_)
    ));
    assert!(!p.join("steps").exists(), "nothing written when refused");
    write(dir.path(), "p", &project, true).unwrap();
    // Rewriting our own unchanged output is fine.
    write(dir.path(), "p", &project, false).unwrap();
    std::fs::write(p.join("steps/a.py"), "edited").unwrap();
    assert!(write(dir.path(), "p", &project, false).is_err());
}

#[test]
fn removes_stale_generated_files() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p",
        &files(&[("a.py", "1"), ("s/b.py", "2")]),
        false,
    )
    .unwrap();
    write(dir.path(), "p", &files(&[("a.py", "1")]), false).unwrap();
    assert!(!dir.path().join("p/s/b.py").exists());
    assert!(dir.path().join("p/a.py").exists());
}

/// Finding 3: a symlinked `steps/` inside the project never receives a file.
#[test]
fn finding3_symlinked_subfolder_is_not_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("p")).unwrap();
    symlink(elsewhere.path(), dir.path().join("p/steps")).unwrap();
    for force in [false, true] {
        let err = write(dir.path(), "p", &files(&[("steps/a.py", "x")]), force).unwrap_err();
        assert!(matches!(err[0], WriteError::NotPlain(_)), "{err:?}");
    }
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
}

/// Finding 3: a symlinked project folder inside --out never receives a file.
#[test]
fn finding3_symlinked_project_folder_is_not_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    symlink(elsewhere.path(), dir.path().join("p")).unwrap();
    for force in [false, true] {
        let err = write(dir.path(), "p", &files(&[("run.py", "x")]), force).unwrap_err();
        assert!(matches!(err[0], WriteError::NotPlain(_)), "{err:?}");
    }
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
}

/// Finding 4: a link planted at a file's place (or the old predictable temp name) is
/// never followed: without --force it is refused, with --force the link itself is
/// replaced and its target keeps its bytes.
#[test]
fn finding4_planted_links_never_clobber_their_targets() {
    let dir = tempfile::tempdir().unwrap();
    let victim = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(victim.path(), "precious").unwrap();
    let p = dir.path().join("p");
    std::fs::create_dir(&p).unwrap();
    symlink(victim.path(), p.join(".run.py.ferry-tmp")).unwrap();
    symlink(victim.path(), p.join("README.md")).unwrap();
    let project = files(&[("run.py", "generated"), ("README.md", "readme")]);
    let err = write(dir.path(), "p", &project, false).unwrap_err();
    assert!(matches!(err[0], WriteError::NotPlain(_)), "{err:?}");
    write(dir.path(), "p", &project, true).unwrap();
    assert_eq!(std::fs::read_to_string(victim.path()).unwrap(), "precious");
    assert_eq!(
        std::fs::read_to_string(p.join("README.md")).unwrap(),
        "readme"
    );
    assert!(
        !std::fs::symlink_metadata(p.join("README.md"))
            .unwrap()
            .is_symlink()
    );
}

/// Finding 4: a manifest ferry did not write is not overwritten without --force.
#[test]
fn finding4_foreign_manifest_needs_force() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p");
    std::fs::create_dir(&p).unwrap();
    std::fs::write(p.join(MANIFEST), "{\"mine\": true}").unwrap();
    let err = write(dir.path(), "p", &files(&[("run.py", "x")]), false).unwrap_err();
    assert!(
        matches!(&err[0], WriteError::NotOurs(path) if path.ends_with(MANIFEST)),
        "{err:?}"
    );
    assert_eq!(
        std::fs::read_to_string(p.join(MANIFEST)).unwrap(),
        "{\"mine\": true}"
    );
    write(dir.path(), "p", &files(&[("run.py", "x")]), true).unwrap();
}

/// Finding 4: a forged manifest (right shape, wrong digest; or listing files through a
/// symlinked folder) makes ferry delete nothing it did not write.
#[test]
fn finding4_forged_manifest_deletes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("keep.py"), "keep").unwrap();
    let p = dir.path().join("p");
    std::fs::create_dir(&p).unwrap();
    std::fs::write(p.join("notes.py"), "mine").unwrap();
    symlink(elsewhere.path(), p.join("linked")).unwrap();
    let listed: BTreeMap<String, String> = [
        ("notes.py".to_string(), manifest::fingerprint(b"mine")),
        ("linked/keep.py".to_string(), manifest::fingerprint(b"keep")),
    ]
    .into_iter()
    .collect();
    // A forgery with the old layout and one with a wrong digest are both not ours.
    let old = serde_json::json!({ "generator": "ferry", "files": listed }).to_string();
    let wrong_digest = manifest::render(&listed).replace("notes.py", "notes2.py");
    for forged in [old, wrong_digest] {
        std::fs::write(p.join(MANIFEST), &forged).unwrap();
        assert!(write(dir.path(), "p", &files(&[("run.py", "x")]), false).is_err());
        write(dir.path(), "p", &files(&[("run.py", "x")]), true).unwrap();
        assert!(p.join("notes.py").exists());
        assert!(elsewhere.path().join("keep.py").exists());
    }
    // Even a manifest with a valid digest cannot reach through the link.
    std::fs::write(p.join(MANIFEST), manifest::render(&listed)).unwrap();
    write(dir.path(), "p", &files(&[("run.py", "x")]), false).unwrap();
    assert!(elsewhere.path().join("keep.py").exists());
}

#[test]
fn a_held_lock_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let out = OutDir::open(dir.path()).unwrap();
    let held = out.root.create_dir("p").unwrap();
    assert!(held.lock(Duration::ZERO).unwrap());
    let options = WriteOptions {
        force: false,
        lock_wait: Duration::from_millis(50),
    };
    let err = out
        .write_project("p", &files(&[("a.py", "1")]), &options)
        .unwrap_err();
    assert!(matches!(err[0], WriteError::Locked(_)));
    assert_eq!(err[0].code(), "F0013");
    drop(held);
    out.write_project("p", &files(&[("a.py", "1")]), &options)
        .unwrap();
}

#[test]
fn leaves_no_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p",
        &files(&[("a.py", "1"), ("s/t/b.py", "2")]),
        false,
    )
    .unwrap();
    for entry in walkdir::WalkDir::new(dir.path()) {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        assert!(!name.starts_with(TEMP_PREFIX), "{name}");
    }
}
