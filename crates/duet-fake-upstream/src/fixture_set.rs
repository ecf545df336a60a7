//! Captured response bodies embedded at compile time, parsed once, looked up by file name
//! (each service module embeds its own list).

use serde_json::Value;

pub(crate) struct FixtureSet {
    parsed: Vec<(&'static str, Value)>,
}

impl FixtureSet {
    /// Parses `(file name, text)` pairs. A fixture that is not JSON parses as `Null` (and fails
    /// its service's `fixtures_parse` test) rather than panicking inside a request.
    pub(crate) fn parse(raw: &[(&'static str, &'static str)]) -> Self {
        Self {
            parsed: raw
                .iter()
                .map(|(n, t)| (*n, serde_json::from_str(t).unwrap_or(Value::Null)))
                .collect(),
        }
    }

    /// The parsed body of `name`; `Value::Null` for an unknown name, which the fixture tests
    /// rule out.
    pub(crate) fn get(&self, name: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.parsed
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
            .unwrap_or(&NULL)
    }

    /// A clone of `name`.
    pub(crate) fn owned(&self, name: &str) -> Value {
        self.get(name).clone()
    }

    /// A string field of a body collection (ptlogin2 / WeChat poll texts).
    pub(crate) fn text(&self, name: &str, key: &str) -> &str {
        self.get(name)[key].as_str().unwrap_or("")
    }
}
