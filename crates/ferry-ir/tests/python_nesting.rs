//! Python text the IR carries must stay readable by a recursive parser (F0214): the
//! `.ferry` reader rejects an oversized body, import or `.py` file at its token, and the
//! verifier rejects one however it got into the IR (fuzz case 4037: a left-deep body
//! expression overflowed the back end's name check).

use ferry_ir::FileId;
use ferry_ir::text::parse;
use ferry_ir::verify::{VerifyOptions, verify};

fn python_step(imports: &str, body: &str) -> String {
    format!(
        "workflow \"w\" frontend ir\npipeline p \"p\" @- {{\n  step s \"s\" @- {{\n    kind python \"s\" @- imports [{imports}] body \"{body}\"\n    mapping direct \"\" \"\"\n  }}\n}}\n"
    )
}

fn reader_codes(text: &str) -> Vec<String> {
    match parse(text, FileId(0)) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.into_iter().map(|d| d.code).collect(),
    }
}

#[test]
fn the_reader_rejects_oversized_python_at_its_token() {
    let chain = format!("return 1{}", "+1".repeat(6_000));
    let text = python_step("", &chain);
    let errors = parse(&text, FileId(0)).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].code, "F0214");
    let at = text.find("\"return").unwrap();
    assert_eq!(
        errors[0].labels[0].span,
        ferry_ir::Span::new(FileId(0), at, at + chain.len() + 2)
    );

    let deep = format!("x = {}1{}", "(".repeat(150), ")".repeat(150));
    assert_eq!(reader_codes(&python_step("", &deep)), ["F0214"]);
    let import = format!("\"import {}\"", "a.".repeat(6_000) + "b");
    assert_eq!(reader_codes(&python_step(&import, "return 1")), ["F0214"]);
    let file = format!("workflow \"w\" frontend ir\nfile \"m.py\" \"support\" @- \"{deep}\"\n");
    assert_eq!(reader_codes(&file), ["F0214"]);
    // The same text in a file that is not Python is only data.
    let data = format!("workflow \"w\" frontend ir\nfile \"m.txt\" \"data\" @- \"{deep}\"\n");
    assert!(reader_codes(&data).is_empty());
    // Long flat text within the limits reads.
    let flat = format!("return [{}]", "1, ".repeat(20_000));
    assert!(reader_codes(&python_step("", &flat)).is_empty());
}

#[test]
fn the_verifier_rejects_oversized_python_however_it_got_in() {
    let mut workflow = parse(&python_step("", "return 1"), FileId(0)).unwrap();
    assert!(verify(&workflow, VerifyOptions::default()).is_empty());
    let graph = &mut workflow.pipelines[0].graph;
    let index = graph.node_indices().next().unwrap();
    if let ferry_ir::StepKind::Python { body, .. } = &mut graph[index].kind {
        *body = format!("return 1{}", "+1".repeat(6_000));
    }
    let codes: Vec<_> = verify(&workflow, VerifyOptions::default())
        .into_iter()
        .map(|d| d.code)
        .collect();
    assert_eq!(codes, ["F0214"]);
}
