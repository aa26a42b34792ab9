//! The driver: finds every `Pipeline(...)` call, sets up the scope it is built in and
//! lowers its parameters, steps and triggers.

use std::collections::{BTreeMap, BTreeSet};

use ferry_diagnostics::{Diagnostic, FileId, SourceMap};
use ferry_ir::naming::{Namer, to_identifier};
use ferry_ir::{Frontend, ModelRegistration, Pipeline, SourceRef, Trigger, Workflow};
use ferry_passes::Lowered;
use ferry_python::ast::{Expr, ExprCall, Stmt, StmtFunctionDef};
use ferry_python::{CallInfo, ParsedModule, Ranged, Scope};
use petgraph::stable_graph::NodeIndex;

use crate::Options;

/// How deep the front end follows statement blocks, name bindings and step references.
pub const MAX_DEPTH: usize = 64;

/// Lower one file; also returns the code paths the pipelines asked for.
pub fn lower_file(sources: &SourceMap, file: FileId, options: &Options) -> (Lowered, Vec<String>) {
    let Some((module, mut diagnostics)) = ferry_python::parse(sources, file) else {
        return (Lowered::default(), Vec::new());
    };
    let path = sources
        .get(file)
        .map(|f| f.path.clone())
        .unwrap_or_default();
    let stem = std::path::Path::new(&path)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("pipeline")
        .to_string();
    let module_name = options.module_name.clone().unwrap_or_else(|| stem.clone());
    let module_scope = Scope::module(module_name, module.body());
    let star_import = module.body().iter().any(|s| match s {
        Stmt::ImportFrom(i) => {
            i.names.iter().any(|a| a.name.id.as_str() == "*")
                && i.module
                    .as_ref()
                    .is_some_and(|m| m.id.as_str().starts_with("sagemaker"))
        }
        _ => false,
    });

    let mut found = Vec::new();
    find_pipelines(
        &module_scope,
        module.body(),
        None,
        star_import,
        0,
        &mut found,
    );
    let mut workflow = Workflow::new(to_identifier(&stem), Frontend::Sagemaker);
    workflow.sources.push(SourceRef { file, path });
    if found.is_empty() {
        diagnostics.push(
            Diagnostic::warning(
                "F0410",
                "no SageMaker `Pipeline(...)` call found in this file",
            )
            .with_primary(
                ferry_diagnostics::Span::new(file, 0, 0),
                "searched from here",
            )
            .with_help("ferry lowers files that build a `sagemaker.workflow.pipeline.Pipeline`"),
        );
        return (
            Lowered {
                workflow: None,
                diagnostics,
            },
            Vec::new(),
        );
    }
    let mut pipeline_namer = Namer::new();
    let mut wanted = Vec::new();
    let mut closures = Vec::new();
    let mut support_path = None;
    for (index, (call, def)) in found.into_iter().enumerate() {
        let function_scope;
        let scope: &Scope<'_> = match def {
            Some(def) => {
                function_scope = Scope::nested(&module_scope, &def.body);
                &function_scope
            }
            None => &module_scope,
        };
        let mut lowerer = Lowerer::new(&module, scope, def, star_import, sources, options);
        lowerer.lower_pipeline(call, &mut pipeline_namer);
        lowerer.runtime_parameters();
        if index == 0 && !lowerer.pipeline.display_name.is_empty() {
            workflow.name = to_identifier(&lowerer.pipeline.display_name);
        }
        workflow.triggers.append(&mut lowerer.triggers);
        workflow.models.append(&mut lowerer.models);
        diagnostics.append(&mut lowerer.diagnostics);
        wanted.append(&mut lowerer.wanted);
        for f in std::mem::take(&mut lowerer.files) {
            if !workflow.files.iter().any(|g| g.path == f.path) {
                workflow.files.push(f);
            }
        }
        if support_path.is_none() {
            support_path = Some(lowerer.support_module_path());
        }
        for d in std::mem::take(&mut lowerer.dependencies) {
            if !workflow.dependencies.iter().any(|e| e.import == d.import) {
                workflow.dependencies.push(d);
            }
        }
        closures.append(&mut lowerer.closures);
        workflow.pipelines.push(lowerer.pipeline);
    }
    if !closures.is_empty()
        && let Some(path) = support_path
    {
        for f in crate::function_step::support_files(&module, &path, closures, &mut diagnostics) {
            if !workflow.files.iter().any(|g| g.path == f.path) {
                workflow.files.push(f);
            }
        }
    }
    (
        Lowered {
            workflow: Some(workflow),
            diagnostics,
        },
        wanted,
    )
}

/// Every `Pipeline(...)` call with the function it is built in (`None`: module level).
fn find_pipelines<'a>(
    scope: &Scope<'_>,
    body: &'a [Stmt],
    def: Option<&'a StmtFunctionDef>,
    star_import: bool,
    depth: usize,
    found: &mut Vec<(&'a ExprCall, Option<&'a StmtFunctionDef>)>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    for stmt in body {
        let value: Option<&Expr> = match stmt {
            Stmt::Assign(a) => Some(&a.value),
            Stmt::AnnAssign(a) => a.value.as_deref(),
            Stmt::Return(r) => r.value.as_deref(),
            Stmt::Expr(e) => Some(&e.value),
            _ => None,
        };
        if let Some(Expr::Call(call)) = value
            && is_pipeline_class(scope, &call.func, star_import)
        {
            found.push((call, def));
        }
        match stmt {
            Stmt::FunctionDef(inner) => find_pipelines(
                scope,
                &inner.body,
                Some(inner),
                star_import,
                depth + 1,
                found,
            ),
            Stmt::If(s) => {
                find_pipelines(scope, &s.body, def, star_import, depth + 1, found);
                for clause in &s.elif_else_clauses {
                    find_pipelines(scope, &clause.body, def, star_import, depth + 1, found);
                }
            }
            Stmt::With(s) => find_pipelines(scope, &s.body, def, star_import, depth + 1, found),
            Stmt::Try(s) => {
                find_pipelines(scope, &s.body, def, star_import, depth + 1, found);
                find_pipelines(scope, &s.orelse, def, star_import, depth + 1, found);
            }
            _ => {}
        }
    }
}

fn is_pipeline_class(scope: &Scope<'_>, func: &Expr, star_import: bool) -> bool {
    match scope.qualified_name(func) {
        Some(q) => {
            q == "sagemaker.workflow.pipeline.Pipeline"
                || q == "sagemaker.workflow.Pipeline"
                || q == "sagemaker.mlops.workflow.pipeline.Pipeline"
        }
        // `from sagemaker.workflow.pipeline import *` binds `Pipeline` invisibly.
        None => {
            star_import
                && matches!(func, Expr::Name(n) if n.id.as_str() == "Pipeline" && scope.lookup("Pipeline").is_none())
        }
    }
}

/// Lowers one pipeline; the `impl` blocks in `values`, `steps`, `conditions` and
/// `policies` add the per-construct parts.
pub struct Lowerer<'a> {
    pub module: &'a ParsedModule,
    pub scope: &'a Scope<'a>,
    /// Statements searched for mutations (`set_hyperparameters`, `put_triggers`, ...):
    /// the module body and the body of the function building the pipeline.
    pub statement_lists: Vec<&'a [Stmt]>,
    pub star_import: bool,
    /// The function building the pipeline (`get_pipeline(...)`), if any.
    pub function: Option<&'a StmtFunctionDef>,
    pub pipeline: Pipeline,
    pub step_namer: Namer,
    pub param_namer: Namer,
    /// Lowered steps by the start offset of the expression that constructs them.
    pub steps: BTreeMap<u32, NodeIndex>,
    /// SageMaker step names already used, for F0417.
    pub step_names: BTreeMap<String, ferry_diagnostics::Span>,
    pub in_progress: BTreeSet<u32>,
    pub reported_star_calls: BTreeSet<u32>,
    pub depth: usize,
    /// Pipeline parameters by the start offset of their constructor call.
    pub params: BTreeMap<u32, String>,
    /// `LambdaOutput`/`CallbackOutput` objects by call offset: (step name, output name).
    pub output_objects: BTreeMap<u32, (String, String)>,
    pub triggers: Vec<Trigger>,
    pub models: Vec<ModelRegistration>,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: &'a SourceMap,
    pub options: &'a Options,
    /// Code paths asked for (the caller's first pass).
    pub wanted: Vec<String>,
    /// Scripts carried into the project.
    pub files: Vec<ferry_ir::ProjectFile>,
    /// Distributions the carried scripts import.
    pub dependencies: Vec<ferry_ir::Dependency>,
    /// Parameters read as infrastructure settings (`infra.rs`).
    pub infra_params: BTreeSet<String>,
    /// FailSteps whose computed message a transform step builds: fail → transform.
    pub fail_messages: BTreeMap<NodeIndex, NodeIndex>,
    /// What carried `@step` bodies need from the file (rendered once per file).
    pub closures: Vec<ferry_python::Closure>,
}

impl<'a> Lowerer<'a> {
    fn new(
        module: &'a ParsedModule,
        scope: &'a Scope<'a>,
        def: Option<&'a StmtFunctionDef>,
        star_import: bool,
        sources: &'a SourceMap,
        options: &'a Options,
    ) -> Self {
        let mut statement_lists: Vec<&'a [Stmt]> = vec![module.body()];
        if let Some(def) = def {
            statement_lists.push(&def.body);
        }
        Lowerer {
            module,
            scope,
            statement_lists,
            star_import,
            function: def,
            pipeline: Pipeline::new("pipeline", "", ferry_diagnostics::Span::detached()),
            step_namer: Namer::new(),
            param_namer: Namer::new(),
            steps: BTreeMap::new(),
            step_names: BTreeMap::new(),
            in_progress: BTreeSet::new(),
            reported_star_calls: BTreeSet::new(),
            depth: 0,
            params: BTreeMap::new(),
            output_objects: BTreeMap::new(),
            triggers: Vec::new(),
            models: Vec::new(),
            diagnostics: Vec::new(),
            sources,
            options,
            wanted: Vec::new(),
            files: Vec::new(),
            dependencies: Vec::new(),
            infra_params: BTreeSet::new(),
            fail_messages: BTreeMap::new(),
            closures: Vec::new(),
        }
    }

    fn lower_pipeline(&mut self, call: &'a ExprCall, pipeline_namer: &mut Namer) {
        let expr_call = self.module.span(call);
        let info = self.call_info_of(call);
        let display = match info.arg(0, "name") {
            Some(e) => self.constant_string(e, "pipeline name"),
            None => None,
        }
        .unwrap_or_else(|| "pipeline".to_string());
        self.pipeline = Pipeline::new(pipeline_namer.fresh(&display), display, expr_call);
        if let Some(params) = info.keyword("parameters") {
            for element in self.list_elements(params, "parameters") {
                match self.as_param_call(element) {
                    Some(param_call) => {
                        self.param_name(param_call, true);
                    }
                    None => self.diagnostics.push(
                        Diagnostic::warning(
                            "F0416",
                            "pipeline parameter is not a `Parameter*(...)` call ferry can read",
                        )
                        .with_primary(self.module.span(element), "not a parameter"),
                    ),
                }
            }
        }
        if let Some(config) = info.keyword("pipeline_definition_config") {
            self.pipeline.notes.push(format!(
                "pipeline_definition_config={} (job-name prefixes have no ZenML equivalent)",
                self.module.text_of(config)
            ));
        }
        match info.arg(3, "steps") {
            Some(steps) => {
                for element in self.list_elements(steps, "steps") {
                    self.ensure_step(element);
                }
            }
            None => self.diagnostics.push(
                Diagnostic::warning("F0416", "`Pipeline(...)` has no `steps=`")
                    .with_primary(expr_call, "no steps"),
            ),
        }
        self.lower_added_dependencies();
        self.lower_triggers(call);
    }

    /// `step.add_depends_on([...])` calls and `step.depends_on = [...]` assignments on
    /// steps of this pipeline (mutations after construction).
    fn lower_added_dependencies(&mut self) {
        let mut mutations: Vec<(&'a Expr, &'a Expr)> = Vec::new();
        for call in self.method_calls("add_depends_on") {
            if let Expr::Attribute(attr) = &*call.func
                && let Some(list) = call.arguments.find_argument_value("step_names", 0)
            {
                mutations.push((&attr.value, list));
            }
        }
        for body in self.statement_lists.clone() {
            for stmt in body {
                if let Stmt::Assign(assign) = stmt
                    && let [Expr::Attribute(target)] = assign.targets.as_slice()
                    && target.attr.id.as_str() == "depends_on"
                {
                    mutations.push((&target.value, &assign.value));
                }
            }
        }
        for (step_expr, list) in mutations {
            let key = self.follow(step_expr).range().start().to_u32();
            let Some(&index) = self.steps.get(&key) else {
                continue;
            };
            for dependency in self.list_elements(list, "depends_on") {
                let Some(from) = self.ensure_step(dependency) else {
                    continue;
                };
                if from == index {
                    continue;
                }
                if matches!(
                    self.pipeline.graph[from].kind,
                    ferry_ir::StepKind::Branch { .. }
                ) {
                    let note = format!(
                        "depends on condition step `{}`; it runs regardless of the outcome here",
                        self.pipeline.graph[from].display_name
                    );
                    self.pipeline.graph[index].notes.push(note);
                    continue;
                }
                let span = self.span(dependency);
                self.pipeline
                    .add_edge(from, index, ferry_ir::EdgeKind::Order, span);
            }
        }
    }

    pub fn call_info_of(&mut self, call: &'a ExprCall) -> CallInfo<'a> {
        let mut info = CallInfo {
            call,
            span: self.module.span(call),
            callee: self.scope.qualified_name(&call.func),
            callee_text: self.module.text_of(&*call.func),
            args: Vec::new(),
            keywords: Vec::new(),
            star_args: Vec::new(),
        };
        for arg in call.arguments.args.iter() {
            match arg {
                Expr::Starred(_) => info.star_args.push(self.module.span(arg)),
                _ => info.args.push(arg),
            }
        }
        for keyword in call.arguments.keywords.iter() {
            match &keyword.arg {
                Some(name) => info.keywords.push(ferry_python::KeywordArg {
                    name: name.id.as_str(),
                    value: &keyword.value,
                    span: self.module.span(keyword),
                }),
                None => match self.unpacked_keywords(&keyword.value) {
                    Some(keywords) => info.keywords.extend(keywords),
                    None => info.star_args.push(self.module.span(keyword)),
                },
            }
        }
        // SDK job classes: positional arguments are bound to their parameter names (a
        // `*args` before them would make the positions unknowable).
        if let Some(params) = self
            .sagemaker_class(call)
            .and_then(|class| crate::signatures::positional_parameters(&class))
            && !call.arguments.args.iter().any(Expr::is_starred_expr)
        {
            let bound = info.args.len().min(params.len());
            let positional: Vec<&'a Expr> = info.args.drain(..bound).collect();
            for (name, value) in params.iter().zip(positional) {
                if info.keyword(name).is_none() {
                    info.keywords.push(ferry_python::KeywordArg {
                        name,
                        value,
                        span: self.module.span(value),
                    });
                }
            }
        }
        if !info.star_args.is_empty() && self.reported_star_calls.insert(info.span.start) {
            let mut diagnostic = Diagnostic::warning(
                "F0411",
                format!(
                    "`*`/`**` arguments of `{}` cannot be read statically",
                    info.callee_text
                ),
            )
            .with_flag(ferry_diagnostics::MigrationFlag::Medium)
            .with_help("pass the arguments by keyword so ferry can read them");
            for span in &info.star_args {
                diagnostic = diagnostic.with_primary(*span, "unpacked here");
            }
            self.diagnostics.push(diagnostic);
        }
        info
    }

    /// `**config` where `config` is a dict literal with string keys (not changed in
    /// place afterwards): its entries, as the keywords Python passes.
    fn unpacked_keywords(&self, value: &'a Expr) -> Option<Vec<ferry_python::KeywordArg<'a>>> {
        let Expr::Dict(dict) = self.follow(value) else {
            return None;
        };
        dict.items
            .iter()
            .map(|item| match &item.key {
                Some(Expr::StringLiteral(key)) => Some(ferry_python::KeywordArg {
                    name: key.value.to_str(),
                    value: &item.value,
                    span: self.module.span(&item.value.range().cover(key.range)),
                }),
                _ => None,
            })
            .collect()
    }

    pub fn span(&self, node: &impl Ranged) -> ferry_diagnostics::Span {
        self.module.span(node)
    }
}
