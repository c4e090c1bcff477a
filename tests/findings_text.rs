//! The fast way of printing findings without colour writes exactly what ariadne writes: every
//! finding of every bundled model and rule fixture is printed both ways and compared (lines
//! without their trailing spaces, as `check` prints them).

mod support;

use threatflow::findings::reference;

fn trimmed(text: &str) -> Vec<&str> {
    text.lines().map(str::trim_end).collect()
}

#[test]
fn the_fast_path_prints_every_finding_as_ariadne_does() {
    let root = support::repo_root();
    let mut files = Vec::new();
    for dir in ["examples", "tests/fixtures", "tests/rules", "tests/drift"] {
        support::all_flow_files(&root.join(dir), &mut files);
    }
    files.sort();
    let (mut fast, mut reference_only) = (0, 0);
    for path in files {
        let base = path.parent().unwrap();
        let compilation = support::compile_file(base, &path);
        let sources = &compilation.unit.sources;
        let expected = reference::ariadne(&compilation.findings, sources);
        let plain = reference::plain(&compilation.findings, sources);
        for ((finding, expected), plain) in compilation.findings.iter().zip(expected).zip(plain) {
            match plain {
                Some(text) => {
                    assert_eq!(
                        trimmed(&text),
                        trimmed(&expected),
                        "{}: {}",
                        path.display(),
                        finding.id
                    );
                    fast += 1;
                }
                None => reference_only += 1,
            }
        }
    }
    eprintln!("{fast} findings printed the fast way, {reference_only} through ariadne");
    // Element findings take the fast path; flows with a block (a label over several lines)
    // are left to ariadne.
    assert!(
        fast > 200 && reference_only > 20,
        "{fast} fast, {reference_only} through ariadne"
    );
}
