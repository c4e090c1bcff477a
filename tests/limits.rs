//! Every documented limit gives a clear diagnostic instead of exhausting memory or the stack:
//! the size of a `.flow` file (TF0008), the depth of `use` chains (TF0205), bracket nesting
//! (TF0103), operators in one expression (TF0110), and a template's size, nesting, alias expansion and the HCL parser's nesting.

mod support;

use threatflow::compile::Options;
use threatflow::diagnostic::Code;
use threatflow::load::{LoadedFile, Loader, MAX_FILE_BYTES, MAX_USE_DEPTH};

fn compile_with(root: &str, bytes: Vec<u8>, loader: &mut dyn Loader) -> threatflow::Compilation {
    let file = LoadedFile {
        key: root.into(),
        name: root.into(),
        bytes,
    };
    threatflow::compile(file, loader, Options::new(support::fixed_today()))
}

fn codes(compilation: &threatflow::Compilation) -> Vec<Code> {
    compilation.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn a_file_over_the_size_limit_is_refused_unread() {
    let mut bytes = b"model \"Big\" { owner \"t\" }\n".to_vec();
    bytes.resize(MAX_FILE_BYTES + 1, b' ');
    let compilation = compile_with("big.flow", bytes, &mut threatflow::load::NoFiles);
    assert_eq!(codes(&compilation), [Code::FileTooLarge]);
    assert!(compilation.diagnostics[0].message.contains("at most"));
}

/// Serves `f0.flow` … `fN.flow`, each using the next.
struct Chain(usize);

impl Loader for Chain {
    fn load(&mut self, _from: &str, path: &str) -> Result<LoadedFile, String> {
        let n: usize = path
            .trim_start_matches('f')
            .trim_end_matches(".flow")
            .parse()
            .map_err(|_| "no such file".to_string())?;
        let text = if n < self.0 {
            format!("use \"f{}.flow\"\nactor a{n}\n", n + 1)
        } else {
            format!("actor a{n}\n")
        };
        Ok(LoadedFile {
            key: path.into(),
            name: path.into(),
            bytes: text.into_bytes(),
        })
    }
}

#[test]
fn use_chains_deeper_than_the_limit_stop_with_a_diagnostic() {
    let root = b"model \"Deep\" { owner \"t\" }\nuse \"f1.flow\"\n".to_vec();
    // Exactly at the limit: every file loads.
    let compilation = compile_with("f0.flow", root.clone(), &mut Chain(MAX_USE_DEPTH - 1));
    assert!(
        codes(&compilation).is_empty(),
        "{:?}",
        compilation.diagnostics
    );
    assert_eq!(compilation.model.elements.len(), MAX_USE_DEPTH - 1);
    // Far beyond it: one diagnostic at the `use` that would go deeper, no overflow.
    let compilation = compile_with("f0.flow", root, &mut Chain(10_000));
    assert_eq!(codes(&compilation), [Code::UseTooDeep]);
}

#[test]
fn bracket_nesting_beyond_the_limit_is_a_diagnostic() {
    let text = format!(
        "model \"Nest\" {{ owner \"t\" }}\nboundary b : zone {}{}\n",
        "{".repeat(100_000),
        "}".repeat(100_000)
    );
    let compilation = compile_with(
        "nest.flow",
        text.into_bytes(),
        &mut threatflow::load::NoFiles,
    );
    assert!(codes(&compilation).contains(&Code::NestingTooDeep));
}

#[test]
fn expressions_beyond_the_operator_limit_are_a_diagnostic_not_a_stack_overflow() {
    // 200,000 prefix operators, a 200,000-long chain of comparisons, 100,000 member accesses:
    // each would nest the expression tree that deep.
    let conditions = [
        format!("{}x.exposed", "not ".repeat(200_000)),
        format!("x.exposed{}", " == x.exposed".repeat(200_000)),
        format!("x{}", ".flows_in".repeat(100_000)),
    ];
    for condition in conditions {
        for broken in ["", "\nbroken = x\n"] {
            // The second file also has a syntax error elsewhere, so the reference parser reads it.
            let text = format!(
                "model \"Deep\" {{ owner \"t\" }}\nuse stride\nactor a\nrule X-001 \"t\" {{\n  for actor x\n  where {condition}\n  severity low\n  stride spoofing\n  message \"m\"\n}}\n{broken}"
            );
            let compilation = compile_with(
                "deep.flow",
                text.into_bytes(),
                &mut threatflow::load::NoFiles,
            );
            assert!(codes(&compilation).contains(&Code::ExpressionTooLong));
        }
    }
}

#[test]
fn template_limits_are_located_errors() {
    use threatflow::template::{self, yaml};
    let big = format!(
        "Resources:\n  A:\n    Type: x\n#{}\n",
        "x".repeat(yaml::MAX_BYTES)
    );
    assert!(
        template::read("big.yaml", &big)
            .unwrap_err()
            .message
            .contains("not read")
    );
    let deep = format!("Resources: {}1{}\n", "[".repeat(10_000), "]".repeat(10_000));
    assert!(template::read("deep.yaml", &deep).is_err());
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..9 {
        bomb.push_str(&format!(
            "{}: &{} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n",
            (b'a' + level) as char,
            (b'a' + level) as char,
            p = (b'a' + level - 1) as char
        ));
    }
    bomb.push_str("Resources: *i\n");
    assert!(template::read("bomb.yaml", &bomb).is_err());
    let deep_tf = format!("a = {}1{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let error = template::read("deep.tf", &deep_tf).unwrap_err();
    assert!(error.message.contains("nesting depth"), "{}", error.message);
    let unclosed_tf = "a = {\n  b = [1\n}\n";
    let error = template::read("open.tf", unclosed_tf).unwrap_err();
    assert_eq!(
        (error.message.as_str(), error.line, error.column),
        ("`}` does not close the `[` at line 2, column 7", 3, 1)
    );
    let big_tf = format!("# {}\n", "x".repeat(yaml::MAX_BYTES));
    assert!(
        template::read("big.tf", &big_tf)
            .unwrap_err()
            .message
            .contains("bytes")
    );
}

#[cfg(unix)]
#[test]
fn the_cli_reads_an_endless_file_in_bounded_memory() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_threatflow"))
        .args(["check", "/dev/zero", "--color", "never"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = String::from_utf8_lossy(&output.stderr);
    assert!(text.contains("larger than 256 MiB"), "{text}");
}
