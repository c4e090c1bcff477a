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
    let (mut fast, mut reference_only) = (0, 0);
    for path in support::bundled_models() {
        let base = path.parent().unwrap();
        let compilation = support::compile_file(base, &path);
        let sources = &compilation.unit.sources;
        let texts = compilation.texts();
        let expected = reference::ariadne(&compilation.findings, sources, &texts);
        let plain = reference::plain(&compilation.findings, sources, &texts);
        for ((finding, expected), plain) in compilation.findings.iter().zip(expected).zip(plain) {
            match plain {
                Some(text) => {
                    assert_eq!(
                        trimmed(&text),
                        trimmed(&expected),
                        "{}: {}",
                        path.display(),
                        finding.id()
                    );
                    fast += 1;
                }
                None => reference_only += 1,
            }
        }
    }
    eprintln!("{fast} findings printed the fast way, {reference_only} through ariadne");
    // Every bundled finding underlines an element's name or a flow's head on one line of
    // plain text.
    assert!(fast > 250, "{fast} fast, {reference_only} through ariadne");
}

/// A line with a character outside ASCII and a flow head over two lines are left to ariadne,
/// which prints them.
#[test]
fn findings_the_fast_path_does_not_know_go_through_ariadne() {
    let cases = [
        "use stride\nboundary internet : internet { actor u }\nprocess p \"Zoë's\"\nflow u -> p { data D }\ndata D : internal\n",
        "use stride\nboundary internet : internet { actor u }\nprocess p\nflow u\n  -> p { data D }\ndata D : internal\n",
    ];
    for text in cases {
        let compilation =
            support::compile_bytes(&support::repo_root(), "case.flow", text.as_bytes().to_vec());
        let sources = &compilation.unit.sources;
        assert!(
            !compilation.findings.is_empty(),
            "{text}: {:?}",
            compilation.diagnostics
        );
        let texts = compilation.texts();
        let expected = reference::ariadne(&compilation.findings, sources, &texts);
        let plain = reference::plain(&compilation.findings, sources, &texts);
        let through_ariadne = plain.iter().filter(|p| p.is_none()).count();
        assert!(through_ariadne > 0, "{text}");
        for (expected, plain) in expected.iter().zip(&plain) {
            assert!(expected.contains("case.flow:"), "{expected}");
            if let Some(plain) = plain {
                assert_eq!(trimmed(plain), trimmed(expected));
            }
        }
    }
}
