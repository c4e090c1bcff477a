//! The table of diagnostic codes.
//!
//! Every diagnostic threatflow reports has a stable code (`TF0101`). Codes are grouped by
//! hundreds: `TF00xx` reading files, `TF01xx` syntax, `TF02xx` `use`, `TF03xx` names,
//! `TF04xx` kinds and attribute values, `TF05xx` flows, `TF06xx` data and boundaries,
//! `TF07xx` the model header, `TF08xx` rules and accepted risks, `TF09xx` deployed templates. Each is documented in
//! `docs/diagnostics.md` and has an error fixture under `tests/fixtures/err/`.

use serde::Serialize;

macro_rules! codes {
    ($($variant:ident = $id:literal, $title:literal;)*) => {
        /// A diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $($variant,)* }

        impl Code {
            /// Every code, in numeric order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable identifier, such as `TF0101`.
            pub fn id(self) -> &'static str {
                match self { $(Code::$variant => $id,)* }
            }

            /// A short title, used as the heading in `docs/diagnostics.md`.
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title,)* }
            }
        }
    };
}

codes! {
    InvalidUtf8 = "TF0001", "file is not valid UTF-8";
    BinaryFile = "TF0002", "binary file";
    EmptyFile = "TF0003", "file declares nothing";
    ByteOrderMark = "TF0004", "byte-order mark";
    UnreadableFile = "TF0005", "file cannot be read";
    ControlCharacter = "TF0006", "control character in source";
    CrlfLineEnds = "TF0007", "CRLF line ends";
    FileTooLarge = "TF0008", "file too large";
    SyntaxError = "TF0101", "syntax error";
    UnterminatedString = "TF0102", "unterminated string";
    NestingTooDeep = "TF0103", "nesting too deep";
    UnclosedBrace = "TF0104", "unclosed brace";
    UnmatchedClose = "TF0105", "unmatched closing bracket";
    InvalidEscape = "TF0106", "invalid escape in string";
    IntegerOutOfRange = "TF0107", "integer too large";
    InvalidDate = "TF0108", "invalid date";
    InvalidRate = "TF0109", "invalid rate";
    ExpressionTooLong = "TF0110", "expression too long";
    UnknownModule = "TF0201", "unknown standard library module";
    UseNotFound = "TF0202", "used file cannot be read";
    UseCycle = "TF0203", "`use` cycle";
    DuplicateUse = "TF0204", "file used twice";
    UseTooDeep = "TF0205", "`use` chain too deep";
    DuplicateName = "TF0301", "duplicate name";
    UnknownElement = "TF0302", "unknown element";
    UnknownData = "TF0303", "unknown data item";
    UnknownClassification = "TF0304", "unknown classification";
    UnknownKind = "TF0305", "unknown kind";
    UnknownKeyword = "TF0306", "unknown element keyword";
    UnknownRule = "TF0307", "unknown rule";
    DuplicateDefinition = "TF0308", "duplicate definition";
    UnknownRole = "TF0309", "unknown role";
    UnknownCapability = "TF0310", "unknown capability";
    UnknownAttribute = "TF0401", "unknown attribute";
    WrongType = "TF0402", "wrong attribute type";
    DuplicateAttribute = "TF0403", "attribute set twice";
    MissingValue = "TF0404", "attribute without a value";
    TooManyValues = "TF0405", "too many values";
    UnknownVariant = "TF0406", "unknown value";
    WrongReferenceKind = "TF0407", "reference of the wrong kind";
    RoleMismatch = "TF0408", "keyword does not match the kind's role";
    KindNotAllowedHere = "TF0409", "kind cannot be used here";
    UnknownCapabilityOption = "TF0410", "unknown capability option";
    InvalidType = "TF0411", "invalid attribute type";
    InvalidResourceType = "TF0412", "invalid resource type";
    MissingAttribute = "TF0413", "required attribute missing";
    ValueOutOfRange = "TF0414", "value out of range";
    FlowEndpointNotElement = "TF0501", "flow endpoint is not an element";
    SelfFlow = "TF0502", "flow from an element to itself";
    FlowWithoutData = "TF0503", "flow carries no data";
    DuplicateFlow = "TF0504", "duplicate flow";
    UnusedData = "TF0601", "data item never flows";
    UnusedClassification = "TF0602", "classification never used";
    EmptyBoundary = "TF0603", "empty boundary";
    MissingModelHeader = "TF0701", "no model header";
    DuplicateModelHeader = "TF0702", "more than one model header";
    ModelHeaderInUsedFile = "TF0703", "model header in a used file";
    InvalidRuleId = "TF0801", "invalid rule id";
    MissingRuleClause = "TF0802", "rule without `for` or `where`";
    DuplicateRuleClause = "TF0803", "rule clause given twice";
    AcceptExpired = "TF0804", "accepted risk has expired";
    RuleUnknownMember = "TF0805", "unknown member in a rule";
    RuleTypeError = "TF0806", "type error in a rule";
    RuleUnknownName = "TF0807", "unknown name in a rule";
    RulePlaceholder = "TF0808", "invalid placeholder";
    AcceptUnused = "TF0809", "accepted risk matches no finding";
    RuleWithoutSeverity = "TF0810", "rule without a severity";
    UnknownDisabledRule = "TF0811", "disabled rule does not exist";
    AcceptWithoutExpiry = "TF0812", "accepted risk never expires";
    TemplateUnreadable = "TF0901", "template cannot be read";
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_sorted() {
        let ids: Vec<&str> = Code::ALL.iter().map(|c| c.id()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted);
    }
}
