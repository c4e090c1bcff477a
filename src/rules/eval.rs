//! The interpreter: evaluates checked expressions ([`ir`](super::ir)) over the data-flow graph.
//!
//! An attribute that a kind does not have, or that is not set and has no default, is
//! [`Value::Absent`]: it equals only `none` and `off`, is false where a condition is expected,
//! and orders before nothing.

use super::ir::{Expr, Field, Method, Quantifier, Target};
use crate::graph::{Exposure, FlowIndex, Graph};
use crate::model::*;
use crate::syntax::ast::BinaryOp;
use foldhash::HashMap;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

/// A runtime value. Text borrows from the model or the rule where it can: evaluating a
/// condition over thousands of elements copies no names.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    Absent,
    Bool(bool),
    Int(i64),
    Str(Cow<'a, str>),
    Sym(Cow<'a, str>),
    Element(ElementId),
    Flow(FlowIndex),
    Data(DataId),
    Classification(ClassificationId),
    Kind(KindId),
    Boundary(BoundaryId),
    List(Vec<Value<'a>>),
}

impl Value<'_> {
    pub fn truthy(&self) -> bool {
        matches!(self, Value::Bool(true))
    }

    /// How a value reads in a message: names, lists joined with commas.
    pub fn display(&self, graph: &Graph) -> String {
        let mut out = String::new();
        self.display_into(graph, &mut out);
        out
    }

    /// Appends [`Value::display`] to `out`.
    pub fn display_into(&self, graph: &Graph, out: &mut String) {
        let model = graph.model;
        match self {
            Value::Absent => out.push_str("none"),
            Value::Bool(b) => out.push_str(if *b { "on" } else { "off" }),
            Value::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Value::Str(s) | Value::Sym(s) => out.push_str(s),
            Value::Element(e) => out.push_str(&model.element(*e).name),
            Value::Flow(f) => out.push_str(&flow_name(model, *f)),
            Value::Data(d) => out.push_str(&model.data[d.index()].name),
            Value::Classification(c) => out.push_str(&model.classifications[c.index()].name),
            Value::Kind(k) => out.push_str(&model.kind(*k).name),
            Value::Boundary(b) => out.push_str(&model.boundary(*b).name),
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.display_into(graph, out);
                }
            }
        }
    }
}

/// Lets go of a value, calling its (out-of-line, recursive) drop only when it holds memory:
/// the interpreter makes and lets go of millions of plain values (ids, borrowed names, flags).
#[inline(always)]
fn discard(value: Value) {
    match value {
        Value::List(_) | Value::Str(Cow::Owned(_)) | Value::Sym(Cow::Owned(_)) => drop(value),
        plain => std::mem::forget(plain),
    }
}

/// The edges of an element's flows in one direction.
type FlowEdges<'a> = petgraph::graph::Edges<'a, FlowIndex, petgraph::Directed>;

/// An element's flows, the elements at their far ends, its boundaries or its data, read one at
/// a time where the graph holds them: the items of `flows_in` and `flows_out`, `sources`,
/// `targets`, `boundaries` and `data`, in their order.
enum Links<'a> {
    Flows(FlowEdges<'a>),
    Sources(FlowEdges<'a>, &'a Model),
    Targets(FlowEdges<'a>, &'a Model),
    Boundaries(std::slice::Iter<'a, BoundaryId>),
    Data(std::slice::Iter<'a, DataId>),
}

impl<'a> Iterator for Links<'a> {
    type Item = Value<'a>;

    #[inline]
    fn next(&mut self) -> Option<Value<'a>> {
        let flow = |edge: petgraph::graph::EdgeReference<'a, FlowIndex>| *edge.weight();
        Some(match self {
            Links::Flows(edges) => Value::Flow(flow(edges.next()?)),
            Links::Sources(edges, model) => Value::Element(model.flow(flow(edges.next()?)).source),
            Links::Targets(edges, model) => Value::Element(model.flow(flow(edges.next()?)).target),
            Links::Boundaries(boundaries) => Value::Boundary(*boundaries.next()?),
            Links::Data(data) => Value::Data(*data.next()?),
        })
    }
}

/// The items of a list expression: where the graph holds them, or the list built.
enum ListItems<'a> {
    Linked(Links<'a>),
    Built(Value<'a>),
}

/// The items of `field` of a flow, when it is one of the lists [`Links`] reads (its data, the
/// boundaries it leaves or enters).
#[inline(always)]
fn flow_links<'a>(graph: &'a Graph<'a>, f: FlowIndex, field: Field) -> Option<Links<'a>> {
    Some(match field {
        Field::Data => Links::Data(graph.flow_data_slice(f).iter()),
        Field::Leaves => Links::Boundaries(graph.leaves[f as usize].iter()),
        Field::Enters => Links::Boundaries(graph.enters[f as usize].iter()),
        _ => return None,
    })
}

/// The items of `field` of element `e`, when it is one of the lists [`Links`] reads.
#[inline(always)]
fn links<'a>(graph: &'a Graph<'a>, e: ElementId, field: Field) -> Option<Links<'a>> {
    use petgraph::Direction::{Incoming, Outgoing};
    Some(match field {
        Field::FlowsIn => Links::Flows(graph.flow_edges(e, Incoming)),
        Field::FlowsOut => Links::Flows(graph.flow_edges(e, Outgoing)),
        Field::Sources => Links::Sources(graph.flow_edges(e, Incoming), graph.model),
        Field::Targets => Links::Targets(graph.flow_edges(e, Outgoing), graph.model),
        Field::Boundaries => Links::Boundaries(graph.chains[e.index()].iter()),
        Field::Data => Links::Data(graph.data[e.index()].iter()),
        _ => return None,
    })
}

/// `source -> target`, and the label when there is one.
pub fn flow_name(model: &Model, flow: FlowIndex) -> String {
    let f = model.flow(flow);
    let mut name = format!(
        "{} -> {}",
        model.element(f.source).name,
        model.element(f.target).name
    );
    if let Some(label) = &f.label {
        name.push_str(&format!(" \"{label}\""));
    }
    name
}

/// Converts a typed attribute value.
pub fn from_attr(value: &AttrValue) -> Value<'_> {
    match value {
        AttrValue::Str(s) | AttrValue::Date(s) => Value::Str(Cow::Borrowed(s)),
        AttrValue::Int(n) => Value::Int(*n),
        AttrValue::Bool(b) => Value::Bool(*b),
        AttrValue::Rate { count, unit } => {
            Value::Str(Cow::Owned(format!("{count}/{}", unit.as_str())))
        }
        AttrValue::Variant { name, .. } => Value::Sym(Cow::Borrowed(name)),
        AttrValue::Element(e) => Value::Element(*e),
        AttrValue::Data(d) => Value::Data(*d),
        AttrValue::Classification(c) => Value::Classification(*c),
        AttrValue::List(items) => Value::List(items.iter().map(from_attr).collect()),
    }
}

/// Which elements reach a target, computed once per target for a whole evaluation and shared
/// by the threads evaluating it.
#[derive(Default)]
pub struct ReachCache(Mutex<HashMap<Target, Arc<[bool]>>>);

impl ReachCache {
    pub fn new() -> ReachCache {
        ReachCache::default()
    }

    /// Whether `element` reaches `target`, computing the answer for every element on first use.
    fn reaches(&self, graph: &Graph, element: ElementId, target: Target) -> bool {
        let reaching = {
            let mut cache = self
                .0
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            Arc::clone(cache.entry(target).or_insert_with(|| {
                graph
                    .can_reach(|other| element_matches(graph.model, other, target))
                    .into()
            }))
        };
        reaching[element.index()]
    }
}

/// Evaluates expressions over one graph.
pub struct Evaluator<'a, 'c> {
    pub graph: &'a Graph<'a>,
    pub env: Vec<Value<'a>>,
    pub reach: &'c ReachCache,
}

impl<'a> Evaluator<'a, '_> {
    /// Whether `expr` holds (is `true`): `eval(expr).truthy()`, with `and`, `or`, `not` and
    /// comparisons decided without making a value for each of their parts.
    pub fn holds(&mut self, expr: &'a Expr) -> bool {
        match expr {
            Expr::Bool(b) => *b,
            Expr::Not(inner) => !self.holds(inner),
            Expr::Binary(BinaryOp::And, l, r) => self.holds(l) && self.holds(r),
            Expr::Binary(BinaryOp::Or, l, r) => self.holds(l) || self.holds(r),
            Expr::Binary(op, l, r) => {
                let (l, r) = (self.eval(l), self.eval(r));
                let holds = compare(*op, &l, &r);
                discard(l);
                discard(r);
                holds
            }
            Expr::OneOf(value, literals) => {
                let value = self.eval(value);
                let holds = literals
                    .iter()
                    .any(|literal| equal(&value, &self.eval(literal)));
                discard(value);
                holds
            }
            _ => {
                let value = self.eval(expr);
                let holds = value.truthy();
                discard(value);
                holds
            }
        }
    }

    /// The value of `expr`. The common cases (literals, variables, fields and attributes)
    /// are decided here; quantifiers and methods, which need more room, in functions of their
    /// own, so that the recursion through the common cases stays cheap.
    pub fn eval(&mut self, expr: &'a Expr) -> Value<'a> {
        match expr {
            Expr::Bool(b) => Value::Bool(*b),
            Expr::Int(n) => Value::Int(*n),
            Expr::Str(s) => Value::Str(Cow::Borrowed(s)),
            Expr::Sym(s) => Value::Sym(Cow::Borrowed(s)),
            Expr::Kind(k) => Value::Kind(*k),
            Expr::Element(e) => Value::Element(*e),
            Expr::Var(slot) => self.var(*slot),
            Expr::Not(_) | Expr::Binary(..) | Expr::OneOf(..) => Value::Bool(self.holds(expr)),
            Expr::Field(list, field @ (Field::Size | Field::Empty)) => self.eval_size(list, *field),
            Expr::Field(base, field) => {
                let base = self.operand(base);
                let value = self.field(&base, *field);
                discard(base);
                value
            }
            Expr::Attr(base, name) => {
                let base = self.operand(base);
                let value = attribute(self.graph.model, &base, name);
                discard(base);
                value
            }
            Expr::Method(base, method) => self.eval_method(base, method),
            Expr::Quantifier(quantifier, list, slot, body) => {
                self.eval_quantifier(*quantifier, list, *slot, body)
            }
        }
    }

    /// Makes `subject` the value of the rule's variable (slot 0). The other slots keep what
    /// they held: a quantifier sets its slot before its body reads it.
    #[inline]
    pub fn bind_subject(&mut self, subject: Value<'a>) {
        match self.env.first_mut() {
            Some(slot) => discard(std::mem::replace(slot, subject)),
            None => self.env.push(subject),
        }
    }

    /// The value of variable `slot`.
    #[inline(always)]
    fn var(&self, slot: usize) -> Value<'a> {
        // Subjects and most quantified items are elements, flows, data or boundaries: copied
        // here, without the out-of-line clone (and without making, then dropping, a default).
        match self.env.get(slot) {
            Some(Value::Element(e)) => Value::Element(*e),
            Some(Value::Flow(f)) => Value::Flow(*f),
            Some(Value::Data(d)) => Value::Data(*d),
            Some(Value::Boundary(b)) => Value::Boundary(*b),
            Some(other) => other.clone(),
            None => Value::Absent,
        }
    }

    /// The value of the base of a field or attribute: most are a variable, read without a
    /// call.
    #[inline(always)]
    fn operand(&mut self, expr: &'a Expr) -> Value<'a> {
        match expr {
            Expr::Var(slot) => self.var(*slot),
            other => self.eval(other),
        }
    }

    /// `base.method(…)`.
    #[inline(never)]
    fn eval_method(&mut self, base: &'a Expr, method: &'a Method) -> Value<'a> {
        let base = self.operand(base);
        let value = self.method(&base, method);
        discard(base);
        value
    }

    /// The items of `list`: walked where the graph holds them (an element's flows, ends,
    /// boundaries and data, a flow's data and crossings), without building the list, or else
    /// the list's value.
    #[inline(always)]
    fn list_items(&mut self, list: &'a Expr) -> ListItems<'a> {
        let Expr::Field(base, field) = list else {
            return ListItems::Built(self.eval(list));
        };
        let base = self.operand(base);
        let items = match base {
            Value::Element(e) => links(self.graph, e, *field),
            Value::Flow(f) => flow_links(self.graph, f, *field),
            _ => None,
        };
        if let Some(items) = items {
            // An element or flow: nothing to free, and no out-of-line drop for it.
            discard(base);
            return ListItems::Linked(items);
        }
        let items = self.field(&base, *field);
        discard(base);
        ListItems::Built(items)
    }

    /// `list.size` or `list.empty`, counted where the graph holds the list.
    #[inline(never)]
    fn eval_size(&mut self, list: &'a Expr, field: Field) -> Value<'a> {
        match self.list_items(list) {
            ListItems::Linked(items) => {
                let count = items.count();
                match field {
                    Field::Size => Value::Int(count as i64),
                    _ => Value::Bool(count == 0),
                }
            }
            ListItems::Built(list) => {
                let value = self.field(&list, field);
                discard(list);
                value
            }
        }
    }

    /// `list.any(…)` and the other quantifiers, walking the list where the graph holds it.
    #[inline(never)]
    fn eval_quantifier(
        &mut self,
        quantifier: Quantifier,
        list: &'a Expr,
        slot: usize,
        body: &'a Expr,
    ) -> Value<'a> {
        match self.list_items(list) {
            ListItems::Linked(items) => self.quantify(quantifier, items, slot, body),
            ListItems::Built(items) => self.quantify_list(quantifier, items, slot, body),
        }
    }

    /// A quantifier over a list value; anything else is an empty list.
    fn quantify_list(
        &mut self,
        quantifier: Quantifier,
        items: Value<'a>,
        slot: usize,
        body: &'a Expr,
    ) -> Value<'a> {
        match items {
            Value::List(items) => self.quantify(quantifier, items.into_iter(), slot, body),
            _ => self.quantify(quantifier, std::iter::empty(), slot, body),
        }
    }

    /// `any`, `all`, `count` or `filter` of `body`, with each item bound to `slot`.
    fn quantify(
        &mut self,
        quantifier: Quantifier,
        items: impl Iterator<Item = Value<'a>>,
        slot: usize,
        body: &'a Expr,
    ) -> Value<'a> {
        if self.env.len() <= slot {
            self.env.resize(slot + 1, Value::Absent);
        }
        let mut count = 0;
        let mut kept = Vec::new();
        for item in items {
            let keep = (quantifier == Quantifier::Filter).then(|| item.clone());
            discard(std::mem::replace(&mut self.env[slot], item));
            let holds = self.holds(body);
            match (quantifier, keep) {
                (Quantifier::Filter, Some(item)) if holds => kept.push(item),
                (Quantifier::Any, _) if holds => return Value::Bool(true),
                (Quantifier::All, _) if !holds => return Value::Bool(false),
                (Quantifier::Count, _) if holds => count += 1,
                _ => {}
            }
        }
        match quantifier {
            Quantifier::Any => Value::Bool(false),
            Quantifier::All => Value::Bool(true),
            Quantifier::Count => Value::Int(count),
            Quantifier::Filter => Value::List(kept),
        }
    }

    pub(super) fn field(&self, base: &Value<'a>, field: Field) -> Value<'a> {
        let graph = self.graph;
        let model = graph.model;
        let list = |items: Vec<Value<'a>>| Value::List(items);
        match (base, field) {
            (Value::Element(e), field) => {
                if let Some(items) = links(graph, *e, field) {
                    return list(items.collect());
                }
                let element = model.element(*e);
                match field {
                    Field::Name => Value::Str(Cow::Borrowed(&element.name)),
                    Field::Label => element
                        .label
                        .as_deref()
                        .map_or(Value::Absent, |l| Value::Str(Cow::Borrowed(l))),
                    Field::Kind => Value::Kind(element.kind),
                    Field::Role => Value::Sym(Cow::Borrowed(&model.role(element.role).name)),
                    Field::Boundary => element.boundary.map_or(Value::Absent, Value::Boundary),
                    Field::Level => graph
                        .highest_level(graph.data[e.index()].iter().copied())
                        .map_or(Value::Int(-1), Value::Int),
                    Field::Exposed => Value::Bool(graph.exposure[e.index()] != Exposure::Internal),
                    Field::ExposedOpen => Value::Bool(graph.exposure[e.index()] == Exposure::Open),
                    Field::ExposedVia => list(
                        graph.exposure_paths[e.index()]
                            .iter()
                            .map(|p| Value::Element(*p))
                            .collect(),
                    ),
                    Field::Authenticates => Value::Bool(graph.authenticates[e.index()]),
                    _ => Value::Absent,
                }
            }
            (Value::Flow(f), field) => {
                if let Some(items) = flow_links(graph, *f, field) {
                    return list(items.collect());
                }
                let flow = model.flow(*f);
                match field {
                    Field::Name => Value::Str(Cow::Owned(flow_name(model, *f))),
                    Field::Label => flow
                        .label
                        .as_deref()
                        .map_or(Value::Absent, |l| Value::Str(Cow::Borrowed(l))),
                    Field::Source => Value::Element(flow.source),
                    Field::Target => Value::Element(flow.target),
                    Field::Level => graph
                        .highest_level(graph.flow_data(*f))
                        .map_or(Value::Int(-1), Value::Int),
                    Field::Crosses => Value::Bool(graph.crosses(*f)),
                    _ => Value::Absent,
                }
            }
            (Value::Data(d), field) => {
                let data = &model.data[d.index()];
                match field {
                    Field::Name => Value::Str(Cow::Borrowed(&data.name)),
                    Field::Classification => Value::Classification(data.classification),
                    Field::Level => Value::Int(graph.levels[d.index()]),
                    _ => Value::Absent,
                }
            }
            (Value::Classification(c), Field::Name) => {
                Value::Str(Cow::Borrowed(&model.classifications[c.index()].name))
            }
            (Value::Kind(k), field) => {
                let kind = model.kind(*k);
                match field {
                    Field::Name => Value::Str(Cow::Borrowed(&kind.name)),
                    Field::Role => Value::Sym(Cow::Borrowed(&model.role(kind.role).name)),
                    Field::Compliance => list(
                        kind.compliance
                            .iter()
                            .map(|c| Value::Sym(Cow::Borrowed(c)))
                            .collect(),
                    ),
                    _ => Value::Absent,
                }
            }
            (Value::Boundary(b), field) => {
                let boundary = model.boundary(*b);
                match field {
                    Field::Name => Value::Str(Cow::Borrowed(&boundary.name)),
                    Field::Label => boundary
                        .label
                        .as_deref()
                        .map_or(Value::Absent, |l| Value::Str(Cow::Borrowed(l))),
                    Field::Kind => Value::Kind(boundary.kind),
                    Field::Parent => boundary.parent.map_or(Value::Absent, Value::Boundary),
                    _ => Value::Absent,
                }
            }
            (Value::List(items), Field::Size) => Value::Int(items.len() as i64),
            (Value::List(items), Field::Empty) => Value::Bool(items.is_empty()),
            (Value::Absent, Field::Size) => Value::Int(0),
            (Value::Absent, Field::Empty) => Value::Bool(true),
            _ => Value::Absent,
        }
    }

    pub(super) fn method(&mut self, base: &Value<'a>, method: &'a Method) -> Value<'a> {
        let graph = self.graph;
        let model = graph.model;
        let result = match (base, method) {
            (Value::Element(e), Method::Within(target)) => graph.chains[e.index()]
                .iter()
                .any(|b| boundary_matches(model, *b, *target)),
            (Value::Element(e), Method::Is(target)) => element_matches(model, *e, *target),
            (Value::Element(e), Method::Reaches(target)) => self.reach.reaches(graph, *e, *target),
            (Value::Flow(f), Method::CrossesTarget(target)) => graph
                .crossed(*f)
                .any(|b| boundary_matches(model, b, *target)),
            (base, Method::Has(name)) => attribute(model, base, name) != Value::Absent,
            (Value::Kind(k), Method::Supports(capability, option)) => {
                model.kind(*k).supports(capability, option.as_deref())
            }
            (Value::Kind(k), Method::InScope(programme)) => {
                model.kind(*k).compliance.iter().any(|c| c == programme)
            }
            (Value::Kind(k), Method::Alternatives(capability, option)) => {
                let role = model.kind(*k).role;
                return Value::List(
                    model
                        .kinds
                        .iter()
                        .enumerate()
                        .filter(|(_, kind)| {
                            kind.role == role
                                && kind.name.contains('.')
                                && kind.supports(capability, option.as_deref())
                        })
                        .map(|(i, _)| Value::Kind(KindId(i as u32)))
                        .collect(),
                );
            }
            (Value::List(items), Method::Contains(value)) => {
                let value = self.eval(value);
                contains(items, &value)
            }
            _ => false,
        };
        Value::Bool(result)
    }
}

/// The value of attribute `name` of an element, flow, data item, classification or boundary.
#[inline(always)]
pub fn attribute<'a>(model: &'a Model, base: &Value, name: &str) -> Value<'a> {
    let attrs = match base {
        Value::Element(e) => &model.element(*e).attrs,
        Value::Flow(f) => &model.flow(*f).attrs,
        Value::Data(d) => &model.data[d.index()].attrs,
        Value::Classification(c) => &model.classifications[c.index()].attrs,
        Value::Boundary(b) => &model.boundary(*b).attrs,
        _ => return Value::Absent,
    };
    attrs.get(name).map_or(Value::Absent, from_attr)
}

fn element_matches(model: &Model, element: ElementId, target: Target) -> bool {
    let e = model.element(element);
    match target {
        Target::Kind(kind) => e.kind == kind,
        Target::Role(role) => e.role == role,
        Target::Element(other) => element == other,
        Target::Boundary(b) => e.boundary == Some(b),
    }
}

fn boundary_matches(model: &Model, boundary: BoundaryId, target: Target) -> bool {
    match target {
        Target::Kind(kind) => model.boundary(boundary).kind == kind,
        Target::Boundary(other) => boundary == other,
        Target::Role(_) | Target::Element(_) => false,
    }
}

/// Whether a list holds a value (as `==` compares).
pub(super) fn contains(items: &[Value], value: &Value) -> bool {
    items.iter().any(|item| compare(BinaryOp::Eq, item, value))
}

pub(super) fn compare(op: BinaryOp, l: &Value, r: &Value) -> bool {
    match op {
        BinaryOp::Eq => equal(l, r),
        BinaryOp::Ne => !equal(l, r),
        _ => {
            let ordering = match (l, r) {
                (Value::Int(a), Value::Int(b)) => a.cmp(b),
                (Value::Str(a), Value::Str(b)) => a.cmp(b),
                _ => return false,
            };
            match op {
                BinaryOp::Lt => ordering.is_lt(),
                BinaryOp::Le => ordering.is_le(),
                BinaryOp::Gt => ordering.is_gt(),
                _ => ordering.is_ge(),
            }
        }
    }
}

fn equal(l: &Value, r: &Value) -> bool {
    match (l, r) {
        (Value::Absent, other) | (other, Value::Absent) => {
            matches!(other, Value::Absent | Value::Bool(false))
                || matches!(other, Value::Sym(s) if s == "none" || s == "off")
        }
        (a, b) => a == b,
    }
}
