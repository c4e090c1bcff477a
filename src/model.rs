//! The typed model: what `resolve` makes of a model's files.
//!
//! Every name is resolved to an index, every attribute value is typed by its kind's schema
//! (defaults filled in), and every boundary knows its parent. Spans point back into the
//! sources for later diagnostics; they are left out of the serialized form, so two models
//! that mean the same serialize the same whatever their layout (`fmt` relies on this).

use crate::span::Span;
use crate::syntax::ast::RateUnit;
use compact_str::CompactString;
use serde::Serialize;
use std::sync::Arc;

macro_rules! ids {
    ($($name:ident),*) => {$(
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        pub struct $name(pub u32);
        impl $name {
            pub fn index(self) -> usize { self.0 as usize }
        }
    )*};
}

ids!(
    RoleId,
    CapabilityId,
    KindId,
    ClassificationId,
    DataId,
    BoundaryId,
    ElementId,
    RuleIndex
);

/// A whole model.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Model {
    pub header: Option<Header>,
    pub roles: Vec<Role>,
    pub capabilities: Vec<Capability>,
    pub kinds: Vec<Kind>,
    pub classifications: Vec<Classification>,
    pub data: Vec<DataItem>,
    pub boundaries: Vec<Boundary>,
    pub elements: Vec<Element>,
    pub flows: Vec<Flow>,
    pub rules: Vec<Rule>,
    pub accepts: Vec<Accept>,
}

impl Model {
    pub fn role(&self, id: RoleId) -> &Role {
        &self.roles[id.index()]
    }
    pub fn kind(&self, id: KindId) -> &Kind {
        &self.kinds[id.index()]
    }
    pub fn element(&self, id: ElementId) -> &Element {
        &self.elements[id.index()]
    }
    pub fn boundary(&self, id: BoundaryId) -> &Boundary {
        &self.boundaries[id.index()]
    }
    /// The flow at `index` in [`Model::flows`] (the graph's `FlowIndex`).
    pub fn flow(&self, index: u32) -> &Flow {
        &self.flows[index as usize]
    }
    pub fn find_kind(&self, name: &str) -> Option<KindId> {
        self.kinds
            .iter()
            .position(|k| k.name == name)
            .map(|i| KindId(i as u32))
    }
}

/// `model "Name" { … }`
#[derive(Clone, Debug, Serialize)]
pub struct Header {
    pub name: String,
    pub attrs: Attributes,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct Role {
    pub name: String,
    pub doc: Option<String>,
    pub aliases: Vec<String>,
    /// Structural roles belong to the language's declarations (flows, data, …), not elements.
    pub structural: bool,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct Capability {
    pub name: String,
    pub doc: Option<String>,
    pub options: Vec<String>,
    #[serde(skip)]
    pub span: Span,
}

/// What a kind of element is and can do, and the schema of its attributes.
#[derive(Clone, Debug, Serialize)]
pub struct Kind {
    pub name: String,
    pub role: RoleId,
    pub doc: Option<String>,
    /// CloudFormation (or Terraform) resource types that deploy this kind.
    pub resources: Vec<String>,
    pub supports: Vec<Support>,
    /// Compliance programmes the service is in scope for.
    pub compliance: Vec<String>,
    /// The provider's share of the shared-responsibility model.
    pub provider_operates: Vec<String>,
    /// The team's share.
    pub customer_owns: Vec<String>,
    pub attrs: Vec<AttrSchema>,
    pub required: Vec<String>,
    #[serde(skip)]
    pub span: Span,
}

impl Kind {
    pub fn attr(&self, name: &str) -> Option<&AttrSchema> {
        self.attrs.iter().find(|a| &*a.name == name)
    }

    /// Whether the kind supports `capability`, and `option` of it when given.
    pub fn supports(&self, capability: &str, option: Option<&str>) -> bool {
        self.supports.iter().any(|s| {
            s.capability == capability && option.is_none_or(|o| s.options.iter().any(|x| x == o))
        })
    }
}

/// `supports encryption(aws_owned, cmk)`
#[derive(Clone, Debug, Serialize)]
pub struct Support {
    pub capability: String,
    pub options: Vec<String>,
}

/// `attr name : type = default "doc"`
#[derive(Clone, Debug, Serialize)]
pub struct AttrSchema {
    pub name: Arc<str>,
    pub ty: AttrType,
    pub default: Option<AttrValue>,
    pub doc: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

/// The type of an attribute.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum AttrType {
    String,
    Int { min: Option<i64>, max: Option<i64> },
    Bool,
    Rate,
    Date,
    Enum(Vec<Variant>),
    Ref(RefTarget),
    List(Box<AttrType>),
}

impl std::fmt::Display for AttrType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AttrType::String => f.write_str("a string"),
            AttrType::Int { .. } => f.write_str("an integer"),
            AttrType::Bool => f.write_str("`on` or `off`"),
            AttrType::Rate => f.write_str("a rate such as 100/s"),
            AttrType::Date => f.write_str("a date (YYYY-MM-DD)"),
            AttrType::Enum(variants) => {
                let names: Vec<String> = variants.iter().map(|v| format!("`{}`", v.name)).collect();
                write!(f, "one of {}", names.join(", "))
            }
            AttrType::Ref(_) => f.write_str("a name"),
            AttrType::List(inner) => write!(f, "a list of: {inner}"),
        }
    }
}

/// One value of an enumeration, possibly with a payload: `cmk(key)`, `sam(string)`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Variant {
    pub name: Arc<str>,
    pub payload: Option<Payload>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Payload {
    Ref(RefTarget),
    String,
}

/// What a reference may point at.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum RefTarget {
    /// Any element with this role.
    Role(RoleId),
    /// Any element of this kind.
    Kind(KindId),
    Data,
    Classification,
}

/// A typed attribute value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum AttrValue {
    Str(String),
    Int(i64),
    Bool(bool),
    Rate {
        count: u64,
        unit: RateUnit,
    },
    Date(String),
    Variant {
        /// Shared with the declared variant (and with every default it is copied into).
        name: Arc<str>,
        arg: Option<Box<AttrValue>>,
    },
    Element(ElementId),
    Data(DataId),
    Classification(ClassificationId),
    List(Vec<AttrValue>),
}

/// The attributes of a declaration: those written, then the defaults of the others. The
/// defaults are the kind's, shared by the declarations of the kind typed on one core (a large
/// model does not copy them into each of its thousands of elements, and the cores do not pass
/// one count between them).
#[derive(Clone, Debug, Default)]
pub struct Attributes {
    /// Those written, in source order.
    written: Vec<Attr>,
    /// Every default of the kind, in schema order; those also written do not count. None for
    /// `Attributes::default()`, which then touches no shared count (an empty `Arc` is one
    /// static, whose count two cores making millions of empty attributes would pass back and
    /// forth).
    defaults: Option<Arc<[Attr]>>,
    /// Which schema the defaults are: two declarations of one schema have equal defaults
    /// (0: none, as for `Attributes::default()`).
    schema: u32,
}

impl Attributes {
    /// Attributes written, and the defaults of schema `schema` (a key [`Attributes::same_layout`]
    /// compares: equal keys must mean equal defaults).
    pub fn new(written: Vec<Attr>, defaults: Arc<[Attr]>, schema: u32) -> Attributes {
        Attributes {
            written,
            defaults: Some(defaults),
            schema,
        }
    }

    /// The defaults of the kind, in schema order.
    fn defaults(&self) -> &[Attr] {
        self.defaults.as_deref().unwrap_or_default()
    }

    /// Every attribute: those written, then the defaults of the others.
    pub fn iter(&self) -> impl Iterator<Item = &Attr> {
        let written = &self.written;
        written.iter().chain(
            self.defaults()
                .iter()
                .filter(move |d| !written.iter().any(|w| w.name == d.name)),
        )
    }

    /// Whether attribute `name` was written (not a default).
    pub fn is_written(&self, name: &str) -> bool {
        self.written.iter().any(|a| &*a.name == name)
    }

    /// Whether `self` and `other` have the same attributes written (by name, in order) and
    /// the defaults of one schema: then every attribute not written has the same value in both.
    pub fn same_layout(&self, other: &Attributes) -> bool {
        self.schema == other.schema
            && self.written.len() == other.written.len()
            && self
                .written
                .iter()
                .zip(&other.written)
                .all(|(a, b)| a.name == b.name)
    }

    /// Hashes what [`Attributes::same_layout`] compares.
    pub fn hash_layout(&self, state: &mut impl std::hash::Hasher) {
        use std::hash::Hash;
        self.schema.hash(state);
        for attr in &self.written {
            attr.name.hash(state);
        }
    }

    pub fn get(&self, name: &str) -> Option<&AttrValue> {
        self.written
            .iter()
            .chain(self.defaults())
            .find(|a| &*a.name == name)
            .map(|a| &a.value)
    }

    /// A string attribute's value.
    pub fn text(&self, name: &str) -> Option<&str> {
        match self.get(name) {
            Some(AttrValue::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// An enumeration attribute's value (its name, without an argument).
    pub fn variant(&self, name: &str) -> Option<&str> {
        match self.get(name) {
            Some(AttrValue::Variant { name, .. }) => Some(name),
            _ => None,
        }
    }

    /// An enumeration or string attribute's value.
    pub fn word(&self, name: &str) -> Option<&str> {
        self.variant(name).or_else(|| self.text(name))
    }

    /// A list attribute's strings and enumeration values.
    pub fn words(&self, name: &str) -> Vec<String> {
        match self.get(name) {
            Some(AttrValue::List(items)) => items
                .iter()
                .filter_map(|v| match v {
                    AttrValue::Str(s) => Some(s.clone()),
                    AttrValue::Variant { name, .. } => Some(name.to_string()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// An `on`/`off` attribute's value.
    pub fn flag(&self, name: &str) -> Option<bool> {
        match self.get(name) {
            Some(AttrValue::Bool(b)) => Some(*b),
            _ => None,
        }
    }
}

/// Serialised as the list [`Attributes::iter`] gives.
impl Serialize for Attributes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Attr {
    /// Shared with the kind's schema: thousands of elements do not each own their names.
    pub name: Arc<str>,
    pub value: AttrValue,
    /// Where the attribute was written; `None` for a default.
    #[serde(skip)]
    pub span: Option<Span>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Classification {
    pub name: String,
    pub doc: Option<String>,
    pub attrs: Attributes,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct DataItem {
    pub name: String,
    pub classification: ClassificationId,
    pub doc: Option<String>,
    pub attrs: Attributes,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct Boundary {
    pub name: String,
    pub kind: KindId,
    pub label: Option<String>,
    pub parent: Option<BoundaryId>,
    pub attrs: Attributes,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct Element {
    pub name: CompactString,
    /// The word it was declared with (`function`, `store`, …).
    pub keyword: CompactString,
    pub role: RoleId,
    pub kind: KindId,
    pub label: Option<CompactString>,
    pub boundary: Option<BoundaryId>,
    pub attrs: Attributes,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct Flow {
    pub source: ElementId,
    pub target: ElementId,
    pub label: Option<CompactString>,
    pub attrs: Attributes,
    /// The head, `flow a -> b "label"` (not the attribute block).
    #[serde(skip)]
    pub span: Span,
}

/// What a rule ranges over: `for store s`, `for aws.lambda f`, `for flow f`, `for element e`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Subject {
    /// Every element.
    Elements,
    /// The elements of one role.
    Role(RoleId),
    /// The elements of one kind.
    Kind(KindId),
    /// Every flow.
    Flows,
}

/// A rule, resolved for shape; the rule engine type-checks its expressions and evaluates it.
#[derive(Clone, Debug, Serialize)]
pub struct Rule {
    pub id: String,
    pub title: String,
    /// What the rule ranges over.
    pub subject: Subject,
    pub var: String,
    /// The `where` expression in canonical form.
    pub condition: String,
    #[serde(skip)]
    pub condition_ast: crate::syntax::ast::Expr,
    pub attrs: Attributes,
    #[serde(skip)]
    pub span: Span,
}

/// What an accepted risk applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum AcceptTarget {
    /// Findings on this element (or on flows from or to it).
    Element(ElementId),
    /// Findings on anything inside this boundary.
    Boundary(BoundaryId),
    /// Every finding of the rule (`on all`).
    All,
}

/// Which rules an accepted risk (or a `disable`) names: one id, or every id with a prefix
/// (`SVL-*`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum RulePattern {
    Id(String),
    Prefix(String),
}

impl RulePattern {
    /// `SVL-*` or `SVL*` is a prefix; anything else an exact id.
    pub fn parse(text: &str) -> RulePattern {
        match text.strip_suffix('*') {
            Some(prefix) => RulePattern::Prefix(prefix.to_string()),
            None => RulePattern::Id(text.to_string()),
        }
    }

    /// Whether the pattern names drift checks (`DRF-…`), which `drift` applies, not `check`.
    pub fn is_drift(&self) -> bool {
        match self {
            RulePattern::Id(text) | RulePattern::Prefix(text) => text.starts_with("DRF"),
        }
    }

    pub fn matches(&self, id: &str) -> bool {
        match self {
            RulePattern::Id(exact) => exact == id,
            RulePattern::Prefix(prefix) => id.starts_with(prefix.as_str()),
        }
    }
}

impl std::fmt::Display for RulePattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RulePattern::Id(id) => f.write_str(id),
            RulePattern::Prefix(prefix) => write!(f, "{prefix}*"),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Accept {
    pub rule: RulePattern,
    pub target: AcceptTarget,
    pub attrs: Attributes,
    #[serde(skip)]
    pub span: Span,
}
