//! Type-checking a rule's `where` expression and its `{placeholders}` into the checked
//! [`ir`](super::ir): every member is looked up in the schema of what it is read from, every
//! literal is checked against what it is compared with, and every mistake is a diagnostic with
//! the span of the offending part.

use super::ir::{Expr, Method, Quantifier, Target};
use super::types::{self, Ty};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::*;
use crate::suggest::did_you_mean;
use crate::syntax::ast::{self, BinaryOp, ExprKind};

/// Checks expressions of one rule; collects diagnostics.
pub struct Checker<'m> {
    pub model: &'m Model,
    /// Variables in scope: the subject, then lambda parameters, innermost last.
    scope: Vec<(String, Ty)>,
    pub diagnostics: Vec<Diagnostic>,
}

type Checked = Option<(Expr, Ty)>;

impl<'m> Checker<'m> {
    pub fn new(model: &'m Model, var: &str, subject: Ty) -> Checker<'m> {
        Checker {
            model,
            scope: vec![(var.to_string(), subject)],
            diagnostics: Vec::new(),
        }
    }

    fn error(&mut self, code: Code, span: crate::span::Span, message: String, label: &str) {
        self.diagnostics
            .push(Diagnostic::error(code, message).with_primary(span, label));
    }

    fn error_help(
        &mut self,
        code: Code,
        span: crate::span::Span,
        message: String,
        label: &str,
        help: Option<String>,
    ) {
        self.diagnostics.push(
            Diagnostic::error(code, message)
                .with_primary(span, label)
                .with_optional_help(help),
        );
    }

    /// Checks a condition: it must be a boolean.
    pub fn condition(&mut self, expr: &ast::Expr) -> Option<Expr> {
        let (checked, ty) = self.expr(expr)?;
        self.expect(expr, &ty, &Ty::Bool, "a condition")?;
        Some(checked)
    }

    /// Checks a placeholder: anything but a lambda.
    pub fn value(&mut self, expr: &ast::Expr) -> Option<Expr> {
        self.expr(expr).map(|(e, _)| e)
    }

    fn expect(&mut self, expr: &ast::Expr, ty: &Ty, want: &Ty, what: &str) -> Option<()> {
        if ty == want || *ty == Ty::Any {
            return Some(());
        }
        self.error(
            Code::RuleTypeError,
            expr.span,
            format!("{what} must be {want}, but this is {ty}"),
            &format!("{ty}"),
        );
        None
    }

    fn expr(&mut self, expr: &ast::Expr) -> Checked {
        match &expr.kind {
            ExprKind::Int(n) => Some((Expr::Int(*n), Ty::Int)),
            ExprKind::Str(s) => Some((Expr::Str(s.clone()), Ty::Str)),
            ExprKind::Name(name) => Some(self.name(name)),
            ExprKind::Not(inner) => {
                let (e, ty) = self.expr(inner)?;
                self.expect(inner, &ty, &Ty::Bool, "the operand of `not`")?;
                Some((Expr::Not(Box::new(e)), Ty::Bool))
            }
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs),
            ExprKind::Lambda { .. } => {
                self.error(
                    Code::RuleTypeError,
                    expr.span,
                    "a lambda (`x => …`) is only allowed as the argument of any, all, count or filter"
                        .into(),
                    "not allowed here",
                );
                None
            }
            ExprKind::Call { name, .. } => {
                self.error_help(
                    Code::RuleUnknownName,
                    name.span,
                    format!("there is no function `{}`", name.name),
                    "unknown function",
                    Some("functions are called on a value: `s.kind.supports(encryption(cmk))`, `s.within(aws.vpc)`".into()),
                );
                None
            }
            ExprKind::Member { base, name, args } => {
                if let Some(path) = self.path_literal(expr) {
                    return Some((Expr::Sym(path), Ty::Sym(Vec::new())));
                }
                let (base_expr, base_ty) = self.expr(base)?;
                match args {
                    None => self.field(base_expr, &base_ty, name),
                    Some(args) => self.method(base_expr, &base_ty, name, args, expr),
                }
            }
        }
    }

    fn name(&self, name: &str) -> (Expr, Ty) {
        if let Some(slot) = self.scope.iter().rposition(|(n, _)| n == name) {
            return (Expr::Var(slot), self.scope[slot].1.clone());
        }
        match name {
            "on" | "true" => (Expr::Bool(true), Ty::Bool),
            "off" | "false" => (Expr::Bool(false), Ty::Bool),
            _ => (Expr::Sym(name.to_string()), Ty::Sym(Vec::new())),
        }
    }

    /// `aws.vpc` where `aws` is not a variable: a dotted word (a kind name, usually).
    fn path_literal(&self, expr: &ast::Expr) -> Option<String> {
        match &expr.kind {
            ExprKind::Name(name) if !self.scope.iter().any(|(n, _)| n == name) => {
                Some(name.clone())
            }
            ExprKind::Member {
                base,
                name,
                args: None,
            } => self
                .path_literal(base)
                .map(|b| format!("{b}.{}", name.name)),
            _ => None,
        }
    }

    fn field(&mut self, base: Expr, ty: &Ty, name: &ast::Ident) -> Checked {
        if let Some((field, field_ty)) = types::field(self.model, ty, &name.name) {
            return Some((Expr::Field(Box::new(base), field), field_ty));
        }
        if let Some(attr_ty) = types::attribute(self.model, ty, &name.name) {
            return Some((Expr::Attr(Box::new(base), name.name.to_string()), attr_ty));
        }
        // Unknown: the lists, for the help.
        let fields = types::fields(self.model, ty);
        let attributes = types::attributes(self.model, ty);
        let mut candidates: Vec<&str> = fields.iter().map(|(n, _, _)| *n).collect();
        candidates.extend(attributes.iter().map(|(n, _)| n.as_str()));
        let mut help = did_you_mean(&name.name, candidates.iter().copied());
        if help.is_none() && !candidates.is_empty() {
            let mut listed: Vec<&str> = candidates.clone();
            listed.sort_unstable();
            listed.dedup();
            help = Some(format!("{ty} has: {}", listed.join(", ")));
        }
        self.error_help(
            Code::RuleUnknownMember,
            name.span,
            format!("{ty} has no field or attribute `{}`", name.name),
            "unknown member",
            help,
        );
        None
    }

    fn method(
        &mut self,
        base: Expr,
        ty: &Ty,
        name: &ast::Ident,
        args: &[ast::Expr],
        whole: &ast::Expr,
    ) -> Checked {
        let method = name.name.as_str();
        let allowed = types::method_names(ty);
        if !allowed.contains(&method) {
            let help = did_you_mean(method, allowed.iter().copied()).or_else(|| {
                (!allowed.is_empty())
                    .then(|| format!("{ty} has the methods {}", allowed.join(", ")))
            });
            self.error_help(
                Code::RuleUnknownMember,
                name.span,
                format!("{ty} has no method `{method}`"),
                "unknown method",
                help,
            );
            return None;
        }
        let [arg] = args else {
            self.error(
                Code::RuleTypeError,
                whole.span,
                format!("`{method}` takes one argument, not {}", args.len()),
                "wrong number of arguments",
            );
            return None;
        };
        let base = Box::new(base);
        match method {
            "any" | "all" | "count" | "filter" => {
                let Ty::List(item) = ty else {
                    unreachable!("list methods on lists")
                };
                let ExprKind::Lambda { param, body } = &arg.kind else {
                    self.error_help(
                        Code::RuleTypeError,
                        arg.span,
                        format!("`{method}` takes a lambda"),
                        "not a lambda",
                        Some(format!("write `{method}(x => condition on x)`")),
                    );
                    return None;
                };
                self.scope.push((param.name.to_string(), (**item).clone()));
                let slot = self.scope.len() - 1;
                let checked = self.expr(body);
                self.scope.pop();
                let (body_expr, body_ty) = checked?;
                self.expect(body, &body_ty, &Ty::Bool, "the lambda's body")?;
                let (quantifier, result) = match method {
                    "any" => (Quantifier::Any, Ty::Bool),
                    "all" => (Quantifier::All, Ty::Bool),
                    "filter" => (Quantifier::Filter, ty.clone()),
                    _ => (Quantifier::Count, Ty::Int),
                };
                Some((
                    Expr::Quantifier(quantifier, base, slot, Box::new(body_expr)),
                    result,
                ))
            }
            "contains" => {
                let Ty::List(item) = ty else {
                    unreachable!("list methods on lists")
                };
                let (value, value_ty) = self.expr(arg)?;
                let value = self.coerce_literal(value, &value_ty, item, arg)?;
                Some((
                    Expr::Method(base, Method::Contains(Box::new(value))),
                    Ty::Bool,
                ))
            }
            "within" | "reaches" | "is" | "crosses" => {
                let target = self.target(arg)?;
                let method = match method {
                    "within" => Method::Within(target),
                    "reaches" => Method::Reaches(target),
                    "is" => Method::Is(target),
                    _ => Method::CrossesTarget(target),
                };
                Some((Expr::Method(base, method), Ty::Bool))
            }
            "has" => {
                let Some(attr) = self.path_literal(arg) else {
                    self.error(
                        Code::RuleTypeError,
                        arg.span,
                        "`has` takes an attribute name".into(),
                        "not a name",
                    );
                    return None;
                };
                if types::attribute(self.model, ty, &attr).is_none() {
                    let known = types::attributes(self.model, ty);
                    let help = did_you_mean(&attr, known.iter().map(|(n, _)| n.as_str()));
                    self.error_help(
                        Code::RuleUnknownMember,
                        arg.span,
                        format!("{ty} has no attribute `{attr}`"),
                        "unknown attribute",
                        help,
                    );
                    return None;
                }
                Some((Expr::Method(base, Method::Has(attr)), Ty::Bool))
            }
            "supports" | "alternatives" => {
                let (capability, option) = self.capability(arg)?;
                if method == "supports" {
                    Some((
                        Expr::Method(base, Method::Supports(capability, option)),
                        Ty::Bool,
                    ))
                } else {
                    Some((
                        Expr::Method(base, Method::Alternatives(capability, option)),
                        Ty::List(Box::new(Ty::Kind)),
                    ))
                }
            }
            "in_scope" => {
                let Some(programme) = self.path_literal(arg) else {
                    self.error(
                        Code::RuleTypeError,
                        arg.span,
                        "`in_scope` takes a compliance programme such as pci_dss".into(),
                        "not a name",
                    );
                    return None;
                };
                Some((Expr::Method(base, Method::InScope(programme)), Ty::Bool))
            }
            other => unreachable!("method {other} is listed but not checked"),
        }
    }

    /// A kind, role, boundary or element named by a method argument.
    fn target(&mut self, arg: &ast::Expr) -> Option<Target> {
        let Some(name) = self.path_literal(arg) else {
            self.error(
                Code::RuleTypeError,
                arg.span,
                "expected the name of a kind, role, boundary or element".into(),
                "not a name",
            );
            return None;
        };
        let model = self.model;
        if let Some(kind) = model.find_kind(&name) {
            return Some(Target::Kind(kind));
        }
        if let Some(i) = model
            .roles
            .iter()
            .position(|r| r.name == name || r.aliases.contains(&name))
        {
            return Some(Target::Role(RoleId(i as u32)));
        }
        if let Some(i) = model.boundaries.iter().position(|b| b.name == name) {
            return Some(Target::Boundary(BoundaryId(i as u32)));
        }
        if let Some(i) = model.elements.iter().position(|e| e.name == name) {
            return Some(Target::Element(ElementId(i as u32)));
        }
        let mut names: Vec<&str> = model.kinds.iter().map(|k| k.name.as_str()).collect();
        names.extend(model.roles.iter().map(|r| r.name.as_str()));
        names.extend(model.boundaries.iter().map(|b| b.name.as_str()));
        let help = did_you_mean(&name, names);
        self.error_help(
            Code::RuleUnknownName,
            arg.span,
            format!("there is no kind, role, boundary or element `{name}`"),
            "unknown name",
            help,
        );
        None
    }

    /// `encryption(cmk)` or `vpc_endpoint`.
    fn capability(&mut self, arg: &ast::Expr) -> Option<(String, Option<String>)> {
        let (name, option, option_span) = match &arg.kind {
            ExprKind::Name(name) => (name.clone(), None, arg.span),
            ExprKind::Call { name, args } if args.len() == 1 => match &args[0].kind {
                ExprKind::Name(option) => {
                    (name.name.to_string(), Some(option.clone()), args[0].span)
                }
                _ => (String::new(), None, arg.span),
            },
            _ => (String::new(), None, arg.span),
        };
        let model = self.model;
        let Some(capability) = model.capabilities.iter().find(|c| c.name == name) else {
            let help = did_you_mean(&name, model.capabilities.iter().map(|c| c.name.as_str()));
            self.error_help(
                Code::RuleUnknownName,
                arg.span,
                if name.is_empty() {
                    "expected a capability such as `encryption(cmk)` or `vpc_endpoint`".into()
                } else {
                    format!("there is no capability `{name}`")
                },
                "unknown capability",
                help,
            );
            return None;
        };
        if let Some(option) = &option
            && !capability.options.contains(option)
        {
            let help = did_you_mean(option, capability.options.iter().map(String::as_str));
            self.error_help(
                Code::RuleUnknownName,
                option_span,
                format!(
                    "`{name}` has no option `{option}` (options: {})",
                    capability.options.join(", ")
                ),
                "unknown option",
                help,
            );
            return None;
        }
        Some((name, option))
    }

    fn binary(&mut self, op: BinaryOp, lhs: &ast::Expr, rhs: &ast::Expr) -> Checked {
        // Both sides are checked before giving up, so one run reports every mistake.
        let left = self.expr(lhs);
        let right = self.expr(rhs);
        if matches!(op, BinaryOp::And | BinaryOp::Or) {
            let what = format!("each side of `{}`", op.as_str());
            let l_ok = left
                .as_ref()
                .and_then(|(_, t)| self.expect(lhs, t, &Ty::Bool, &what));
            let r_ok = right
                .as_ref()
                .and_then(|(_, t)| self.expect(rhs, t, &Ty::Bool, &what));
            let ((l, _), (r, _), _, _) = (left?, right?, l_ok?, r_ok?);
            return Some((Expr::Binary(op, Box::new(l), Box::new(r)), Ty::Bool));
        }
        let ((l, lt), (r, rt)) = (left?, right?);
        match op {
            BinaryOp::And | BinaryOp::Or => unreachable!("handled above"),
            BinaryOp::Eq | BinaryOp::Ne => {
                let (l, r) = if is_bare_word(&l, &lt) || matches!(l, Expr::Bool(_)) {
                    (self.coerce_literal(l, &lt, &rt, lhs)?, r)
                } else {
                    let r = self.coerce_literal(r, &rt, &lt, rhs)?;
                    (l, r)
                };
                Some((Expr::Binary(op, Box::new(l), Box::new(r)), Ty::Bool))
            }
            _ => {
                for (side, ty) in [(lhs, &lt), (rhs, &rt)] {
                    if !matches!(ty, Ty::Int | Ty::Date | Ty::Any) {
                        self.error(
                            Code::RuleTypeError,
                            side.span,
                            format!(
                                "`{}` compares integers or dates, but this is {ty}",
                                op.as_str()
                            ),
                            &format!("{ty}"),
                        );
                        return None;
                    }
                }
                Some((Expr::Binary(op, Box::new(l), Box::new(r)), Ty::Bool))
            }
        }
    }

    /// Makes `value` (of type `ty`) comparable with something of type `want`: a bare word
    /// becomes a kind or element when compared with one, and must be one of an enumeration's
    /// values. Other values must have the same type.
    fn coerce_literal(
        &mut self,
        value: Expr,
        ty: &Ty,
        want: &Ty,
        expr: &ast::Expr,
    ) -> Option<Expr> {
        let model = self.model;
        // `on` and `off` are booleans, except where an enumeration has them as values.
        if let (Expr::Bool(flag), Ty::Sym(values)) = (&value, want) {
            let word = if *flag { "on" } else { "off" };
            if values.iter().any(|v| v == word) {
                return Some(Expr::Sym(word.to_string()));
            }
        }
        if let Expr::Sym(word) = &value {
            match want {
                Ty::Kind => {
                    if let Some(kind) = model.find_kind(word) {
                        return Some(Expr::Kind(kind));
                    }
                    let help = did_you_mean(word, model.kinds.iter().map(|k| k.name.as_str()));
                    self.error_help(
                        Code::RuleUnknownName,
                        expr.span,
                        format!("there is no kind `{word}`"),
                        "unknown kind",
                        help,
                    );
                    return None;
                }
                Ty::Element(_) => {
                    if let Some(i) = model.elements.iter().position(|e| e.name == *word) {
                        return Some(Expr::Element(ElementId(i as u32)));
                    }
                    self.error(
                        Code::RuleUnknownName,
                        expr.span,
                        format!("there is no element `{word}`"),
                        "unknown element",
                    );
                    return None;
                }
                Ty::Sym(values) => {
                    // `none` also matches an attribute that is not set.
                    if values.is_empty() || values.contains(word) || word == "none" {
                        return Some(value);
                    }
                    let help = did_you_mean(word, values.iter().map(String::as_str))
                        .or_else(|| Some(format!("the values are {}", values.join(", "))));
                    self.error_help(
                        Code::RuleTypeError,
                        expr.span,
                        format!("`{word}` is not one of the values compared with"),
                        "not a possible value",
                        help,
                    );
                    return None;
                }
                Ty::Any => return Some(value),
                Ty::Bool | Ty::Int | Ty::Str | Ty::Date | Ty::Rate if word == "none" => {
                    return Some(value);
                }
                _ => {}
            }
        }
        if comparable(ty, want) {
            return Some(value);
        }
        self.error(
            Code::RuleTypeError,
            expr.span,
            format!("cannot compare {want} with {ty}"),
            &format!("{ty}"),
        );
        None
    }
}

fn is_bare_word(expr: &Expr, ty: &Ty) -> bool {
    matches!(expr, Expr::Sym(_)) && *ty == Ty::Sym(Vec::new())
}

fn comparable(a: &Ty, b: &Ty) -> bool {
    match (a, b) {
        (Ty::Any, _) | (_, Ty::Any) => true,
        (Ty::Sym(_), Ty::Sym(_)) | (Ty::Element(_), Ty::Element(_)) => true,
        (Ty::List(a), Ty::List(b)) => comparable(a, b),
        (a, b) => a == b,
    }
}

/// The type of a rule's subject.
pub fn subject_type(model: &Model, subject: Subject) -> Ty {
    match subject {
        Subject::Elements => Ty::Element(types::element_kinds(model)),
        Subject::Role(role) => Ty::Element(types::kinds_where(model, |k| k.role == role)),
        Subject::Kind(kind) => Ty::Element(vec![kind]),
        Subject::Flows => Ty::Flow,
    }
}
