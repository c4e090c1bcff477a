//! The template readers on arbitrary text: CloudFormation and SAM (YAML and JSON), Terraform
//! plans and `.tf` files, then import of whatever reads. Errors are fine; panics are not.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u8, &str)| {
    let (which, text) = input;
    let name = match which % 3 {
        0 => "template.yaml",
        1 => "template.json",
        _ => "main.tf",
    };
    match threatflow::template::read(name, text) {
        Ok(deployment) => {
            let _ = threatflow::import::import(&[deployment]);
        }
        Err(error) => {
            assert!(!error.message.is_empty());
            assert!(error.line >= 1 && error.column >= 1);
        }
    }
});
