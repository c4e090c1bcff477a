//! Deployed templates: reading CloudFormation (YAML or JSON) into a located tree ([`yaml`],
//! [`tree`]) and from it into the neutral [`deployment`] the drift check compares with the model
//! ([`cloudformation`]).

pub mod cloudformation;
pub mod deployment;
pub mod hcl;
mod hcl_brackets;
pub mod iam;
pub mod sam;
pub mod sam_connectors;
pub mod sam_policies;
pub mod terraform;
pub mod tree;
pub mod yaml;

use deployment::Deployment;
use yaml::ReadError;

/// Reads one template: a Terraform source file (by its `.tf` name), or CloudFormation, SAM
/// (YAML or JSON) or a Terraform plan (JSON), told apart by their content.
pub fn read(file: &str, text: &str) -> Result<Deployment, ReadError> {
    if hcl::is_terraform_source(file) {
        let tree = hcl::read(file, text)?;
        return terraform::read_tree(file, &tree);
    }
    cloudformation::read(file, text)
}
