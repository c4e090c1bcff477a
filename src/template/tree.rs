//! The tree a template is read into: YAML and JSON alike, with CloudFormation's short-form tags
//! already turned into their long forms (`!Ref x` is `{"Ref": "x"}`, `!GetAtt a.b` is
//! `{"Fn::GetAtt": ["a", "b"]}`), and every node's line and column kept for diagnostics.

/// A node of a template, located.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    /// 1-based line and column of the node's start.
    pub line: usize,
    pub column: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// Numbers keep their text: templates compare them as strings more often than not.
    Number(String),
    Str(String),
    Seq(Vec<Node>),
    /// Keys in template order; duplicates were rejected when reading.
    Map(Vec<(String, Node)>),
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A path of keys: `node.at(&["Properties", "VpcConfig"])`.
    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) | Value::Number(s) => Some(s),
            _ => None,
        }
    }

    /// `true`, `"true"`, `"True"` and friends; CloudFormation accepts strings for booleans.
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            Value::Str(s) => match s.to_ascii_lowercase().as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(String, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    /// The logical id a `Ref` or `Fn::GetAtt` points at, if this node is one.
    pub fn reference(&self) -> Option<&str> {
        if let Some(target) = self.get("Ref") {
            return target.as_str();
        }
        let att = self.get("Fn::GetAtt")?;
        match &att.value {
            Value::Seq(parts) => parts.first()?.as_str(),
            Value::Str(s) => s.split('.').next(),
            _ => None,
        }
    }
}
