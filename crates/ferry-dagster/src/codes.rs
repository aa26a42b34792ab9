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
(a computed expression, tags, owners or kinds, or an AssetSelection method ferry does not know), or names a \
key no asset of the code location has. ferry evaluates AssetSelection's constructors (all, assets, keys, \
groups, key_prefixes, checks), its methods (upstream, downstream, roots, sinks) and `-`, `|`, `&`, clause \
strings like `\"*report\"`, lists of assets and AssetKeys, and names bound to any of these. A selection it \
cannot read selects nothing (HIGH): the job's pipeline has no steps and a TODO, never every asset. A key \
that names no asset is left out of the job.",
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
    CodeInfo {
        code: "F0506",
        title: "name in a carried body cannot be resolved",
        explanation: "A name the carried body of an asset or op (or a helper carried with it) reads is bound \
nowhere: not in the function, not in its module, not by an import ferry can follow inside the code location, \
and it is not a builtin. The generated step would raise NameError there; define or import it by hand.",
    },
    CodeInfo {
        code: "F0507",
        title: "Dagster runtime API in a carried body",
        explanation: "The carried code uses a Dagster name (`Output`, `MetadataValue`, `dg.MaterializeResult`, \
`get_dagster_logger`, ...) that ferry does not translate yet. The generated step does not import Dagster, so \
replace the use with its ZenML equivalent (return the value, `log_metadata(...)`, a module logger).",
    },
    CodeInfo {
        code: "F0508",
        title: "carried code could not be laid out exactly",
        explanation: "A body or helper could not be carried byte for byte: a multi-line raw string would gain \
indentation, two carried modules define the same name (inline, the first wins), a module of the code location \
is used as an object, or the body's edits did not apply. Review the generated step at this place.",
    },
];
