//! Classifications, data, boundaries, elements and flows.

use super::names::Declared;
use super::values::{self, Schema, Typer};
use super::{Entity, Resolver, files};
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{ParsedFile, Unit};
use crate::model::*;
use crate::span::Span;
use crate::suggest::did_you_mean;
use crate::syntax::ast::{self, Item, Member};
use compact_str::CompactString;
use foldhash::HashMap;
use rayon::prelude::*;

pub(super) fn resolve(r: &mut Resolver, unit: &Unit, taken: Taken) {
    let Taken { structure, flows } = taken;
    for (file, _) in files(unit) {
        for item in &file.items {
            if let Item::Classification(decl) = item {
                classification(r, decl);
            }
        }
    }
    for (file, _) in files(unit) {
        for item in &file.items {
            if let Item::Data(decl) = item {
                data(r, decl);
            }
        }
    }
    // Boundaries and elements are declared first and typed second, so attributes may refer
    // to elements declared further down.
    // Every element and boundary name up front, in the order they are declared: the name
    // table of a large model is not grown (and rehashed) a dozen times, and each declaration
    // has the table's memory for a later one fetched while it is made.
    let (mut hashes, mut boundaries) = (Vec::new(), 0);
    for item in &structure {
        match item {
            Item::Boundary(decl) => names_in(decl, &mut |name, is_boundary| {
                hashes.push(r.names.hash_of(name));
                boundaries += usize::from(is_boundary);
            }),
            Item::Element(decl) => hashes.push(r.names.hash_of(&decl.name.name)),
            _ => {}
        }
    }
    let elements = hashes.len() - boundaries;
    r.names.expect(hashes);
    let mut pending = Pending {
        elements: Vec::with_capacity(elements),
        boundaries: Vec::with_capacity(boundaries),
        last_shape: None,
    };
    // Each declaration is freed as it is declared, but for the attributes still to be typed.
    for item in structure {
        match item {
            Item::Boundary(decl) => boundary(r, *decl, None, &mut pending),
            Item::Element(decl) => element(r, decl, None, &mut pending),
            _ => {}
        }
    }
    // The elements are built from their declarations on every core, in order (element `i` is
    // the `i`th declared), each declaration freed but for the attributes still to be typed.
    debug_assert!(
        r.model.elements.is_empty(),
        "elements are declared here only"
    );
    let (built, written): (Vec<Element>, Vec<(ElementId, Vec<ast::Attribute>)>) = pending
        .elements
        .into_par_iter()
        .enumerate()
        .with_min_len(4096)
        .map(|(index, declared)| {
            let (element, attributes) = declared.build();
            (element, (ElementId(index as u32), attributes))
        })
        .unzip();
    r.model.elements = built;
    // One schema per kind, not one per declaration: a model has thousands of elements of a
    // handful of kinds.
    // The kinds are gathered on every core (reading a million elements is reading 150 MB);
    // the boundaries' kinds join them, their attributes typed the same way.
    let mut kinds: foldhash::HashSet<KindId> = r
        .model
        .elements
        .par_iter()
        .with_min_len(4096)
        .fold(foldhash::HashSet::default, |mut kinds, element| {
            kinds.insert(element.kind);
            kinds
        })
        .reduce(foldhash::HashSet::default, |mut kinds, more| {
            kinds.extend(more);
            kinds
        });
    kinds.extend(
        pending
            .boundaries
            .iter()
            .map(|(id, ..)| r.model.boundary(*id).kind),
    );
    let schemas: HashMap<KindId, Schema> = kinds
        .into_iter()
        .map(|kind| (kind, Schema::of(&r.model, kind, true)))
        .collect();
    // Elements are typed on every core (typing only reads the resolver), then given their
    // attributes in order.
    let own_copies = || -> HashMap<KindId, Schema> {
        schemas
            .iter()
            .map(|(kind, schema)| (*kind, schema.own_copy()))
            .collect()
    };
    let (typed, found) = values::type_on_every_core(
        r,
        &written,
        own_copies,
        |typer, schemas, (id, attributes)| {
            let element = typer.model.element(*id);
            let schema = &schemas[&element.kind];
            // The element's name as written, for messages about its attributes.
            let name = ast::Ident {
                name: element.name.clone(),
                span: element.span,
            };
            values::attributes(typer, schema, attributes, &name)
        },
    );
    r.model
        .elements
        .par_iter_mut()
        .zip(typed)
        .with_min_len(4096)
        .for_each(|(element, attrs)| element.attrs = attrs);
    written.into_par_iter().with_min_len(4096).for_each(drop);
    r.diagnostics.extend(found);
    let (typed, found) = values::type_on_every_core(
        r,
        &pending.boundaries,
        own_copies,
        |typer, schemas, (id, name, attributes)| {
            let schema = &schemas[&typer.model.boundary(*id).kind];
            values::attributes(typer, schema, attributes, name)
        },
    );
    for ((id, ..), attrs) in pending.boundaries.iter().zip(typed) {
        r.model.boundaries[id.index()].attrs = attrs;
    }
    r.diagnostics.extend(found);
    // Flows, top-level and nested, in order, resolved on every core (one schema for all), a
    // batch at a time, each batch's declarations freed once resolved.
    let flow_schema = core_schema(r, "flow");
    let flow_schema = flow_schema.as_ref();
    let mut resolved = Vec::with_capacity(flows.len());
    let mut flows = flows.into_iter();
    loop {
        let batch: Vec<Box<ast::FlowDecl>> = flows.by_ref().take(FLOW_BATCH).collect();
        if batch.is_empty() {
            break;
        }
        let ends = endpoints_of(r, &batch);
        let items: Vec<(&ast::FlowDecl, &[Option<Declared>])> = batch
            .iter()
            .map(|decl| &**decl)
            .zip(ends.chunks_exact(2))
            .collect();
        let (typed, found) = values::type_on_every_core(
            r,
            &items,
            || flow_schema.map(Schema::own_copy),
            |typer, schema, (decl, ends)| flow(typer, decl, ends, schema.as_ref()),
        );
        resolved.extend(typed.into_iter().flatten());
        r.diagnostics.extend(found);
        // Freed on every core too: a batch is 65,536 declarations, each a few allocations.
        drop(items);
        batch.into_par_iter().with_min_len(1024).for_each(drop);
    }
    r.model.flows = resolved;
}

/// What the source and target of each flow name, two entries a flow, looked up on every core a
/// run at a time ([`Names::find_all`](super::names::Names::find_all): in a large model nearly
/// every look-up misses the cache).
fn endpoints_of(r: &Resolver, flows: &[Box<ast::FlowDecl>]) -> Vec<Option<Declared>> {
    flows
        .par_chunks(ENDPOINT_RUN)
        .flat_map_iter(|run| {
            let names: Vec<&str> = run
                .iter()
                .flat_map(|decl| [decl.source.name.as_str(), decl.target.name.as_str()])
                .collect();
            r.names.find_all(&names)
        })
        .collect()
}

/// How many flows' ends are looked up together.
const ENDPOINT_RUN: usize = 4096;

/// How many flow declarations are resolved (and their syntax freed) at a time.
const FLOW_BATCH: usize = 1 << 16;

/// The declarations taken out of the syntax trees, to be freed as they are resolved: in a large
/// model they are most of the trees, and nothing reads them afterwards.
pub(super) struct Taken {
    /// The top-level boundaries (without their flows) and elements, in order.
    structure: Vec<Item>,
    /// The flows, top-level and nested in boundaries, in order. They stay boxed as the trees
    /// held them: moved out without a copy, freed a batch at a time.
    #[allow(clippy::vec_box)]
    flows: Vec<Box<ast::FlowDecl>>,
}

/// Takes the boundaries, elements and flows out of the files' syntax trees (the files in load
/// order, each file's declarations as they appear); the other items stay.
pub(super) fn take(files: &mut [ParsedFile]) -> Taken {
    let mut taken = Taken {
        structure: Vec::new(),
        flows: Vec::new(),
    };
    for file in files {
        let items = std::mem::take(&mut file.ast.items);
        for item in items {
            match item {
                Item::Flow(decl) => taken.flows.push(decl),
                Item::Boundary(mut decl) => {
                    take_nested_flows(&mut decl, &mut taken.flows);
                    taken.structure.push(Item::Boundary(decl));
                }
                Item::Element(_) => taken.structure.push(item),
                other => file.ast.items.push(other),
            }
        }
    }
    taken
}

/// Takes the flows declared inside a boundary and the boundaries within it, in order.
#[allow(clippy::vec_box)]
fn take_nested_flows(decl: &mut ast::BoundaryDecl, flows: &mut Vec<Box<ast::FlowDecl>>) {
    let members = std::mem::take(&mut decl.members);
    decl.members.reserve(members.len());
    for member in members {
        match member {
            Member::Flow(flow) => flows.push(flow),
            Member::Boundary(mut inner) => {
                take_nested_flows(&mut inner, flows);
                decl.members.push(Member::Boundary(inner));
            }
            other => decl.members.push(other),
        }
    }
}

/// Passes each name a boundary declares to `name` (its own first, then its members', in the
/// order they will be declared), with whether it is a boundary's.
fn names_in(decl: &ast::BoundaryDecl, name: &mut impl FnMut(&str, bool)) {
    name(&decl.name.name, true);
    for member in &decl.members {
        match member {
            Member::Boundary(inner) => names_in(inner, name),
            Member::Element(inner) => name(&inner.name.name, false),
            _ => {}
        }
    }
}

/// The declarations whose attributes are typed once every name is declared: their attributes
/// (and a boundary's name, for messages; an element's is in the model), the rest of each
/// declaration freed.
struct Pending {
    /// The elements declared, in order: element `i` of the model is the `i`th.
    elements: Vec<DeclaredElement>,
    boundaries: Vec<(BoundaryId, ast::Ident, Vec<ast::Attribute>)>,
    /// The keyword and kind of the last element whose shape was found, and its shape: the
    /// elements of a large model come in runs of one keyword and kind, each looked up once.
    last_shape: Option<(CompactString, Option<CompactString>, (RoleId, KindId))>,
}

/// An element whose name is declared and whose role and kind are known, to be built from its
/// declaration.
struct DeclaredElement {
    decl: Box<ast::ElementDecl>,
    role: RoleId,
    kind: KindId,
    boundary: Option<BoundaryId>,
}

impl DeclaredElement {
    /// The element, without its attributes, and the attributes written.
    fn build(self) -> (Element, Vec<ast::Attribute>) {
        let ast::ElementDecl {
            keyword,
            name,
            label,
            block,
            ..
        } = *self.decl;
        let element = Element {
            name: name.name,
            keyword: keyword.name,
            role: self.role,
            kind: self.kind,
            label: label.map(|l| l.value.as_str().into()),
            boundary: self.boundary,
            attrs: Attributes::default(),
            span: name.span,
        };
        (element, block.attributes)
    }
}

/// The schema kind `name` declared in `core`, if core is intact.
fn core_schema(r: &Resolver, name: &str) -> Option<Schema> {
    r.core_kind(name).map(|k| Schema::of(&r.model, k, false))
}

fn classification(r: &mut Resolver, decl: &ast::ClassificationDecl) {
    if !r.declare(&decl.name, Entity::Broken) {
        return;
    }
    let Some(schema) = core_schema(r, "classification") else {
        return;
    };
    let attrs = r.typing(|t| values::attributes(t, &schema, &decl.block.attributes, &decl.name));
    let id = ClassificationId(r.model.classifications.len() as u32);
    r.model.classifications.push(Classification {
        name: decl.name.name.to_string(),
        doc: decl.doc.as_ref().map(|d| d.value.to_string()),
        attrs,
        span: decl.name.span,
    });
    r.define(&decl.name.name, Entity::Classification(id));
}

fn data(r: &mut Resolver, decl: &ast::DataDecl) {
    if !r.declare(&decl.name, Entity::Broken) {
        return;
    }
    let class = match r
        .names
        .get(decl.classification.name.as_str())
        .map(|(e, s)| (*e, *s))
    {
        Some((Entity::Classification(id), _)) => Some(id),
        Some((Entity::Broken, _)) => None,
        Some((other, declared)) => {
            r.report(
                Diagnostic::error(
                    Code::WrongReferenceKind,
                    format!(
                        "`{}` is {}, not a classification",
                        decl.classification.name,
                        other.describe()
                    ),
                )
                .with_primary(decl.classification.span, "expected a classification")
                .with_secondary(declared, "declared here"),
            );
            None
        }
        None => {
            let candidates = r.names_where(|e| matches!(e, Entity::Classification(_)));
            let help = did_you_mean(&decl.classification.name, candidates.iter().copied())
                .unwrap_or_else(|| format!("the classifications are {}", candidates.join(", ")));
            r.report(
                Diagnostic::error(
                    Code::UnknownClassification,
                    format!("there is no classification `{}`", decl.classification.name),
                )
                .with_primary(decl.classification.span, "unknown classification")
                .with_help(help),
            );
            None
        }
    };
    let Some(schema) = core_schema(r, "data") else {
        return;
    };
    let attrs = r.typing(|t| values::attributes(t, &schema, &decl.block.attributes, &decl.name));
    let Some(classification) = class else {
        return;
    };
    let id = DataId(r.model.data.len() as u32);
    r.model.data.push(DataItem {
        name: decl.name.name.to_string(),
        classification,
        doc: decl.doc.as_ref().map(|d| d.value.to_string()),
        attrs,
        span: decl.name.span,
    });
    r.define(&decl.name.name, Entity::Data(id));
}

/// Looks up a kind by name, with "did you mean" when it is unknown.
fn kind_named(r: &mut Resolver, name: &ast::Ident) -> Option<KindId> {
    if let Some(id) = r.kinds.get(name.name.as_str()) {
        return Some(*id);
    }
    let known: Vec<String> = r.kinds.keys().cloned().collect();
    let mut help = did_you_mean(&name.name, known.iter().map(String::as_str));
    let aws_loaded = r.kinds.keys().any(|k| k.starts_with("aws."));
    if help.is_none() && name.name.starts_with("aws.") && !aws_loaded {
        help = Some("AWS kinds come from the standard library: add `use aws`".to_string());
    }
    r.report(
        Diagnostic::error(
            Code::UnknownKind,
            format!("there is no kind `{}`", name.name),
        )
        .with_primary(name.span, "unknown kind")
        .with_optional_help(help),
    );
    None
}

fn boundary(
    r: &mut Resolver,
    decl: ast::BoundaryDecl,
    parent: Option<BoundaryId>,
    pending: &mut Pending,
) {
    let declared = r.declare(&decl.name, Entity::Broken);
    let kind = match &decl.kind {
        Some(name) => kind_named(r, name).filter(|kind| {
            let kind = r.model.kind(*kind);
            if r.model.role(kind.role).name == "boundary" {
                return true;
            }
            let role = r.model.role(kind.role).name.clone();
            r.report(
                Diagnostic::error(
                    Code::KindNotAllowedHere,
                    format!("`{}` is a {role} kind, not a boundary kind", name.name),
                )
                .with_primary(name.span, "not a boundary kind")
                .with_secondary(kind.span, "the kind is defined here")
                .with_help(format!(
                    "declare it as an element: `{role} {} : {}`",
                    decl.name.name, name.name
                )),
            );
            false
        }),
        None => r.core_kind("zone"),
    };
    let id = BoundaryId(r.model.boundaries.len() as u32);
    let mut attributes = Vec::new();
    if declared && let Some(kind) = kind {
        r.model.boundaries.push(Boundary {
            name: decl.name.name.to_string(),
            kind,
            label: decl.label.as_ref().map(|l| l.value.to_string()),
            parent,
            attrs: Attributes::default(),
            span: decl.name.span,
        });
        r.define(&decl.name.name, Entity::Boundary(id));
    }
    let this = r.model.boundaries.get(id.index()).map(|_| id);
    for member in decl.members {
        match member {
            Member::Boundary(inner) => boundary(r, *inner, this.or(parent), pending),
            Member::Element(inner) => {
                if let Some(attribute) = element_as_attribute(r, &inner, kind) {
                    attributes.push(attribute);
                } else {
                    element(r, inner, this.or(parent), pending);
                }
            }
            Member::Attribute(attribute) => attributes.push(*attribute),
            Member::Flow(_) => {}
        }
    }
    if let Some(id) = this {
        pending.boundaries.push((id, decl.name, attributes));
    }
}

/// `owner payments` inside a boundary parses as an element with keyword `owner`; when the
/// keyword is no role but an attribute of the boundary's kind, it is that attribute.
fn element_as_attribute(
    r: &Resolver,
    decl: &ast::ElementDecl,
    kind: Option<KindId>,
) -> Option<ast::Attribute> {
    let bare = decl.kind.is_none() && decl.label.is_none() && decl.block.span.is_none();
    // Only a bare declaration whose keyword is no role can be an attribute: the kind's schema
    // is not built for the thousands of ordinary elements of a boundary.
    let is_attr = || {
        kind.is_some_and(|k| {
            Schema::of(&r.model, k, true)
                .attrs
                .iter()
                .any(|a| *a.name == *decl.keyword.name)
        })
    };
    (bare && !r.roles.contains_key(decl.keyword.name.as_str()) && is_attr()).then(|| {
        ast::Attribute {
            key: decl.keyword.clone(),
            values: smallvec::smallvec![ast::Value {
                kind: ast::ValueKind::Ident(decl.name.name.clone()),
                span: decl.name.span,
            }],
            span: decl.span,
        }
    })
}

/// Declares an element's name; the element is built later ([`DeclaredElement::build`]).
fn element(
    r: &mut Resolver,
    decl: Box<ast::ElementDecl>,
    boundary: Option<BoundaryId>,
    pending: &mut Pending,
) {
    // The name is declared once its role and kind are known, as the element it will be (or as
    // broken): one look-up in the name table per element.
    let shape = remembered_shape(r, &decl, &mut pending.last_shape);
    let id = ElementId(pending.elements.len() as u32);
    let entity = shape.map_or(Entity::Broken, |_| Entity::Element(id));
    if !r.declare(&decl.name, entity) {
        return;
    }
    let Some((role, kind)) = shape else {
        return;
    };
    pending.elements.push(DeclaredElement {
        decl,
        role,
        kind,
        boundary,
    });
}

/// [`element_shape`], remembered for the next declaration of the same keyword and kind (only
/// when it is known: a declaration with a mistake is always reported).
fn remembered_shape(
    r: &mut Resolver,
    decl: &ast::ElementDecl,
    last: &mut Option<(CompactString, Option<CompactString>, (RoleId, KindId))>,
) -> Option<(RoleId, KindId)> {
    let kind = decl.kind.as_ref().map(|k| &k.name);
    if let Some((keyword, last_kind, shape)) = last
        && *keyword == decl.keyword.name
        && last_kind.as_ref() == kind
    {
        return Some(*shape);
    }
    let shape = element_shape(r, decl)?;
    *last = Some((decl.keyword.name.clone(), kind.cloned(), shape));
    Some(shape)
}

/// The role and kind of an element declaration, when they are known and agree (reported
/// otherwise).
fn element_shape(r: &mut Resolver, decl: &ast::ElementDecl) -> Option<(RoleId, KindId)> {
    let role = keyword_role(r, &decl.keyword)?;
    // Without a kind, an element has the generic kind named after its role; the keyword then
    // stands for the kind in messages.
    let kind_name = decl.kind.clone().unwrap_or_else(|| ast::Ident {
        name: r.model.role(role).name.as_str().into(),
        span: decl.keyword.span,
    });
    let kind = match &decl.kind {
        Some(name) => kind_named(r, name),
        None => {
            let generic = r.core_kind(&kind_name.name);
            if generic.is_none() {
                r.report(
                    Diagnostic::error(
                        Code::UnknownKind,
                        format!("role `{}` has no generic kind", kind_name.name),
                    )
                    .with_primary(decl.keyword.span, "no kind named after this role")
                    .with_help(format!(
                        "name a kind: `{} {} : KIND`",
                        decl.keyword.name, decl.name.name
                    )),
                );
            }
            generic
        }
    };
    let kind = kind?;
    let kind_role = r.model.kind(kind).role;
    if r.model.role(kind_role).structural {
        let name = &kind_name;
        let structural = r.model.role(kind_role).name.clone();
        r.report(
            Diagnostic::error(
                Code::KindNotAllowedHere,
                format!(
                    "`{}` is a {structural} kind; elements need an element kind",
                    name.name
                ),
            )
            .with_primary(name.span, "not an element kind")
            .with_optional_help((structural == "boundary").then(|| {
                format!(
                    "declare a boundary: `boundary {} : {} {{ … }}`",
                    decl.name.name, name.name
                )
            })),
        );
        return None;
    }
    if kind_role != role {
        let (declared_as, is) = (
            r.model.role(role).name.clone(),
            r.model.role(kind_role).clone(),
        );
        let name = &kind_name;
        let mut words = vec![is.name.clone()];
        words.extend(is.aliases.iter().cloned());
        r.report(
            Diagnostic::error(
                Code::RoleMismatch,
                format!(
                    "`{}` declares a {declared_as}, but `{}` is a {}",
                    decl.keyword.name, name.name, is.name
                ),
            )
            .with_primary(decl.keyword.span, format!("declares a {declared_as}"))
            .with_secondary(name.span, format!("a {} kind", is.name))
            .with_help(format!(
                "declare it with {}",
                words
                    .iter()
                    .map(|w| format!("`{w}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
        return None;
    }
    Some((role, kind))
}

/// The role an element keyword (a role name or alias) declares.
fn keyword_role(r: &mut Resolver, keyword: &ast::Ident) -> Option<RoleId> {
    if let Some(role) = r.roles.get(keyword.name.as_str())
        && !r.model.role(*role).structural
    {
        return Some(*role);
    }
    let words: Vec<String> = r
        .roles
        .iter()
        .filter(|(_, id)| !r.model.role(**id).structural)
        .map(|(name, _)| name.clone())
        .collect();
    let help = did_you_mean(&keyword.name, words.iter().map(String::as_str)).unwrap_or_else(|| {
        let mut roles: Vec<&str> = r
            .model
            .roles
            .iter()
            .filter(|role| !role.structural)
            .map(|role| role.name.as_str())
            .collect();
        roles.sort_unstable();
        format!(
            "elements are declared with a role ({}) or one of its aliases",
            roles.join(", ")
        )
    });
    r.report(
        Diagnostic::error(
            Code::UnknownKeyword,
            format!(
                "`{}` is not a declaration keyword or element role",
                keyword.name
            ),
        )
        .with_primary(keyword.span, "unknown keyword")
        .with_help(help),
    );
    None
}

/// The element a flow's end names, given what the name was found to be.
fn endpoint(r: &mut Typer, name: &ast::Ident, found: Option<Declared>) -> Option<ElementId> {
    match found {
        Some((Entity::Element(id), _)) => Some(id),
        Some((Entity::Broken, _)) => None,
        Some((other, declared)) => {
            r.report(
                Diagnostic::error(
                    Code::FlowEndpointNotElement,
                    format!(
                        "`{}` is {}; flows connect elements",
                        name.name,
                        other.describe()
                    ),
                )
                .with_primary(name.span, "not an element")
                .with_secondary(declared, "declared here")
                .with_optional_help(matches!(other, Entity::Boundary(_)).then(|| {
                    "name the element inside the boundary that sends or receives the data"
                        .to_string()
                })),
            );
            None
        }
        None => {
            let candidates = r.names_where(|e| matches!(e, Entity::Element(_)));
            let help = did_you_mean(&name.name, candidates);
            r.report(
                Diagnostic::error(
                    Code::UnknownElement,
                    format!("there is no element `{}`", name.name),
                )
                .with_primary(name.span, "unknown element")
                .with_optional_help(help),
            );
            None
        }
    }
}

/// A flow, its ends looked up and its attributes typed; `ends` is what its source and target
/// name, `schema` core's flow schema (`None` when core is broken). None when it cannot be
/// resolved (reported).
fn flow(
    r: &mut Typer,
    decl: &ast::FlowDecl,
    ends: &[Option<Declared>],
    schema: Option<&Schema>,
) -> Option<Flow> {
    let source = endpoint(r, &decl.source, ends[0]);
    let target = endpoint(r, &decl.target, ends[1]);
    let schema = schema?;
    let attrs = values::attributes(r, schema, &decl.block.attributes, &decl.source);
    // The head, `flow a -> b "label"`: one line that names the flow, underlined in its
    // findings and lints the way an element's name is.
    let last = decl.label.as_ref().map_or(decl.target.span, |l| l.span);
    Some(Flow {
        source: source?,
        target: target?,
        label: decl.label.as_ref().map(|l| l.value.as_str().into()),
        attrs,
        span: Span::new(decl.span.file, decl.span.start as usize, last.end as usize),
    })
}

#[cfg(test)]
mod tests {
    use crate::compile::{compile_clean, compile_text};

    #[test]
    fn runs_of_one_keyword_and_kind_share_their_shape_and_every_mistake_is_reported() {
        let text = "use aws\nfunction a : aws.lambda\nfunction b : aws.lambda\n\
                    function c : aws.nope\nfunction d : aws.nope\nstore e : aws.lambda\n\
                    service f\nfunction g : aws.lambda\nservice h\n";
        let compilation = compile_text(text);
        let codes: Vec<String> = compilation
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| format!("{:?}", d.code))
            .collect();
        // Both unknown kinds are reported, not only the first of the run, and so is the store
        // declared with a process kind.
        assert_eq!(codes, ["UnknownKind", "UnknownKind", "RoleMismatch"]);
        let model = &compilation.model;
        let shapes: Vec<(&str, &str)> = model
            .elements
            .iter()
            .map(|e| (e.name.as_str(), model.kind(e.kind).name.as_str()))
            .collect();
        assert_eq!(
            shapes,
            [
                ("a", "aws.lambda"),
                ("b", "aws.lambda"),
                ("f", "process"),
                ("g", "aws.lambda"),
                ("h", "process")
            ]
        );
    }

    #[test]
    fn flows_top_level_and_nested_keep_their_source_order() {
        let text = r#"model "F" { owner "t" }
actor a
flow a -> b "first"
boundary outer : zone {
  service b
  flow b -> c "second"
  boundary inner : zone {
    service c
    flow c -> a "third"
  }
  flow b -> a "fourth"
}
flow a -> c "fifth"
"#;
        let compilation = compile_clean(text);
        let labels: Vec<&str> = compilation
            .model
            .flows
            .iter()
            .map(|f| f.label.as_deref().unwrap_or(""))
            .collect();
        assert_eq!(labels, ["first", "second", "third", "fourth", "fifth"]);
        // The boundaries are still resolved with their elements once their flows are taken.
        let names: Vec<&str> = compilation
            .model
            .boundaries
            .iter()
            .map(|b| b.name.as_str())
            .collect();
        assert_eq!(names, ["outer", "inner"]);
        assert_eq!(compilation.model.elements.len(), 3);
    }
}
