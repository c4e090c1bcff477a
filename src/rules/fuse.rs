//! Rewrites a condition so that a value compared with several literals is read once:
//! `f.protocol == http or f.protocol == tcp or …` becomes one [`Expr::OneOf`], and
//! `e.encryption != cmk and e.encryption != none` its negation.
//!
//! Expressions have no effects, so the parts of an `or` (or `and`) may be regrouped: each
//! comparison joins the first one of its `or` that reads the same value, and the result holds
//! exactly when the condition did.

use super::ir::Expr;
use crate::syntax::ast::BinaryOp;

/// `condition` with its comparisons of one value against several literals joined.
pub fn fuse(condition: Expr) -> Expr {
    match condition {
        Expr::Binary(BinaryOp::Or, ..) => join(condition, BinaryOp::Or),
        Expr::Binary(BinaryOp::And, ..) => join(condition, BinaryOp::And),
        Expr::Not(inner) => Expr::Not(Box::new(fuse(*inner))),
        Expr::Quantifier(quantifier, list, slot, body) => {
            Expr::Quantifier(quantifier, list, slot, Box::new(fuse(*body)))
        }
        other => other,
    }
}

/// An `or` (with `==`) or an `and` (with `!=`), its comparisons with literals joined.
fn join(condition: Expr, connective: BinaryOp) -> Expr {
    let comparison = match connective {
        BinaryOp::Or => BinaryOp::Eq,
        _ => BinaryOp::Ne,
    };
    let mut parts = Vec::new();
    flatten(condition, connective, &mut parts);
    // Each part, or a value with the literals it is compared with, in order of first use.
    let mut joined: Vec<Part> = Vec::new();
    for part in parts {
        match compared_with_literal(part, comparison) {
            Ok((value, literal)) => {
                match joined
                    .iter_mut()
                    .find(|p| matches!(p, Part::Compared(v, _) if *v == value))
                {
                    Some(Part::Compared(_, literals)) => literals.push(literal),
                    _ => joined.push(Part::Compared(value, vec![literal])),
                }
            }
            Err(other) => joined.push(Part::Other(fuse(other))),
        }
    }
    joined
        .into_iter()
        .map(|part| match part {
            Part::Compared(value, mut literals) if literals.len() == 1 => {
                let literal = literals.pop().expect("one literal");
                Expr::Binary(comparison, Box::new(value), Box::new(literal))
            }
            Part::Compared(value, literals) => {
                let one_of = Expr::OneOf(Box::new(value), literals);
                match connective {
                    BinaryOp::Or => one_of,
                    _ => Expr::Not(Box::new(one_of)),
                }
            }
            Part::Other(expr) => expr,
        })
        .reduce(|l, r| Expr::Binary(connective, Box::new(l), Box::new(r)))
        .expect("a connective has parts")
}

enum Part {
    Compared(Expr, Vec<Expr>),
    Other(Expr),
}

/// The parts of a chain of `connective`s, left to right.
fn flatten(expr: Expr, connective: BinaryOp, parts: &mut Vec<Expr>) {
    match expr {
        Expr::Binary(op, l, r) if op == connective => {
            flatten(*l, connective, parts);
            flatten(*r, connective, parts);
        }
        other => parts.push(other),
    }
}

/// `(value, literal)` when `expr` compares a value with a literal by `comparison` (either way
/// round); the expression back otherwise.
fn compared_with_literal(expr: Expr, comparison: BinaryOp) -> Result<(Expr, Expr), Expr> {
    match expr {
        Expr::Binary(op, l, r) if op == comparison => match (is_literal(&l), is_literal(&r)) {
            (false, true) => Ok((*l, *r)),
            (true, false) => Ok((*r, *l)),
            _ => Err(Expr::Binary(op, l, r)),
        },
        other => Err(other),
    }
}

fn is_literal(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::Bool(_)
            | Expr::Int(_)
            | Expr::Str(_)
            | Expr::Sym(_)
            | Expr::Kind(_)
            | Expr::Element(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::ir::Field;

    fn protocol() -> Expr {
        Expr::Attr(Box::new(Expr::Var(0)), "protocol".into())
    }

    fn sym(name: &str) -> Expr {
        Expr::Sym(name.into())
    }

    fn binary(op: BinaryOp, l: Expr, r: Expr) -> Expr {
        Expr::Binary(op, Box::new(l), Box::new(r))
    }

    fn crosses() -> Expr {
        Expr::Field(Box::new(Expr::Var(0)), Field::Crosses)
    }

    #[test]
    fn comparisons_of_one_value_with_literals_are_joined() {
        let eq = |name| binary(BinaryOp::Eq, protocol(), sym(name));
        let condition = binary(
            BinaryOp::And,
            crosses(),
            binary(
                BinaryOp::Or,
                binary(BinaryOp::Or, eq("http"), eq("tcp")),
                binary(BinaryOp::Eq, sym("udp"), protocol()),
            ),
        );
        let expected = binary(
            BinaryOp::And,
            crosses(),
            Expr::OneOf(
                Box::new(protocol()),
                vec![sym("http"), sym("tcp"), sym("udp")],
            ),
        );
        assert_eq!(fuse(condition), expected);
    }

    #[test]
    fn inequalities_joined_by_and_become_a_negation() {
        let ne = |name| binary(BinaryOp::Ne, protocol(), sym(name));
        let condition = binary(
            BinaryOp::And,
            binary(BinaryOp::And, ne("cmk"), crosses()),
            ne("none"),
        );
        let expected = binary(
            BinaryOp::And,
            Expr::Not(Box::new(Expr::OneOf(
                Box::new(protocol()),
                vec![sym("cmk"), sym("none")],
            ))),
            crosses(),
        );
        assert_eq!(fuse(condition), expected);
    }

    #[test]
    fn a_single_comparison_and_other_values_are_left_alone() {
        let condition = binary(
            BinaryOp::Or,
            binary(BinaryOp::Eq, protocol(), sym("http")),
            binary(
                BinaryOp::Eq,
                Expr::Attr(Box::new(Expr::Var(0)), "via".into()),
                sym("tcp"),
            ),
        );
        assert_eq!(fuse(condition.clone()), condition);
        // `==` under an `and` is not joined (that would be a different test).
        let both = binary(
            BinaryOp::And,
            binary(BinaryOp::Eq, protocol(), sym("http")),
            binary(BinaryOp::Eq, protocol(), sym("tcp")),
        );
        assert_eq!(fuse(both.clone()), both);
    }
}
