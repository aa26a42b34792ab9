//! The location's own code a step carries: helper modules of a package whose name
//! starts like a Dagster integration's (`dagster_shop`), and resource classes that
//! read their Dagster resource context.

use ferry_diagnostics::{Diagnostic, SourceMap};

const INIT: &str = r#"
import dagster as dg

from dagster_shop.assets import priced
from dagster_shop.resources import Prices, Audited

defs = dg.Definitions(
    assets=[priced],
    resources={"prices": Prices(rate=2), "audited": Audited()},
)
"#;

const HELPERS: &str = r#"
def double(x):
    return x * 2
"#;

const RESOURCES: &str = r#"
import dagster as dg


class Prices(dg.ConfigurableResource):
    rate: int = 1

    def price(self, n: int) -> int:
        context = self.get_resource_context()
        context.log.info(f"pricing {n}")
        self.get_resource_context().log.debug("rate %s", self.rate)
        return n * self.rate


class Audited(dg.ConfigurableResource):
    def who(self) -> str:
        return str(self.get_resource_context().instance)
"#;

const ASSETS: &str = r#"
import dagster as dg

from dagster_shop.helpers import double
from dagster_shop.resources import Prices, Audited


@dg.asset
def priced(prices: Prices, audited: Audited) -> int:
    audited.who()
    return double(prices.price(3))
"#;

fn compile() -> (ferry_ir::Workflow, Vec<Diagnostic>) {
    let mut sources = SourceMap::new();
    let ids: Vec<_> = [
        ("shop/dagster_shop/__init__.py", INIT),
        ("shop/dagster_shop/helpers.py", HELPERS),
        ("shop/dagster_shop/resources.py", RESOURCES),
        ("shop/dagster_shop/assets.py", ASSETS),
    ]
    .into_iter()
    .map(|(path, text)| sources.add(path.to_string(), text.to_string()))
    .collect();
    let lowered = ferry_dagster::lower(&sources, &ids, &ferry_dagster::Options::default());
    let (workflow, diagnostics) = ferry_passes::finish(lowered, ferry_dagster::passes(), &sources);
    (workflow.expect("a workflow"), diagnostics)
}

fn file<'w>(workflow: &'w ferry_ir::Workflow, path: &str) -> &'w str {
    workflow
        .files
        .iter()
        .find(|f| f.path == path)
        .map(|f| f.text.as_str())
        .unwrap_or_else(|| {
            let paths: Vec<_> = workflow.files.iter().map(|f| &f.path).collect();
            panic!("{path} not carried: {paths:?}")
        })
}

/// `dagster_shop.helpers` is the location's module, not a Dagster integration: it is
/// carried and imported, not replaced by a raising stand-in.
#[test]
fn a_location_package_named_like_an_integration_is_carried() {
    let (workflow, diagnostics) = compile();
    let helpers = file(&workflow, "dagster_shop/helpers.py");
    assert!(helpers.contains("def double(x):"), "{helpers}");
    let step = workflow
        .pipelines
        .iter()
        .find_map(|p| p.step("priced"))
        .unwrap();
    let ferry_ir::StepKind::Python { imports, body, .. } = &step.kind else {
        panic!("{:?}", step.kind)
    };
    assert!(
        imports
            .iter()
            .any(|i| i.contains("from dagster_shop.helpers import double")),
        "{imports:?}"
    );
    assert!(body.contains("double(prices.price(3))"), "{body}");
    assert!(
        !diagnostics
            .iter()
            .any(|d| d.message.contains("dagster_shop.helpers")),
        "{diagnostics:?}"
    );
}

/// A resource context used for its logger becomes a namespace holding a
/// standard-library logger; used for anything else, a stand-in that raises, with
/// F0507 at the call.
#[test]
fn resource_context_logger_is_translated_and_other_uses_are_reported() {
    let (workflow, diagnostics) = compile();
    let resources = file(&workflow, "dagster_shop/resources.py");
    assert!(
        !resources.contains("self.get_resource_context()"),
        "every call is rewritten:\n{resources}"
    );
    assert!(
        resources.contains("context = types.SimpleNamespace(log=logging.getLogger(__name__))"),
        "{resources}"
    );
    assert!(
        resources.contains(
            "types.SimpleNamespace(log=logging.getLogger(__name__)).log.debug(\"rate %s\", self.rate)"
        ),
        "{resources}"
    );
    assert!(
        resources.contains(
            "str(not_migrated(\"dagster.ConfigurableResource.get_resource_context\").instance)"
        ),
        "{resources}"
    );
    assert!(resources.contains("class not_migrated:"), "{resources}");
    assert!(resources.contains("import logging") && resources.contains("import types"));
    let reported: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.code == "F0507" && d.message.contains("resource context"))
        .collect();
    assert_eq!(reported.len(), 1, "{diagnostics:?}");
}
