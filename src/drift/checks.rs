//! The catalogue of drift checks: id, title, STRIDE categories, severity and what each one
//! means, for findings, `explain` and SARIF's rule descriptors.

use crate::rules::severity::Severity;

/// One drift check.
#[derive(Clone, Copy, Debug)]
pub struct DriftCheck {
    pub id: &'static str,
    pub title: &'static str,
    pub stride: &'static [&'static str],
    pub severity: Severity,
    /// What the check compares and why a difference matters.
    pub what: &'static str,
}

pub const CHECKS: &[DriftCheck] = &[
    DriftCheck {
        id: "DRF-001",
        title: "Modelled resource missing from the templates",
        stride: &["tampering"],
        severity: Severity::Medium,
        what: "An element is bound with `deployed` to a logical id (or address) that no template declares: the model describes something that is not deployed, or the binding is stale.",
    },
    DriftCheck {
        id: "DRF-002",
        title: "Deployed resource type does not fit the element's kind",
        stride: &["tampering"],
        severity: Severity::High,
        what: "The resource an element is bound to has a type the element's kind does not stand for (a queue bound to a table element): every threat derived from the kind is about the wrong service.",
    },
    DriftCheck {
        id: "DRF-003",
        title: "Security-relevant resource missing from the model",
        stride: &["information_disclosure", "elevation_of_privilege"],
        severity: Severity::Medium,
        what: "A template deploys a resource of a type the catalogue models (a function, table, bucket, queue, key, trail…) that no element stands for: its threats are not analysed.",
    },
    DriftCheck {
        id: "DRF-010",
        title: "Encryption at rest differs from the model",
        stride: &["information_disclosure"],
        severity: Severity::High,
        what: "The model encrypts the element with a customer-managed key (or a named key), the template uses no encryption, a provider key or another key: the data is not protected the way the review assumed.",
    },
    DriftCheck {
        id: "DRF-011",
        title: "Tracing differs from the model",
        stride: &["repudiation"],
        severity: Severity::Low,
        what: "The model says the element is traced, the template turns active tracing off.",
    },
    DriftCheck {
        id: "DRF-012",
        title: "VPC placement differs from the model",
        stride: &["information_disclosure"],
        severity: Severity::Medium,
        what: "The model places the element inside (or outside) an `aws.vpc` boundary, the template gives it no VpcConfig (or one): its network exposure differs from the reviewed design.",
    },
    DriftCheck {
        id: "DRF-013",
        title: "API open in the template but authorized in the model",
        stride: &["spoofing", "elevation_of_privilege"],
        severity: Severity::High,
        what: "The model gives the API an authorizer, the template has methods or routes with authorization NONE: anyone can call them.",
    },
    DriftCheck {
        id: "DRF-014",
        title: "Function URL authentication differs from the model",
        stride: &["spoofing"],
        severity: Severity::High,
        what: "The model's function URL auth (iam or none) and the template's AuthType differ.",
    },
    DriftCheck {
        id: "DRF-015",
        title: "Key rotation differs from the model",
        stride: &["information_disclosure"],
        severity: Severity::Low,
        what: "The model says the key rotates, the template turns rotation off.",
    },
    DriftCheck {
        id: "DRF-016",
        title: "Point-in-time recovery differs from the model",
        stride: &["tampering", "denial_of_service"],
        severity: Severity::Low,
        what: "The model says the table has point-in-time recovery, the template turns it off.",
    },
    DriftCheck {
        id: "DRF-017",
        title: "Bucket versioning differs from the model",
        stride: &["tampering"],
        severity: Severity::Low,
        what: "The model says the bucket is versioned, the template does not version it.",
    },
    DriftCheck {
        id: "DRF-018",
        title: "Bucket public access differs from the model",
        stride: &["information_disclosure"],
        severity: Severity::High,
        what: "The model says Block Public Access is on, the template leaves some of its four settings off.",
    },
    DriftCheck {
        id: "DRF-019",
        title: "API throttling differs from the model",
        stride: &["denial_of_service"],
        severity: Severity::Medium,
        what: "The model gives the API a throttle rate, the template's stages set no throttling limit: one caller can exhaust the account's concurrency and the backends.",
    },
    DriftCheck {
        id: "DRF-020",
        title: "Deployed access the model does not show",
        stride: &["elevation_of_privilege"],
        severity: Severity::High,
        what: "A role's policy lets a resource act on another with no flow between them in the model: over-privilege the review never saw.",
    },
    DriftCheck {
        id: "DRF-021",
        title: "Flow with nothing deployed behind it",
        stride: &["tampering"],
        severity: Severity::Medium,
        what: "The model has a flow between two services that call each other through IAM, but no grant, event source, subscription or integration in the templates makes it possible: the model or the deployment is wrong.",
    },
    DriftCheck {
        id: "DRF-022",
        title: "Wildcard permissions where the model says least privilege",
        stride: &["elevation_of_privilege"],
        severity: Severity::High,
        what: "The model scopes the element's role as least privilege, its policy allows wildcard actions or any resource.",
    },
    DriftCheck {
        id: "DRF-023",
        title: "Write permissions where the model's flows only read",
        stride: &["tampering", "elevation_of_privilege"],
        severity: Severity::Medium,
        what: "Every model flow between a principal and a target only reads, the policy grants writes (put, delete, update…).",
    },
    DriftCheck {
        id: "DRF-024",
        title: "Access logging differs from the model",
        stride: &["repudiation"],
        severity: Severity::Low,
        what: "The model says access logs are on (an API stage, a bucket), the template writes none: requests cannot be traced back after an incident.",
    },
    DriftCheck {
        id: "DRF-025",
        title: "Reserved concurrency differs from the model",
        stride: &["denial_of_service"],
        severity: Severity::Low,
        what: "The model reserves concurrency for the function, the template does not: a burst elsewhere can starve it, and it can starve others.",
    },
    DriftCheck {
        id: "DRF-026",
        title: "Dead-letter queue differs from the model",
        stride: &["denial_of_service", "repudiation"],
        severity: Severity::Low,
        what: "The model names a dead-letter queue, the template configures none: failed events are dropped silently.",
    },
    DriftCheck {
        id: "DRF-027",
        title: "Trail log file validation differs from the model",
        stride: &["repudiation", "tampering"],
        severity: Severity::Medium,
        what: "The model says the trail validates its log files, the template turns validation off: tampering with the audit log goes unnoticed.",
    },
];

/// The check with this id.
pub fn find(id: &str) -> Option<&'static DriftCheck> {
    CHECKS.iter().find(|c| c.id == id)
}
