//! Which rules can hold for the elements of one kind and role, or for the flows between
//! elements of two kinds and roles, decided once per group of such subjects instead of once per
//! element or flow ([`super::groups`] makes the groups).
//!
//! Most rules open with a test of the subject's role or kind (`e.role == store and …`,
//! `e.kind.supports(encryption(cmk)) and …`, `p.has(authorizer)`, which no element of a kind
//! without that attribute has); flow rules test their ends (`f.target.role == store`). Those
//! parts read nothing but kinds and roles, so they are evaluated once for each kind and role (or
//! pair of ends) present, and a rule whose condition is then known to be false is never run on
//! those elements or flows. When the subjects' attribute layout is known too (which attributes
//! they write), an attribute they do not write is its kind's default, the same for all of them,
//! and is decided the same way (`not p.tracing` for every lambda that leaves `tracing` off). A
//! rule that might hold runs with its condition specialised for the group
//! ([`Known::residual`]): the decided parts folded away, the rest evaluated per element, so the
//! findings are exactly those of evaluating every rule everywhere.

use super::eval::{self, Evaluator, Value};
use super::ir::{Expr, Field, Method, Target};
use crate::model::{Attributes, Element, KindId, RoleId};
use crate::resolve::can_have;
use crate::syntax::ast::BinaryOp;
use std::borrow::Cow;

/// The slot of a rule's subject in the evaluator's environment.
const SUBJECT: usize = 0;

/// An element's kind and role.
pub type Shape = (KindId, RoleId);

/// The shape of an element.
pub fn shape(element: &Element) -> Shape {
    (element.kind, element.role)
}

/// What is known of a rule's subject: an element's shape, or the shapes of a flow's ends; and
/// when `layout` is given, which of its attributes are written: the subject's attributes are
/// laid out as `layout`'s ([`Attributes::same_layout`]), so each one not written is the same
/// default (or absent) for every such subject.
#[derive(Clone, Copy)]
pub enum Known<'m> {
    Element {
        shape: Shape,
        layout: Option<&'m Attributes>,
    },
    Flow {
        source: Shape,
        target: Shape,
        layout: Option<&'m Attributes>,
    },
}

impl<'m> Known<'m> {
    /// `condition` specialised for subjects of the known shapes: each part those shapes decide
    /// is replaced by its truth, and `and`, `or` and `not` over decided parts are folded, so
    /// what is left reads only what differs from one subject to the next. For every such
    /// subject it is true exactly when `condition` is (the result is read as a condition: a
    /// decided part becomes `true` or `false` by whether its value is truthy).
    pub fn residual<'a>(&self, ev: &mut Evaluator<'a, '_>, condition: &'a Expr) -> Expr
    where
        'm: 'a,
    {
        match condition {
            Expr::Binary(BinaryOp::And, l, r) => {
                match (self.residual(ev, l), self.residual(ev, r)) {
                    (Expr::Bool(false), _) | (_, Expr::Bool(false)) => Expr::Bool(false),
                    (Expr::Bool(true), other) | (other, Expr::Bool(true)) => other,
                    (l, r) => Expr::Binary(BinaryOp::And, Box::new(l), Box::new(r)),
                }
            }
            Expr::Binary(BinaryOp::Or, l, r) => {
                match (self.residual(ev, l), self.residual(ev, r)) {
                    (Expr::Bool(true), _) | (_, Expr::Bool(true)) => Expr::Bool(true),
                    (Expr::Bool(false), other) | (other, Expr::Bool(false)) => other,
                    (l, r) => Expr::Binary(BinaryOp::Or, Box::new(l), Box::new(r)),
                }
            }
            Expr::Not(inner) => match self.residual(ev, inner) {
                Expr::Bool(b) => Expr::Bool(!b),
                other => Expr::Not(Box::new(other)),
            },
            _ => match self.value(ev, condition) {
                Some(value) => Expr::Bool(value.truthy()),
                None => condition.clone(),
            },
        }
    }

    /// The shape of the element `expr` stands for, when it is the subject element or an end
    /// of the subject flow.
    fn shape(&self, expr: &Expr) -> Option<Shape> {
        match (self, expr) {
            (Known::Element { shape, .. }, Expr::Var(SUBJECT)) => Some(*shape),
            (Known::Flow { source, target, .. }, Expr::Field(base, field))
                if matches!(**base, Expr::Var(SUBJECT)) =>
            {
                match field {
                    Field::Source => Some(*source),
                    Field::Target => Some(*target),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The layout of the subject's attributes, when `expr` is the subject and it is known.
    fn layout(&self, expr: &Expr) -> Option<&'m Attributes> {
        match (self, expr) {
            (Known::Element { layout, .. } | Known::Flow { layout, .. }, Expr::Var(SUBJECT)) => {
                *layout
            }
            _ => None,
        }
    }

    /// The expression's value for every subject of the known shapes, or `None` when it
    /// depends on more than that.
    fn value<'a>(&self, ev: &mut Evaluator<'a, '_>, expr: &'a Expr) -> Option<Value<'a>>
    where
        'm: 'a,
    {
        let model = ev.graph.model;
        match expr {
            Expr::Bool(_)
            | Expr::Int(_)
            | Expr::Str(_)
            | Expr::Sym(_)
            | Expr::Kind(_)
            | Expr::Element(_) => Some(ev.eval(expr)),
            Expr::Var(_) | Expr::Quantifier(..) => None,
            Expr::Field(base, field) => match (self.shape(base), field) {
                (Some((kind, _)), Field::Kind) => Some(Value::Kind(kind)),
                (Some((_, role)), Field::Role) => {
                    Some(Value::Sym(Cow::Borrowed(&model.role(role).name)))
                }
                _ => {
                    let base = self.value(ev, base)?;
                    Some(ev.field(&base, *field))
                }
            },
            Expr::Attr(base, name) => match (self.shape(base), self.layout(base)) {
                (Some((kind, _)), _) if !can_have(model.kind(kind), name) => Some(Value::Absent),
                (_, Some(layout)) if !layout.is_written(name) => {
                    Some(layout.get(name).map_or(Value::Absent, eval::from_attr))
                }
                _ => {
                    let base = self.value(ev, base)?;
                    Some(eval::attribute(model, &base, name))
                }
            },
            Expr::Method(base, method) => match (self.shape(base), method) {
                (Some((kind, _)), Method::Is(Target::Kind(other))) => {
                    Some(Value::Bool(kind == *other))
                }
                (Some((_, role)), Method::Is(Target::Role(other))) => {
                    Some(Value::Bool(role == *other))
                }
                (Some((kind, _)), Method::Has(name)) if !can_have(model.kind(kind), name) => {
                    Some(Value::Bool(false))
                }
                // Written or a default, the layout says which attributes have a value.
                (_, Method::Has(name)) => match self.layout(base) {
                    Some(layout) => Some(Value::Bool(layout.get(name).is_some())),
                    None => {
                        let base = self.value(ev, base)?;
                        Some(ev.method(&base, method))
                    }
                },
                (_, Method::Contains(item)) => {
                    let Value::List(items) = self.value(ev, base)? else {
                        return Some(Value::Bool(false));
                    };
                    let item = self.value(ev, item)?;
                    Some(Value::Bool(eval::contains(&items, &item)))
                }
                _ => {
                    let base = self.value(ev, base)?;
                    Some(ev.method(&base, method))
                }
            },
            Expr::Not(inner) => Some(Value::Bool(!self.value(ev, inner)?.truthy())),
            Expr::OneOf(value, literals) => {
                let value = self.value(ev, value)?;
                let equal = |literal| eval::compare(BinaryOp::Eq, &value, &ev.eval(literal));
                Some(Value::Bool(literals.iter().any(equal)))
            }
            Expr::Binary(BinaryOp::And, l, r) => {
                let (l, r) = (self.value(ev, l), self.value(ev, r));
                match (l, r) {
                    (Some(v), _) | (_, Some(v)) if !v.truthy() => Some(Value::Bool(false)),
                    (Some(_), Some(_)) => Some(Value::Bool(true)),
                    _ => None,
                }
            }
            Expr::Binary(BinaryOp::Or, l, r) => {
                let (l, r) = (self.value(ev, l), self.value(ev, r));
                match (l, r) {
                    (Some(v), _) | (_, Some(v)) if v.truthy() => Some(Value::Bool(true)),
                    (Some(_), Some(_)) => Some(Value::Bool(false)),
                    _ => None,
                }
            }
            Expr::Binary(op, l, r) => {
                let (l, r) = (self.value(ev, l)?, self.value(ev, r)?);
                Some(Value::Bool(eval::compare(*op, &l, &r)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::{Compilation, compile_clean};
    use crate::graph::Graph;

    /// A model with one element of each kind used below and one rule whose condition is
    /// `condition`.
    fn with_rule(subject: &str, condition: &str) -> Compilation {
        let text = format!(
            "use aws\nboundary internet : internet {{ actor user }}\n\
             function fn : aws.lambda\nstore db : aws.rds\nstore t : aws.dynamodb\n\
             data d : internal\n\
             flow user -> fn {{ data d }}\nflow fn -> db {{ data d }}\nflow fn -> t {{ data d }}\n\
             rule X-1 \"x\" {{\n  for {subject}\n  where {condition}\n  severity low\n  stride tampering\n  message \"m\"\n}}\n"
        );
        compile_clean(&text)
    }

    /// `decide` over the compiled model, an evaluator and the rule of `condition`.
    fn deciding<T>(
        subject: &str,
        condition: &str,
        decide: impl for<'a, 'c> FnOnce(&'a crate::model::Model, &mut Evaluator<'a, 'c>, &'a Expr) -> T,
    ) -> T {
        deciding_in(with_rule(subject, condition), decide)
    }

    /// `decide` over the model of `compilation`, an evaluator and the condition of its rule
    /// `X-1`.
    fn deciding_in<T>(
        compilation: Compilation,
        decide: impl for<'a, 'c> FnOnce(&'a crate::model::Model, &mut Evaluator<'a, 'c>, &'a Expr) -> T,
    ) -> T {
        let graph = Graph::build(&compilation.model);
        let reach = eval::ReachCache::new();
        let mut evaluator = Evaluator {
            graph: &graph,
            env: Vec::new(),
            reach: &reach,
        };
        let rule = compilation.rules.iter().find(|r| r.id == "X-1").unwrap();
        decide(&compilation.model, &mut evaluator, &rule.condition)
    }

    /// Each element's name with the rule's condition specialised for its kind and role.
    fn element_residuals(condition: &str) -> Vec<(String, Expr)> {
        deciding("element e", condition, |model, evaluator, condition| {
            model
                .elements
                .iter()
                .map(|e| {
                    let known = Known::Element {
                        shape: shape(e),
                        layout: None,
                    };
                    let residual = known.residual(evaluator, condition);
                    (e.name.to_string(), residual)
                })
                .collect()
        })
    }

    /// The names of the elements the rule may hold for: those whose specialised condition is
    /// not `false`.
    fn may_hold_for(condition: &str) -> Vec<String> {
        element_residuals(condition)
            .into_iter()
            .filter(|(_, residual)| !matches!(residual, Expr::Bool(false)))
            .map(|(name, _)| name)
            .collect()
    }

    /// The flows (`source->target`) a flow rule may hold for.
    fn flow_may_hold_for(condition: &str) -> Vec<String> {
        deciding("flow f", condition, |model, evaluator, condition| {
            model
                .flows
                .iter()
                .filter(|f| {
                    let (source, target) = (model.element(f.source), model.element(f.target));
                    let known = Known::Flow {
                        source: shape(source),
                        target: shape(target),
                        layout: None,
                    };
                    !matches!(known.residual(evaluator, condition), Expr::Bool(false))
                })
                .map(|f| {
                    let name = |e| &model.element(e).name;
                    format!("{}->{}", name(f.source), name(f.target))
                })
                .collect()
        })
    }

    #[test]
    fn a_flow_rule_is_ruled_out_by_its_ends_kinds_and_roles() {
        assert_eq!(
            flow_may_hold_for("f.target.role == store and f.crosses"),
            ["fn->db", "fn->t"]
        );
        assert_eq!(
            flow_may_hold_for("f.source.is(aws.lambda) and f.target.has(force_tls)"),
            ["fn->db"]
        );
        assert_eq!(
            flow_may_hold_for("f.target.kind.supports(encryption(cmk)) or f.source.role == actor"),
            ["user->fn", "fn->db", "fn->t"]
        );
        // The flow's own attributes are not known from its ends.
        assert_eq!(
            flow_may_hold_for("f.authn == none"),
            ["user->fn", "fn->db", "fn->t"]
        );
        assert_eq!(
            flow_may_hold_for("f.source.role == store and f.authn == none"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_role_test_rules_out_the_other_roles() {
        assert_eq!(may_hold_for("e.role == store and e.exposed"), ["db", "t"]);
        assert_eq!(may_hold_for("e.role != store"), ["user", "fn"]);
    }

    #[test]
    fn a_kind_test_rules_out_the_other_kinds() {
        assert_eq!(may_hold_for("e.is(aws.rds) and e.exposed"), ["db"]);
        assert_eq!(may_hold_for("not e.is(aws.rds)"), ["user", "fn", "t"]);
        assert_eq!(
            may_hold_for("e.kind.supports(encryption(cmk)) and e.exposed"),
            ["fn", "db", "t"]
        );
    }

    #[test]
    fn an_attribute_the_kind_does_not_have_is_absent() {
        assert_eq!(may_hold_for("e.has(force_tls) and e.exposed"), ["db"]);
        assert_eq!(may_hold_for("e.force_tls and e.exposed"), ["db"]);
        assert_eq!(
            may_hold_for("not e.force_tls and e.exposed"),
            ["user", "fn", "db", "t"]
        );
        // Every declaration may have an owner.
        assert_eq!(may_hold_for("e.has(owner)"), ["user", "fn", "db", "t"]);
    }

    #[test]
    fn what_depends_on_the_element_keeps_the_rule() {
        assert_eq!(may_hold_for("e.exposed"), ["user", "fn", "db", "t"]);
        assert_eq!(
            may_hold_for("e.role == store or e.exposed"),
            ["user", "fn", "db", "t"]
        );
        assert_eq!(
            may_hold_for("e.data.any(d => d.classification.level > 2)"),
            ["user", "fn", "db", "t"]
        );
    }

    /// The condition left for each element, as debug text.
    fn residuals(condition: &str) -> Vec<String> {
        element_residuals(condition)
            .into_iter()
            .map(|(name, residual)| format!("{name}: {residual:?}"))
            .collect()
    }

    #[test]
    fn what_the_shape_decides_is_folded_out_of_the_condition() {
        let exposed = "Field(Var(0), Exposed)";
        assert_eq!(
            residuals("e.role == store and e.exposed"),
            [
                "user: Bool(false)".to_string(),
                "fn: Bool(false)".to_string(),
                format!("db: {exposed}"),
                format!("t: {exposed}"),
            ]
        );
        assert_eq!(
            residuals("e.role == store or not e.exposed"),
            [
                format!("user: Not({exposed})"),
                format!("fn: Not({exposed})"),
                "db: Bool(true)".to_string(),
                "t: Bool(true)".to_string(),
            ]
        );
        // A decided part that is not a boolean counts by its truth: an attribute the kind
        // cannot have is absent, so false.
        assert_eq!(
            residuals("e.force_tls or e.exposed")[1],
            format!("fn: {exposed}")
        );
    }

    #[test]
    fn an_or_of_known_parts_is_known() {
        assert_eq!(
            may_hold_for("(e.role == store or e.role == actor) and e.exposed"),
            ["user", "db", "t"]
        );
        assert_eq!(may_hold_for("e.role == queue or e.is(aws.lambda)"), ["fn"]);
    }

    #[test]
    fn an_attribute_not_written_is_its_default_for_a_whole_layout() {
        let text = "use aws\nfunction plain : aws.lambda\nfunction traced : aws.lambda { tracing on }\n\
             rule X-1 \"x\" {\n  for process p\n  where p.has(tracing) and not p.tracing and p.exposed\n\
             severity low\n  stride tampering\n  message \"m\"\n}\n";
        let residuals: Vec<String> =
            deciding_in(compile_clean(text), |model, evaluator, condition| {
                model
                    .elements
                    .iter()
                    .map(|element| {
                        let known = Known::Element {
                            shape: shape(element),
                            layout: Some(&element.attrs),
                        };
                        format!("{:?}", known.residual(evaluator, condition))
                    })
                    .collect()
            });
        // `tracing` defaults to off: for every lambda that does not write it, only the
        // exposure is left to evaluate.
        assert_eq!(residuals[0], "Field(Var(0), Exposed)");
        // Written, its value is the element's own.
        assert_eq!(
            residuals[1],
            "Binary(And, Not(Attr(Var(0), \"tracing\")), Field(Var(0), Exposed))"
        );
    }
}
