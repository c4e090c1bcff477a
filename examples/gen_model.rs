//! Prints a `.flow` model of the shape the side-by-side benchmark gives OWASP pytm: for N
//! units, an `internet` boundary holding the actor `user`, a `cloud` account, one VPC per ten
//! units inside it, one data item `pii` (confidential, pytm's "sensitive"), and per unit `i` a
//! Lambda function `fn<i>` in VPC `vpc<i/10>`, a datastore `db<i>` in the account (encrypted
//! when `i` is even), a flow `user -> fn<i>` ("req<i>", HTTPS, carrying pii) and a flow
//! `fn<i> -> db<i>` ("write<i>", carrying pii). N units are 2N + 1 elements and 2N flows.
//!
//! `cargo run --release --example gen_model -- --units 3000 > bench.flow`

use std::fmt::Write as _;
use std::io::Write as _;

fn usage() -> ! {
    eprintln!("usage: gen_model --units N");
    std::process::exit(2);
}

/// The model of `units` units.
pub fn model(units: usize) -> String {
    let mut text = String::with_capacity(units * 220 + 512);
    text.push_str("model \"bench\" {\n  owner   \"bench\"\n  summary \"synthetic\"\n}\n\n");
    text.push_str("use aws\nuse stride\nuse serverless\n\n");
    text.push_str("data pii : confidential\n\n");
    text.push_str("boundary internet : internet {\n  actor user\n}\n\n");
    text.push_str("boundary cloud : aws.account {\n");
    for vpc in 0..units.div_ceil(10) {
        let _ = writeln!(text, "  boundary vpc{vpc} : aws.vpc {{");
        for i in vpc * 10..(vpc * 10 + 10).min(units) {
            let _ = writeln!(text, "    function fn{i} : aws.lambda");
        }
        text.push_str("  }\n");
    }
    for i in 0..units {
        let encryption = if i % 2 == 0 { "aws_managed" } else { "none" };
        let _ = writeln!(
            text,
            "  store db{i} : aws.rds {{\n    encryption {encryption}\n  }}"
        );
    }
    text.push_str("}\n\n");
    for i in 0..units {
        let _ = writeln!(
            text,
            "flow user -> fn{i} \"req{i}\" {{\n  data     pii\n  protocol https\n}}"
        );
        let _ = writeln!(text, "flow fn{i} -> db{i} \"write{i}\" {{\n  data pii\n}}");
    }
    text
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let units = match args.as_slice() {
        [flag, n] if flag == "--units" => n.parse::<usize>().unwrap_or_else(|_| usage()),
        _ => usage(),
    };
    let text = model(units);
    let mut out = std::io::stdout().lock();
    if out.write_all(text.as_bytes()).is_err() {
        std::process::exit(1);
    }
}
