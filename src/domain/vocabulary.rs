//! The shared shape of every controlled vocabulary: an enum whose variants map to exact
//! text codes at the edges (JSON, database, form fields) and to a label for people.
//! Deserializing an unknown code fails with the list of known ones, which the API turns
//! into a 422 next to the field.

/// Serde as the text code, for an enum that has `as_str`, `parse` and `CODES`.
macro_rules! code_serde {
    ($name:ident) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                $name::parse(&raw)
                    .ok_or_else(|| serde::de::Error::unknown_variant(&raw, $name::CODES))
            }
        }
    };
}
pub(crate) use code_serde;

/// A vocabulary with a label per code: the enum, `ALL`, `CODES`, `as_str`, `label`,
/// `parse` and serde as the code.
macro_rules! code_list {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal : $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        #[allow(dead_code)]
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const CODES: &'static [&'static str] = &[$($code),+];
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $code),+ } }
            pub fn label(self) -> &'static str { match self { $($name::$variant => $label),+ } }
            pub fn parse(raw: &str) -> Option<Self> { match raw { $($code => Some($name::$variant),)+ _ => None } }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        $crate::domain::vocabulary::code_serde!($name);
    };
}
pub(crate) use code_list;
