//! `ferry graph --format svg`: for every golden input the SVG parses as XML and holds
//! every step's label, every pipeline and region title, the parameter note, every
//! branch label, and dashed red error edges; the same bytes on every run; hostile step
//! names (markup, entities, quotes, control characters) stay text: the document has
//! no element ferry did not draw.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ferry_cli::driver::{DriveOptions, compile_file};
use ferry_diagnostics::FileId;
use ferry_ir::{EdgeKind, Pipeline, Workflow};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Elements ferry's SVG may contain.
const DRAWN: &[&str] = &[
    "svg", "title", "style", "defs", "marker", "polygon", "rect", "g", "text", "tspan", "path",
    "polyline", "line",
];

struct Parsed {
    texts: Vec<String>,
    error_edges: usize,
}

fn parse(svg: &str) -> Parsed {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not XML: {e}\n{svg}"));
    let mut texts = Vec::new();
    let mut error_edges = 0;
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        assert!(DRAWN.contains(&name), "unexpected element <{name}>");
        if name == "text" {
            let lines: Vec<String> = node
                .children()
                .filter(|c| c.has_tag_name("tspan"))
                .map(|t| t.text().unwrap_or("").to_string())
                .collect();
            texts.push(lines.join("\n"));
        }
        if name == "path"
            && node.attribute("stroke") == Some("red")
            && node.attribute("stroke-dasharray").is_some()
        {
            error_edges += 1;
        }
    }
    Parsed { texts, error_edges }
}

/// Text as the SVG shows it: tabs and control characters as spaces.
fn shown(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c != '\n' && (c.is_control() || c == '\t') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

fn check_pipeline(p: &Pipeline, parsed: &Parsed, errors: &mut usize) {
    let has = |prefix: &str| parsed.texts.iter().any(|t| t.starts_with(&shown(prefix)));
    assert!(
        has(&format!("pipeline {}: ", p.name)),
        "title of {}",
        p.name
    );
    if !p.params.is_empty() {
        assert!(has("parameters\n"), "parameter note of {}", p.name);
    }
    for i in p.step_indices() {
        let step = &p.graph[i];
        assert!(
            has(&step.display_name),
            "label of step {:?}",
            step.display_name
        );
        for region in step.kind.regions() {
            check_pipeline(region, parsed, errors);
        }
    }
    let mut pairs = BTreeSet::new();
    for e in p.graph.edge_indices() {
        let (a, b) = p.graph.edge_endpoints(e).unwrap();
        match &p.graph[e].kind {
            EdgeKind::Branch { label } => assert!(
                parsed.texts.iter().any(|t| t.contains(&shown(label))),
                "branch label {label}"
            ),
            EdgeKind::Error(_) if pairs.insert((a, b)) => *errors += 1,
            _ => {}
        }
    }
}

fn check(workflow: &Workflow, name: &str) {
    let svg = ferry_graph::to_svg(workflow).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        ferry_graph::to_svg(workflow).unwrap(),
        svg,
        "{name}: not deterministic"
    );
    let parsed = parse(&svg);
    let mut errors = 0;
    for p in &workflow.pipelines {
        check_pipeline(p, &parsed, &mut errors);
    }
    assert!(
        parsed.error_edges >= errors.min(1),
        "{name}: error edges are not dashed red"
    );
}

#[test]
fn every_golden_graph_renders_with_all_its_labels() {
    let mut count = 0;
    for frontend in ["ir", "asl"] {
        for entry in std::fs::read_dir(root().join("golden").join(frontend)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if !path.is_file() || name.starts_with("invalid_") || name.ends_with(".runs") {
                continue;
            }
            let compiled = compile_file(&path, None, &DriveOptions::default());
            let Some(workflow) = compiled.workflow else {
                panic!("{name} does not compile")
            };
            check(&workflow, &name);
            count += 1;
        }
    }
    assert!(count >= 10);
    // The recipe has catches: its SVG shows them dashed red.
    let recipe = compile_file(
        &root().join("golden/asl/sagemaker_recipe.asl.json"),
        None,
        &DriveOptions::default(),
    );
    let svg = ferry_graph::to_svg(recipe.workflow.as_ref().unwrap()).unwrap();
    assert!(parse(&svg).error_edges >= 2);
}

#[test]
fn hostile_names_cannot_inject_markup() {
    let hostile = "workflow \"x</title><script>alert(1)</script>\" frontend ir\n\npipeline p \"a\\\"]]><b>&amp;#x;{`\" @- {\n  param n: string = \"<svg onload=x>\" @- direct \"p\" \"\"\n  step s \"</tspan></text><script>alert('x')</script>\\n&lt;日本\\u{1} | ;\" @- {\n    kind succeed\n    mapping absent \"c\" \"n\" flag HIGH\n  }\n  step t \"<![CDATA[x]]>\" @- {\n    kind succeed\n    mapping direct \"\" \"\"\n  }\n  edge s -> t branch \"\\\"/><script>\" @-\n}\n";
    let workflow = ferry_ir::text::parse(hostile, FileId(0)).expect("hostile text parses");
    let svg = ferry_graph::to_svg(&workflow).unwrap();
    assert!(!svg.contains("<script"), "{svg}");
    check(&workflow, "hostile");
}
