//! The Dagster front end: reads a code location (one file or a folder of modules) with
//! ferry-python and lowers its assets, ops, jobs, schedules, sensors, resources and
//! partitions to the IR — one pipeline per job, asset bodies carried over as Python
//! steps, dependencies as artifact edges, every construct classified.
//!
//! It must not depend on another front end or on a back end, must never execute the
//! user's Python, and must never panic on bad input.

mod carry;
mod chains;
mod codes;
mod collect;
mod job_selection;
mod lower;
mod op_job;
mod partitions;
mod resource_context;
mod resources;
mod rewrite;
mod run_config;
mod selection;
mod step;
mod support;

use ferry_diagnostics::{FileId, SourceMap};
use ferry_passes::{Lowered, Pass};

pub use codes::CODES;

#[derive(Debug, Clone, Default)]
pub struct Options {}

/// Whether `text` looks like Dagster code (cheap; for input detection).
pub fn looks_like_dagster(text: &str) -> bool {
    text.contains("import dagster") || text.contains("from dagster")
}

/// Dagster needs no passes of its own.
pub fn passes() -> Vec<Box<dyn Pass>> {
    Vec::new()
}

/// Lower the files of one code location.
pub fn lower(sources: &SourceMap, files: &[FileId], _options: &Options) -> Lowered {
    let mut diagnostics = Vec::new();
    let mut parsed = Vec::new();
    let paths: Vec<String> = files
        .iter()
        .filter_map(|f| sources.get(*f).map(|s| s.path.clone()))
        .collect();
    let common = common_dir(&paths);
    let root = import_root(&common, &paths);
    for &file in files {
        let Some((module, found)) = ferry_python::parse(sources, file) else {
            continue;
        };
        diagnostics.extend(found);
        let path = sources
            .get(file)
            .map(|s| s.path.clone())
            .unwrap_or_default();
        let relative = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .trim_start_matches('/')
            .to_string();
        parsed.push((
            ferry_python::module_name_for_path(&relative),
            module,
            relative,
        ));
    }
    if parsed.is_empty() {
        return Lowered {
            workflow: None,
            diagnostics,
        };
    }
    let scopes: Vec<ferry_python::Scope> = parsed
        .iter()
        .map(|(name, module, _)| {
            if name.ends_with("__init__") || name.is_empty() {
                ferry_python::Scope::package(name.clone(), module.body())
            } else {
                ferry_python::Scope::module(name.clone(), module.body())
            }
        })
        .collect();
    let mut location = collect::Location::default();
    for ((_, module, _), scope) in parsed.iter().zip(&scopes) {
        location.collect(module, scope, &mut diagnostics);
    }
    let name = if files.len() == 1 {
        paths[0]
            .rsplit('/')
            .next()
            .unwrap_or("location")
            .trim_end_matches(".py")
            .to_string()
    } else {
        common
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("location")
            .to_string()
    };
    let name = ferry_ir::naming::to_identifier(&name);
    let py_files: Vec<(String, &ferry_python::ParsedModule)> = parsed
        .iter()
        .map(|(_, m, path)| (path.clone(), m))
        .collect();
    let py = ferry_python::Location::new(&py_files);
    let modules: Vec<(&ferry_python::ParsedModule, &ferry_python::Scope)> = parsed
        .iter()
        .zip(&scopes)
        .map(|((_, m, _), s)| (m, s))
        .collect();
    let resources = resources::collect(&modules);
    let mut workflow = lower::build(&location, &py, &resources, &name, &mut diagnostics);
    // Jobs that share ops or assets (two `to_job`s of one graph, overlapping selections)
    // build the same step twice; say each finding once.
    let mut seen = std::collections::BTreeSet::new();
    diagnostics.retain(|d| {
        seen.insert((
            d.code.clone(),
            d.message.clone(),
            d.labels.first().map(|l| l.span),
        ))
    });
    for (&file, path) in files.iter().zip(&paths) {
        workflow.sources.push(ferry_ir::SourceRef {
            file,
            path: path.clone(),
        });
    }
    Lowered {
        workflow: Some(workflow),
        diagnostics,
    }
}

/// The folder module names start from: above `common` while it is itself a package
/// (so `pkg/__init__.py` and `pkg/assets.py` given alone are still `pkg` and
/// `pkg.assets`, as their absolute imports say).
fn import_root(common: &str, paths: &[String]) -> String {
    let mut root = common.to_string();
    for _ in 0..64 {
        if root.is_empty() || !paths.iter().any(|p| *p == format!("{root}__init__.py")) {
            break;
        }
        root = root
            .trim_end_matches('/')
            .rsplit_once('/')
            .map_or(String::new(), |(d, _)| format!("{d}/"));
    }
    root
}

fn common_dir(paths: &[String]) -> String {
    let Some(first) = paths.first() else {
        return String::new();
    };
    let mut prefix = first
        .rsplit_once('/')
        .map_or(String::new(), |(d, _)| format!("{d}/"));
    for p in paths {
        while !p.starts_with(&prefix) && !prefix.is_empty() {
            prefix = prefix
                .trim_end_matches('/')
                .rsplit_once('/')
                .map_or(String::new(), |(d, _)| format!("{d}/"));
        }
    }
    prefix
}

#[cfg(test)]
mod tests {
    #[test]
    fn import_root_climbs_out_of_the_package() {
        let paths: Vec<String> = ["x/pkg/pkg/__init__.py", "x/pkg/pkg/assets.py"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let common = super::common_dir(&paths);
        assert_eq!(common, "x/pkg/pkg/");
        assert_eq!(super::import_root(&common, &paths), "x/pkg/");
    }
}
