//! The one place that knows every front end: input detection and dispatch. Each front
//! end contributes a detection test, its `lower` entry point and its own passes.

use std::collections::BTreeMap;
use std::path::Path;

use ferry_diagnostics::{CodeRegistry, FileId, SourceMap};
use ferry_ir::Frontend;
use ferry_passes::{Lowered, Pass};

/// Options every front end may read.
#[derive(Debug, Clone, Default)]
pub struct FrontendOptions {
    /// `--subst KEY=VALUE` definition substitutions.
    pub substitutions: BTreeMap<String, String>,
}

/// Which front end reads this file, from its extension and a cheap look at its text.
pub fn detect(path: &Path, text: &str) -> Option<Frontend> {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "ferry" => Some(Frontend::Ir),
        "json" | "yaml" | "yml" => ferry_asl::looks_like_asl(text).then_some(Frontend::Asl),
        "py" => {
            if ferry_dagster::looks_like_dagster(text) {
                Some(Frontend::Dagster)
            } else if ferry_sagemaker::looks_like_sagemaker(text) {
                Some(Frontend::Sagemaker)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Lower one unit with its front end.
pub fn lower(
    frontend: Frontend,
    sources: &SourceMap,
    files: &[FileId],
    options: &FrontendOptions,
    sagemaker: Option<&ferry_sagemaker::Options>,
) -> Lowered {
    match frontend {
        Frontend::Ir => lower_ir(sources, files),
        Frontend::Dagster => {
            ferry_dagster::lower(sources, files, &ferry_dagster::Options::default())
        }
        Frontend::Sagemaker => match files.first() {
            Some(&file) => ferry_sagemaker::lower(
                sources,
                file,
                sagemaker.unwrap_or(&ferry_sagemaker::Options::default()),
            ),
            None => Lowered::default(),
        },
        Frontend::Asl => match files.first() {
            Some(&file) => ferry_asl::lower(
                sources,
                file,
                &ferry_asl::Options {
                    substitutions: options.substitutions.clone(),
                },
            ),
            None => Lowered::default(),
        },
    }
}

fn lower_ir(sources: &SourceMap, files: &[FileId]) -> Lowered {
    let Some(&file) = files.first() else {
        return Lowered::default();
    };
    let Some(source) = sources.get(file) else {
        return Lowered::default();
    };
    match ferry_ir::text::parse(&source.text, file) {
        Ok(workflow) => Lowered {
            workflow: Some(workflow),
            diagnostics: Vec::new(),
        },
        Err(diagnostics) => Lowered {
            workflow: None,
            diagnostics,
        },
    }
}

/// The front end's own passes, run before the common ones.
pub fn passes(frontend: Frontend) -> Vec<Box<dyn Pass>> {
    match frontend {
        Frontend::Asl => ferry_asl::passes(),
        Frontend::Sagemaker => ferry_sagemaker::passes(),
        Frontend::Dagster => ferry_dagster::passes(),
        Frontend::Ir => Vec::new(),
    }
}

/// Every diagnostic code of this build, for `ferry explain`.
pub fn code_registry() -> CodeRegistry {
    CodeRegistry::new()
        .with(ferry_diagnostics::CODES)
        .with(ferry_ir::verify::CODES)
        .with(ferry_passes::CODES)
        .with(ferry_ir::text::CODES)
        .with(ferry_zenml::CODES)
        .with(ferry_dagster::CODES)
        .with(crate::lint::CODES)
        .with(crate::limits::CODES)
        .with(crate::companions::CODES)
        .with(crate::write::CODES)
        .with(ferry_asl::CODES)
        .with(ferry_python::CODES)
        .with(ferry_sagemaker::CODES)
}
