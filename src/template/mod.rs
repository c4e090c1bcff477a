//! Deployed templates: reading CloudFormation (YAML or JSON) into a located tree ([`yaml`],
//! [`tree`]) and from it into the neutral [`deployment`] the drift check compares with the model
//! ([`cloudformation`]).

pub mod cloudformation;
pub mod deployment;
pub mod iam;
pub mod sam;
pub mod sam_policies;
pub mod terraform;
pub mod tree;
pub mod yaml;
