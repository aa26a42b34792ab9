//! A cheap scan that finds logical lines too deeply nested or too long for the parser:
//! ruff's recursive-descent parser (and the recursive drop of its tree) would overflow
//! the stack on them. Such lines are blanked (bytes become spaces, newlines kept, so
//! every other span stays valid) and reported as F0402.

/// Deepest bracket nesting accepted on one logical line.
pub const MAX_BRACKET_DEPTH: usize = 100;
/// Most code bytes (outside strings and comments) accepted on one logical line; bounds
/// left-deep chains like `a.b.c...` or `1+1+...` that nest without brackets.
pub const MAX_LOGICAL_LINE_CODE: usize = 10_000;

/// Byte ranges of the logical lines over the limits.
pub fn oversized_lines(text: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut max_depth = 0usize;
    let mut code = 0usize;
    let mut line_start = 0usize;
    let mut i = 0usize;
    let close_line = |start: usize, end: usize, max_depth: usize, code: usize, out: &mut Vec<_>| {
        if max_depth > MAX_BRACKET_DEPTH || code > MAX_LOGICAL_LINE_CODE {
            out.push(start..end);
        }
    };
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\'' | b'"' => {
                let triple = bytes.get(i + 1) == Some(&b) && bytes.get(i + 2) == Some(&b);
                let (end, inner_depth) = skip_string(bytes, i, triple);
                max_depth = max_depth.max(depth + inner_depth);
                i = end;
                continue;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                max_depth = max_depth.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'\\' if bytes.get(i + 1) == Some(&b'\n') => {
                i += 2;
                continue;
            }
            b'\n' if depth == 0 => {
                close_line(line_start, i, max_depth, code, &mut out);
                line_start = i + 1;
                max_depth = 0;
                code = 0;
            }
            _ => {}
        }
        if !b.is_ascii_whitespace() {
            code += 1;
        }
        i += 1;
    }
    close_line(line_start, bytes.len(), max_depth, code, &mut out);
    out
}

/// The end of the string starting at `start` and the deepest bracket nesting inside it
/// (f-string replacement fields are parsed as expressions).
fn skip_string(bytes: &[u8], start: usize, triple: bool) -> (usize, usize) {
    let quote = bytes[start];
    let mut i = start + if triple { 3 } else { 1 };
    let mut depth = 0usize;
    let mut max_depth = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'\n' if !triple => return (i, max_depth),
            b'{' | b'(' | b'[' => {
                depth += 1;
                max_depth = max_depth.max(depth);
            }
            b'}' | b')' | b']' => depth = depth.saturating_sub(1),
            b if b == quote => {
                if !triple {
                    return (i + 1, max_depth);
                }
                if bytes.get(i + 1) == Some(&quote) && bytes.get(i + 2) == Some(&quote) {
                    return (i + 3, max_depth);
                }
            }
            _ => {}
        }
        i += 1;
    }
    (bytes.len(), max_depth)
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
    fn strings_and_comments_do_not_count_as_code() {
        let text = format!("s = '{}'\n# {}\n", "x".repeat(20_000), "(".repeat(500));
        assert!(oversized_lines(&text).is_empty());
    }
}
