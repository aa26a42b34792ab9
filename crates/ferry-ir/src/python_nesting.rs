//! A cheap scan that finds logical lines nested too deeply for the parser: ruff's
//! recursive-descent parser (and the recursive drop of its tree) would overflow the
//! stack on them. Such lines are blanked (bytes become spaces, newlines kept, so every
//! other span stays valid) and reported as F0402.
//!
//! What overflows is the depth of the syntax tree, so that is what is measured: bracket
//! nesting, and the length of one chain — the code between two commas (or semicolons)
//! at one bracket level, where a bracketed group counts as one byte of its parent's
//! chain. A left-deep chain (`a.b.c...`, `1+1+...`, `-----x`, `x if a else ...`) nests
//! once per link and grows its chain; a long flat list (`[a, b, c, ...]`) is many short
//! chains and is read whatever its length.

/// Deepest bracket nesting accepted on one logical line.
pub const MAX_BRACKET_DEPTH: usize = 100;
/// Most code bytes (outside strings and comments) accepted in one chain; bounds
/// left-deep chains like `a.b.c...` or `1+1+...` that nest without brackets.
pub const MAX_CHAIN_CODE: usize = 10_000;

/// Byte ranges of the logical lines over the limits.
pub fn oversized_lines(text: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut max_depth = 0usize;
    // Code bytes of the open chain at each bracket level (index 0: outside brackets).
    let mut chains: Vec<usize> = vec![0];
    let mut max_chain = 0usize;
    let mut line_start = 0usize;
    let mut i = 0usize;
    let close_line =
        |start: usize, end: usize, max_depth: usize, max_chain: usize, out: &mut Vec<_>| {
            if max_depth > MAX_BRACKET_DEPTH || max_chain > MAX_CHAIN_CODE {
                out.push(start..end);
            }
        };
    let add = |chains: &mut Vec<usize>, max_chain: &mut usize, n: usize| {
        if let Some(top) = chains.last_mut() {
            *top += n;
            *max_chain = (*max_chain).max(*top);
        }
    };
    while i < bytes.len() {
        let b = bytes[i];
        let depth = chains.len() - 1;
        match b {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\'' | b'"' => {
                let triple = bytes.get(i + 1) == Some(&b) && bytes.get(i + 2) == Some(&b);
                let (end, inner_depth, field_code) = skip_string(bytes, i, triple);
                max_depth = max_depth.max(depth + inner_depth);
                // A replacement field of an f-string is an expression nested in the
                // string: its chain (`{+1+1+...}`) nests as deep as one outside.
                let field_code = if is_interpolated(bytes, i) {
                    field_code
                } else {
                    0
                };
                add(&mut chains, &mut max_chain, 1 + field_code);
                i = end;
                continue;
            }
            b'(' | b'[' | b'{' => {
                add(&mut chains, &mut max_chain, 1);
                chains.push(0);
                max_depth = max_depth.max(chains.len() - 1);
            }
            b')' | b']' | b'}' if chains.len() > 1 => {
                chains.pop();
            }
            b')' | b']' | b'}' => {}
            b',' | b';' => {
                if let Some(top) = chains.last_mut() {
                    *top = 0;
                }
            }
            b'\\' if bytes.get(i + 1) == Some(&b'\n') => {
                i += 2;
                continue;
            }
            b'\n' if depth == 0 => {
                close_line(line_start, i, max_depth, max_chain, &mut out);
                line_start = i + 1;
                max_depth = 0;
                max_chain = 0;
                chains.clear();
                chains.push(0);
            }
            b if !b.is_ascii_whitespace() => add(&mut chains, &mut max_chain, 1),
            _ => {}
        }
        i += 1;
    }
    close_line(line_start, bytes.len(), max_depth, max_chain, &mut out);
    out
}

/// Whether the string whose quote is at `quote` has an `f` or `t` prefix (its
/// replacement fields are expressions).
fn is_interpolated(bytes: &[u8], quote: usize) -> bool {
    bytes[..quote]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_alphabetic())
        .take(2)
        .any(|b| matches!(b, b'f' | b'F' | b't' | b'T'))
}

/// The end of the string starting at `start`, the deepest bracket nesting inside it
/// (f-string replacement fields are parsed as expressions) and the most bytes inside
/// one replacement field.
fn skip_string(bytes: &[u8], start: usize, triple: bool) -> (usize, usize, usize) {
    let quote = bytes[start];
    let mut i = start + if triple { 3 } else { 1 };
    let mut depth = 0usize;
    let mut max_depth = 0usize;
    let mut field = 0usize;
    let mut max_field = 0usize;
    while i < bytes.len() {
        if depth > 0 {
            field += 1;
            max_field = max_field.max(field);
        }
        match bytes[i] {
            b'\\' => i += 1,
            b'\n' if !triple => return (i, max_depth, max_field),
            b'{' | b'(' | b'[' => {
                depth += 1;
                max_depth = max_depth.max(depth);
            }
            b'}' | b')' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    field = 0;
                }
            }
            b if b == quote => {
                if !triple {
                    return (i + 1, max_depth, max_field);
                }
                if bytes.get(i + 1) == Some(&quote) && bytes.get(i + 2) == Some(&quote) {
                    return (i + 3, max_depth, max_field);
                }
            }
            _ => {}
        }
        i += 1;
    }
    (bytes.len(), max_depth, max_field)
}

/// `text` with the given ranges blanked: every byte but `\n` becomes a space. Ranges
/// start and end at ASCII bytes or the ends of the text, so the result is UTF-8.
pub fn blank(text: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for range in ranges {
        for b in &mut bytes[range.clone()] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_deep_and_long_lines_only() {
        let deep = format!("x = {}1{}", "[".repeat(150), "]".repeat(150));
        let long = format!("y = a{}", ".b".repeat(6000));
        let text = format!(
            "ok = [(1, 2)]\n{deep}\ns = '{}'\n{long}\nz = 1\n",
            "[".repeat(20)
        );
        let found = oversized_lines(&text);
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[0].clone()], deep);
        assert_eq!(&text[found[1].clone()], long);
        let blanked = blank(&text, &found);
        assert_eq!(blanked.len(), text.len());
        assert!(blanked.ends_with("\nz = 1\n"));
    }

    #[test]
    fn long_flat_lists_are_read() {
        // Issue 14: `Pipeline(steps=[...])` with 5,000 names is one 45 KB logical line.
        let names: Vec<String> = (0..5000).map(|i| format!("step_{i}")).collect();
        let text = format!(
            "pipeline = Pipeline(name='p', steps=[{}])\nd = {{{}}}\n",
            names.join(", "),
            names
                .iter()
                .map(|n| format!("'{n}': {n}.x"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        assert!(text.len() > 45_000);
        assert!(oversized_lines(&text).is_empty());
        // A chain of groups still counts: each `(..)` is a link.
        let calls = format!("x = a{}\n", "(1, 2)".repeat(11_000));
        assert_eq!(oversized_lines(&calls).len(), 1);
    }

    #[test]
    fn a_long_chain_in_an_f_string_field_is_found() {
        let chain = "+1".repeat(MAX_CHAIN_CODE);
        let deep = format!("x = 1\nprint(f\"total: {{{chain}}}\")\ny = 2\n");
        assert_eq!(oversized_lines(&deep).len(), 1);
        // The same text in a plain string is a string, not code.
        let plain = format!("x = 1\nprint(\"total: {{{chain}}}\")\ny = 2\n");
        assert!(oversized_lines(&plain).is_empty());
        let fields = format!("print(f\"{}\")\n", "{a}".repeat(MAX_CHAIN_CODE));
        assert!(
            oversized_lines(&fields).is_empty(),
            "many short fields are read"
        );
    }

    #[test]
    fn strings_and_comments_do_not_count_as_code() {
        let text = format!("s = '{}'\n# {}\n", "x".repeat(20_000), "(".repeat(500));
        assert!(oversized_lines(&text).is_empty());
    }
}
