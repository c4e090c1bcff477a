//! Which element rules can hold for the elements of one kind and role, decided once per kind
//! instead of once per element.
//!
//! Most rules open with a test of the subject's role or kind (`e.role == store and …`,
//! `e.kind.supports(encryption(cmk)) and …`, `p.has(authorizer)`, which no element of a kind
//! without that attribute has). Those parts read nothing of the element but its kind and role,
//! so they are evaluated once for each kind and role present; a rule whose
//! condition is then known to be false is never run on those elements. Everything else is left
//! unknown, and a rule that might hold is evaluated in full, so the findings are exactly those of
//! evaluating every rule on every element.

use super::eval::{self, Evaluator, Value};
use super::ir::{Expr, Field, Method, Target};
use crate::model::{KindId, RoleId};
use crate::resolve::can_have;
use crate::syntax::ast::BinaryOp;
use std::borrow::Cow;

/// The slot of a rule's subject in the evaluator's environment.
const SUBJECT: usize = 0;

/// Whether `condition` can hold for an element of `kind` and `role`: false only when the parts
/// that depend on the kind and role alone already make it false.
pub fn may_hold<'a>(
    evaluator: &mut Evaluator<'a, '_>,
    condition: &'a Expr,
    kind: KindId,
    role: RoleId,
) -> bool {
    let known = Known { kind, role };
    !matches!(known.value(evaluator, condition), Some(v) if !v.truthy())
}

/// What is known of the subject: its kind and role.
struct Known {
    kind: KindId,
    role: RoleId,
}

impl Known {
    /// The expression's value for every element of the kind and role, or `None` when it
    /// depends on more than that.
    fn value<'a>(&self, ev: &mut Evaluator<'a, '_>, expr: &'a Expr) -> Option<Value<'a>> {
        let model = ev.graph.model;
        match expr {
            Expr::Bool(_)
            | Expr::Int(_)
            | Expr::Str(_)
            | Expr::Sym(_)
            | Expr::Kind(_)
            | Expr::Element(_) => Some(ev.eval(expr)),
            Expr::Var(_) | Expr::Quantifier(..) => None,
            Expr::Field(base, field) => match (&**base, field) {
                (Expr::Var(SUBJECT), Field::Kind) => Some(Value::Kind(self.kind)),
                (Expr::Var(SUBJECT), Field::Role) => {
                    Some(Value::Sym(Cow::Borrowed(&model.role(self.role).name)))
                }
                _ => {
                    let base = self.value(ev, base)?;
                    Some(ev.field(&base, *field))
                }
            },
            Expr::Attr(base, name) => match &**base {
                Expr::Var(SUBJECT) if !can_have(model.kind(self.kind), name) => Some(Value::Absent),
                _ => {
                    let base = self.value(ev, base)?;
                    Some(eval::attribute(model, &base, name))
                }
            },
            Expr::Method(base, method) => match (&**base, method) {
                (Expr::Var(SUBJECT), Method::Is(Target::Kind(kind))) => {
                    Some(Value::Bool(*kind == self.kind))
                }
                (Expr::Var(SUBJECT), Method::Is(Target::Role(role))) => {
                    Some(Value::Bool(*role == self.role))
                }
                (Expr::Var(SUBJECT), Method::Has(name))
                    if !can_have(model.kind(self.kind), name) =>
                {
                    Some(Value::Bool(false))
                }
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
    use crate::compile::{Compilation, Options, compile};
    use crate::graph::Graph;
    use crate::load::{LoadedFile, NoFiles};

    /// A model with one element of each kind used below and one rule whose condition is
    /// `condition`.
    fn with_rule(condition: &str) -> Compilation {
        let text = format!(
            "use aws\nboundary internet : internet {{ actor user }}\n\
             function fn : aws.lambda\nstore db : aws.rds\nstore t : aws.dynamodb\n\
             rule X-1 \"x\" {{\n  for element e\n  where {condition}\n  severity low\n  stride tampering\n  message \"m\"\n}}\n"
        );
        let root = LoadedFile {
            key: "m.flow".into(),
            name: "m.flow".into(),
            bytes: text.into(),
        };
        let today = time::Date::from_calendar_date(2026, time::Month::June, 1).unwrap();
        let compilation = compile(root, &mut NoFiles, Options::new(today));
        assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
        compilation
    }

    /// The names of the elements the rule may hold for.
    fn may_hold_for(condition: &str) -> Vec<String> {
        let compilation = with_rule(condition);
        let model = &compilation.model;
        let graph = Graph::build(model);
        let reach = eval::ReachCache::new();
        let mut evaluator = Evaluator {
            graph: &graph,
            env: Vec::new(),
            reach: &reach,
        };
        let rule = compilation.rules.iter().find(|r| r.id == "X-1").unwrap();
        model
            .elements
            .iter()
            .filter(|e| may_hold(&mut evaluator, &rule.condition, e.kind, e.role))
            .map(|e| e.name.clone())
            .collect()
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

    #[test]
    fn an_or_of_known_parts_is_known() {
        assert_eq!(
            may_hold_for("(e.role == store or e.role == actor) and e.exposed"),
            ["user", "db", "t"]
        );
        assert_eq!(may_hold_for("e.role == queue or e.is(aws.lambda)"), ["fn"]);
    }
}
