//! A string that must never reach a log: tokens, secret keys, session tokens.

use std::fmt;

/// Holds a secret. `Debug` prints a placeholder, there is no `Display`; read it with
/// [`Secret::expose`] only where it goes on the wire, to the caller or to a store (it serializes
/// as the plain string, for the stores that keep sessions).
#[derive(Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Secret {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Secret {
        Secret(s.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("hunter2-token");
        assert_eq!(s.expose(), "hunter2-token");
        assert!(!format!("{s:?}").contains("hunter2"));
        assert!(!format!("{:#?}", vec![s]).contains("hunter2"));
    }
}
