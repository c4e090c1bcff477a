//! A filled-in template kept as its parts: the template's text around its placeholders, shared
//! by every finding of the rule, and one finding's values. It shows, compares and serializes as
//! the joined text, so a model with millions of findings keeps one copy of a rule's prose.

use serde::{Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct Filled {
    /// The texts before, between and after the values: one more than there are values.
    texts: Arc<[Box<str>]>,
    values: Box<[Box<str>]>,
}

impl Filled {
    /// `values` placed between `texts`, which has one more entry.
    pub fn new(texts: Arc<[Box<str>]>, values: Box<[Box<str>]>) -> Filled {
        assert_eq!(
            texts.len(),
            values.len() + 1,
            "a value between every two texts"
        );
        Filled { texts, values }
    }

    /// The text's pieces in order.
    pub fn pieces(&self) -> impl Iterator<Item = &str> {
        let values = self.values.iter().map(|v| &**v).map(Some).chain([None]);
        self.texts
            .iter()
            .zip(values)
            .flat_map(|(text, value)| [Some(&**text), value])
            .flatten()
    }

    pub fn is_empty(&self) -> bool {
        self.pieces().all(str::is_empty)
    }
}

impl From<&str> for Filled {
    fn from(text: &str) -> Filled {
        Filled::new(Arc::new([Box::from(text)]), Box::new([]))
    }
}

impl fmt::Display for Filled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.pieces().try_for_each(|piece| f.write_str(piece))
    }
}

impl PartialEq for Filled {
    fn eq(&self, other: &Filled) -> bool {
        let mut mine = self.pieces().flat_map(str::bytes);
        let mut theirs = other.pieces().flat_map(str::bytes);
        loop {
            match (mine.next(), theirs.next()) {
                (None, None) => return true,
                (a, b) if a != b => return false,
                _ => {}
            }
        }
    }
}

impl Eq for Filled {}

impl Serialize for Filled {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::Filled;
    use std::sync::Arc;

    fn filled(texts: &[&str], values: &[&str]) -> Filled {
        Filled::new(
            texts
                .iter()
                .map(|t| Box::from(*t))
                .collect::<Vec<_>>()
                .into(),
            values.iter().map(|v| Box::from(*v)).collect(),
        )
    }

    #[test]
    fn it_reads_as_its_texts_and_values_joined() {
        let f = filled(
            &["Encrypt ", " with a key of ", ""],
            &["orders", "your own"],
        );
        assert_eq!(f.to_string(), "Encrypt orders with a key of your own");
        assert_eq!(
            serde_json::to_string(&f).unwrap(),
            "\"Encrypt orders with a key of your own\""
        );
        assert_eq!(f, Filled::from("Encrypt orders with a key of your own"));
        assert_ne!(f, Filled::from("Encrypt orders with a key of your own."));
        assert_ne!(
            f,
            filled(&["Encrypt ", " with a key of ", ""], &["order", "your own"])
        );
        assert!(!f.is_empty());
        assert!(filled(&["", ""], &[""]).is_empty());
        assert_eq!(
            Filled::new(Arc::new([Box::from("{x}")]), Box::new([])).to_string(),
            "{x}"
        );
    }
}
