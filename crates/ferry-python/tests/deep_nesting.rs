//! Pathologically nested input is reported (F0402), never a stack overflow: both far
//! beyond the limits and right at them, on a thread with a small (2 MiB) stack like the
//! ones test harnesses and thread pools use.

use ferry_diagnostics::{Diagnostic, SourceMap};

fn parse_on_small_stack(text: String) -> Vec<Diagnostic> {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let mut sources = SourceMap::new();
            let file = sources.add("deep.py", text);
            let (module, diagnostics) = ferry_python::parse(&sources, file).unwrap();
            drop(module);
            diagnostics
        })
        .unwrap()
        .join()
        .expect("parsing must not crash")
}

fn hostile(n: usize) -> Vec<String> {
    let mut nested_if = String::new();
    for i in 0..n.min(3000) {
        nested_if.push_str(&" ".repeat(i));
        nested_if.push_str("if a:\n");
    }
    vec![
        format!("x = {}1{}\n", "[".repeat(n), "]".repeat(n)),
        format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n)),
        format!("x = {}1\n", "-".repeat(n)),
        format!("x = {}a\n", "not ".repeat(n)),
        format!("x = a{}\n", ".b".repeat(n)),
        format!("x = 1{}\n", "+1".repeat(n)),
        format!("x = a{}\n", "()".repeat(n)),
        format!("x = a{}\n", " and a".repeat(n)),
        format!("x = {}1\n", "1 if a else ".repeat(n)),
        format!("x = f'{}'\n", "{".repeat(n)),
        nested_if,
    ]
}

#[test]
fn far_beyond_the_limits_is_reported() {
    for text in hostile(100_000) {
        let head: String = text.chars().take(12).collect();
        let diagnostics = parse_on_small_stack(text);
        assert!(
            diagnostics
                .iter()
                .any(|d| d.code == "F0402" || d.code == "F0401"),
            "{head}...: {diagnostics:?}"
        );
    }
}

#[test]
fn just_below_the_limits_parses_on_a_small_stack() {
    // 99 brackets deep; chains of ~9,990 code bytes.
    for text in [
        format!("x = {}1{}\n", "[".repeat(99), "]".repeat(99)),
        format!("x = a{}\n", ".b".repeat(4990)),
        format!("x = 1{}\n", "+1".repeat(4990)),
        format!("x = {}1\n", "-".repeat(9990)),
        format!("x = a{}\n", "()".repeat(4990)),
    ] {
        let diagnostics = parse_on_small_stack(text);
        assert!(
            diagnostics.iter().all(|d| d.code != "F0402"),
            "{diagnostics:?}"
        );
    }
}
