//! Small random edits of source text, the same on every run: deleting a stretch, inserting one
//! of the language's tokens (or something that breaks it), duplicating a stretch.

/// A small deterministic pseudo-random generator (no dependency, same cases on every run).
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }
}

const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "\"",
    "->",
    ":",
    ",",
    ";",
    "=",
    "\n",
    "//",
    "x",
    "kind",
    "boundary",
    "flow",
    "rule",
    "accept",
    "data",
    "use",
    "model",
    "attr",
    "cmk(",
    "100/s",
    "2027-02-30",
    "on",
    "\u{e9}",
    "\t",
    "-",
    "9999999999999999999999",
    " not ",
    " or ",
    "==",
    "=>",
    ".",
    "where",
    "for",
    "\\q",
    "tag \"x\"",
];

pub fn mutate(text: &str, rng: &mut Lcg) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.next(3) {
        let at = rng.next(chars.len() + 1);
        match rng.next(3) {
            0 => {
                let end = (at + 1 + rng.next(20)).min(chars.len());
                chars.drain(at.min(end)..end);
            }
            1 => {
                let token: Vec<char> = TOKENS[rng.next(TOKENS.len())].chars().collect();
                chars.splice(at..at, token);
            }
            _ => {
                let end = (at + rng.next(40)).min(chars.len());
                let copy: Vec<char> = chars[at..end].to_vec();
                chars.splice(at..at, copy);
            }
        }
    }
    chars.into_iter().collect()
}
