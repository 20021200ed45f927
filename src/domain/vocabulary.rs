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

        impl $crate::domain::vocabulary::Vocabulary for $name {
            fn every() -> &'static [Self] { Self::ALL }
            fn code(self) -> &'static str { self.as_str() }
            fn display(self) -> &'static str { self.label() }
        }
    };
}
pub(crate) use code_list;

/// Every code of a vocabulary with its label: what a published code system lists (the
/// FHIR export's `CodeSystem`s are built from these, so they cannot drift from the API).
pub trait Vocabulary: Copy + 'static {
    fn every() -> &'static [Self];
    fn code(self) -> &'static str;
    fn display(self) -> &'static str;
}

/// [`Vocabulary`] for an enum of `vocabulary!` (in `clinical::codes`) that has a
/// `label` beside it.
macro_rules! labelled {
    ($($name:ty),+ $(,)?) => {$(
        impl $crate::domain::vocabulary::Vocabulary for $name {
            fn every() -> &'static [Self] { <$name>::ALL }
            fn code(self) -> &'static str { self.as_str() }
            fn display(self) -> &'static str { self.label() }
        }
    )+};
}
pub(crate) use labelled;
