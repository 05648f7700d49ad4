//! The values that serialise as their text deserialise from it, so that a
//! stored plan or a database's value reads back: through `FromStr`, or for
//! the values a roster may hold under older rules, through `from_stored`
//! (a valid value reads back as `FromStr` reads it, a legacy one as it is).

/// Implements `Deserialize` for each type through its `FromStr`.
macro_rules! deserialize_from_str {
    ($($ty:ty),* $(,)?) => {$(
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    )*};
}

deserialize_from_str!(
    crate::values::id::StudentId,
    crate::values::id::GuardianId,
    crate::values::id::SchoolId,
    crate::values::name::Name,
);

/// Implements `Deserialize` for each type through its `from_stored`.
macro_rules! deserialize_from_stored {
    ($($ty:ty),* $(,)?) => {$(
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                Ok(<$ty>::from_stored(&text))
            }
        }
    )*};
}

deserialize_from_stored!(
    crate::values::email::Email,
    crate::values::phone::Phone,
    crate::values::language::Language,
);
