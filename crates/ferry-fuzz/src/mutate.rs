//! Deterministic mutations of a seed input: byte flips, truncation, splicing (from
//! the seed itself or another seed), deep nesting, huge tokens, invalid UTF-8 and NUL
//! bytes. [`Rng`] is a fixed-seed generator, so a case number always gives the same
//! bytes.

/// SplitMix64: small, fast and good enough to pick mutations.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (0 when `bound` is 0).
    pub fn below(&mut self, bound: usize) -> usize {
        if bound == 0 {
            0
        } else {
            (self.next_u64() % bound as u64) as usize
        }
    }
}

/// The kinds of mutation, in the order case numbers cycle through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutation {
    ByteFlips,
    Truncate,
    SpliceSelf,
    SpliceOther,
    DeepNesting,
    HugeToken,
    InvalidUtf8,
    Nul,
    Tokens,
}

pub const ALL: [Mutation; 9] = [
    Mutation::ByteFlips,
    Mutation::Truncate,
    Mutation::SpliceSelf,
    Mutation::SpliceOther,
    Mutation::DeepNesting,
    Mutation::HugeToken,
    Mutation::InvalidUtf8,
    Mutation::Nul,
    Mutation::Tokens,
];

/// Fragments that mean something to one of the input languages.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "\"",
    "'",
    "\n",
    ":",
    ",",
    "$.",
    "$$.",
    "${X}",
    "States.",
    "\"Type\": \"Map\"",
    "\"Next\": \"",
    "@asset\n",
    "def ",
    "lambda",
    "\\",
    "\"\"\"",
    "#",
    "é",
    "\u{202e}",
    "\r\n",
    "\t",
    "step ",
    "param ",
    "edge ",
    "\"Resource\": \"arn:aws:states:::ecs\\n  x\"",
];

/// Apply `mutation` to `seed` (`other` is another seed, for splicing).
pub fn apply(mutation: Mutation, seed: &[u8], other: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut out = seed.to_vec();
    let at = rng.below(out.len() + 1);
    match mutation {
        Mutation::ByteFlips => {
            for _ in 0..1 + rng.below(8) {
                if !out.is_empty() {
                    let i = rng.below(out.len());
                    out[i] ^= 1 << rng.below(8);
                }
            }
        }
        Mutation::Truncate => out.truncate(at),
        Mutation::SpliceSelf => {
            let start = rng.below(seed.len() + 1);
            let end = (start + rng.below(4096)).min(seed.len());
            let chunk = seed[start..end].to_vec();
            splice(&mut out, at, &chunk);
        }
        Mutation::SpliceOther => {
            let start = rng.below(other.len() + 1);
            let end = (start + rng.below(4096)).min(other.len());
            let cut = (at + rng.below(256)).min(out.len());
            out.splice(at..cut, other[start..end].iter().copied());
        }
        Mutation::DeepNesting => {
            let open = ["[", "{\"a\": ", "(", "[[", "f(", "not ", "-"][rng.below(7)];
            let depth = [50, 200, 1_000, 20_000][rng.below(4)];
            let nest = open.repeat(depth);
            splice(&mut out, at, nest.as_bytes());
        }
        Mutation::HugeToken => {
            let unit = ["a", "9", "\"", "x.", "+1", " "][rng.below(6)];
            let len = [1_000, 50_000, 200_000][rng.below(3)];
            splice(&mut out, at, unit.repeat(len / unit.len()).as_bytes());
        }
        Mutation::InvalidUtf8 => {
            let bad: &[u8] = [
                &[0xff][..],
                &[0xc3][..],
                &[0xed, 0xa0, 0x80][..],
                &[0xfe, 0xfe][..],
            ][rng.below(4)];
            splice(&mut out, at, bad);
        }
        Mutation::Nul => splice(&mut out, at, b"\0"),
        Mutation::Tokens => {
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(out.len() + 1);
                let token = TOKENS[rng.below(TOKENS.len())];
                splice(&mut out, at, token.as_bytes());
            }
        }
    }
    out
}

fn splice(out: &mut Vec<u8>, at: usize, bytes: &[u8]) {
    let at = at.min(out.len());
    out.splice(at..at, bytes.iter().copied());
}
