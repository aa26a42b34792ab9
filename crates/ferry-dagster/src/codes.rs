use ferry_diagnostics::CodeInfo;

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "F0501",
        title: "Dagster construct not translated",
        explanation: "The code location uses a Dagster decorator, class or call that ferry does not \
translate (for example a custom decorator wrapping @asset, or an API ferry has no mapping for). It is \
reported at its span and listed in the migration report; nothing is generated for it.",
    },
    CodeInfo {
        code: "F0502",
        title: "asset dependency not found",
        explanation: "An asset names an upstream asset (by parameter name, `deps=`, or `AssetIn(key=...)`) \
that no asset of the code location defines and that is not declared as a SourceAsset/AssetSpec. The input \
stays an unresolved asset-key placeholder: load the artifact by name in the generated step.",
    },
    CodeInfo {
        code: "F0503",
        title: "job selection not understood",
        explanation: "`define_asset_job(selection=...)` uses a selection ferry cannot evaluate statically \
(a computed expression or an AssetSelection method ferry does not know). The job's pipeline then holds \
every asset of the code location; narrow it by hand.",
    },
    CodeInfo {
        code: "F0504",
        title: "sensor or automation has no ZenML equivalent",
        explanation: "Sensors, asset sensors, AutomationCondition and auto-materialize policies react to \
events. ZenML pipelines run on demand or on a schedule; the trigger is listed (HIGH) so that the event \
source can call `run.py` or a deployed pipeline instead.",
    },
    CodeInfo {
        code: "F0505",
        title: "op wiring not understood",
        explanation: "The body of a @job or @graph does something other than calling ops with the outputs of \
other ops (loops, conditionals, helper calls). Only the calls ferry could follow become steps; review the \
generated pipeline.",
    },
];
