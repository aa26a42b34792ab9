//! Which assets each asset job runs: the location's assets as a graph for
//! [`crate::selection`], and the job's selection evaluated over it, with what could not
//! be read reported at the job.

use std::collections::BTreeMap;

use ferry_diagnostics::{Diagnostic, MigrationFlag};

use crate::collect::{AssetJob, DefKind, Definition};
use crate::lower::Builder;
use crate::selection::{AssetNode, evaluate};

impl<'a> Builder<'_, 'a> {
    /// The assets (and checks) as selections see them: keys, aliases, groups, modules
    /// and the upstream assets each one reads, depends on or checks.
    pub(crate) fn selection_nodes<'d>(
        &self,
        assets: &[&'d Definition<'a>],
        produced: &BTreeMap<String, usize>,
    ) -> Vec<AssetNode<'d>> {
        assets
            .iter()
            .map(|def| {
                let mut aliases: Vec<&str> = vec![def.def.name.id.as_str()];
                if let DefKind::MultiAsset(outs) = &def.kind {
                    aliases.extend(outs.iter().map(String::as_str));
                }
                let mut reads: Vec<String> = self
                    .asset_inputs(def)
                    .into_iter()
                    .map(|(_, k, _)| k)
                    .collect();
                reads.extend(self.deps(def));
                let checks = match &def.kind {
                    DefKind::Check(target) => produced.get(target).copied(),
                    _ => None,
                };
                AssetNode {
                    key: def.key.as_str(),
                    aliases,
                    group: def.group.as_deref(),
                    module: def.scope.module.as_str(),
                    upstream: reads
                        .iter()
                        .filter_map(|k| produced.get(k).copied())
                        .chain(checks)
                        .collect(),
                    checks,
                }
            })
            .collect()
    }

    /// The indices of the assets `job` runs. A selection ferry cannot read selects
    /// nothing (F0503, HIGH) rather than everything.
    pub(crate) fn job_members(&mut self, job: &AssetJob, nodes: &[AssetNode<'_>]) -> Vec<usize> {
        let Some(selection) = &job.selection else {
            return (0..nodes.len()).collect();
        };
        match evaluate(selection, nodes, &self.location.named_selections) {
            Ok((members, missing)) => {
                for key in missing {
                    if self.location.external.contains_key(&key) {
                        continue;
                    }
                    self.diagnostics.push(
                        Diagnostic::warning(
                            "F0503",
                            format!(
                                "job `{}` selects `{key}`, which is not an asset of the code location",
                                job.name
                            ),
                        )
                        .with_primary(job.span, "this job")
                        .with_help("the job's pipeline runs the other assets it selects"),
                    );
                }
                members.into_iter().collect()
            }
            Err(unreadable) => {
                let span = if unreadable.span.is_detached() {
                    job.span
                } else {
                    unreadable.span
                };
                self.diagnostics.push(
                    Diagnostic::warning(
                        "F0503",
                        format!(
                            "the selection of job `{}` is not understood: `{}`",
                            job.name, unreadable.text
                        ),
                    )
                    .with_primary(span, "ferry cannot evaluate this")
                    .with_flag(MigrationFlag::High)
                    .with_help("the job's pipeline selects no asset; list its assets by hand"),
                );
                Vec::new()
            }
        }
    }
}
