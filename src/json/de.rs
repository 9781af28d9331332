//! Reads a parsed JSON value (what `JSON.parse` returns) into Rust types. serde-wasm-bindgen
//! does the same for any JavaScript value, but its errors say what was wrong ("invalid
//! type: floating point `1.5`, expected a string"), and that text brought float printing
//! and every type's description into the first load. The app only ever asks whether a
//! value has the expected shape, so here an error is just [`Invalid`].

use js_sys::{Array, Number, Object, Reflect};
use serde::de::{self, value::SeqDeserializer, IntoDeserializer, Visitor};
use wasm_bindgen::{JsCast, JsValue};

/// The value does not have the shape asked for. What exactly is not kept.
#[derive(Debug)]
pub struct Invalid;

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("unexpected JSON shape")
    }
}

impl std::error::Error for Invalid {}

impl de::Error for Invalid {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Invalid
    }
}

type Result<T> = std::result::Result<T, Invalid>;

/// One value: null, a boolean, a number, a string, an array or a plain object.
pub struct Value(pub JsValue);

impl Value {
    fn integer(&self) -> Option<i64> {
        Number::is_safe_integer(&self.0).then(|| self.0.as_f64().unwrap_or_default() as i64)
    }

    fn object(&self) -> Option<&Object> {
        (self.0.is_object() && !Array::is_array(&self.0)).then(|| self.0.unchecked_ref())
    }
}

impl<'de> IntoDeserializer<'de, Invalid> for Value {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> de::Deserializer<'de> for Value {
    type Error = Invalid;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.0.is_null() || self.0.is_undefined() {
            visitor.visit_unit()
        } else if let Some(v) = self.0.as_bool() {
            visitor.visit_bool(v)
        } else if let Some(v) = self.integer() {
            visitor.visit_i64(v)
        } else if let Some(v) = self.0.as_f64() {
            visitor.visit_f64(v)
        } else if let Some(v) = self.0.as_string() {
            visitor.visit_string(v)
        } else if Array::is_array(&self.0) {
            self.deserialize_seq(visitor)
        } else {
            self.deserialize_map(visitor)
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_bool(self.0.as_bool().ok_or(Invalid)?)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_i64(self.integer().ok_or(Invalid)?)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let v = self.integer().ok_or(Invalid)?;
        visitor.visit_u64(u64::try_from(v).map_err(|_| Invalid)?)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_f64(self.0.as_f64().ok_or(Invalid)?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_string(self.0.as_string().ok_or(Invalid)?)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.0.is_null() || self.0.is_undefined() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.0.is_null() || self.0.is_undefined() {
            visitor.visit_unit()
        } else {
            Err(Invalid)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let array = self.0.dyn_into::<Array>().map_err(|_| Invalid)?;
        let mut items = SeqDeserializer::new(array.into_iter().map(Value));
        let value = visitor.visit_seq(&mut items)?;
        items.end()?;
        Ok(value)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let entries = Object::entries(self.object().ok_or(Invalid)?);
        visitor.visit_map(Entries {
            entries: entries.into_iter(),
            value: None,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let object = self.object().ok_or(Invalid)?.clone();
        visitor.visit_map(Fields {
            object,
            fields: fields.iter(),
            value: None,
        })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        if self.0.is_string() {
            return visitor.visit_enum(Variant(self, Value(JsValue::UNDEFINED)));
        }
        // `{"variant": content}`
        let entries = Object::entries(self.object().ok_or(Invalid)?);
        if entries.length() != 1 {
            return Err(Invalid);
        }
        let entry: Array = entries.get(0).unchecked_into();
        visitor.visit_enum(Variant(Value(entry.get(0)), Value(entry.get(1))))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_unit()
    }

    fn is_human_readable(&self) -> bool {
        true
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i128 u8 u16 u32 u128 f32 char str bytes byte_buf unit_struct tuple
        tuple_struct identifier
    }
}

/// An object read as a map: its own entries, keys as strings.
struct Entries {
    entries: js_sys::ArrayIntoIter,
    value: Option<JsValue>,
}

impl<'de> de::MapAccess<'de> for Entries {
    type Error = Invalid;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        let entry: Array = entry.unchecked_into();
        self.value = Some(entry.get(1));
        seed.deserialize(Value(entry.get(0))).map(Some)
    }

    fn next_value_seed<T: de::DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value> {
        seed.deserialize(Value(self.value.take().ok_or(Invalid)?))
    }
}

/// An object read as a struct: only the fields the struct has, looked up by name (an
/// absent field is left to the struct's defaults).
struct Fields {
    object: Object,
    fields: std::slice::Iter<'static, &'static str>,
    value: Option<JsValue>,
}

impl<'de> de::MapAccess<'de> for Fields {
    type Error = Invalid;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        for field in &mut self.fields {
            let value =
                Reflect::get(&self.object, &JsValue::from_str(field)).map_err(|_| Invalid)?;
            if !value.is_undefined() {
                self.value = Some(value);
                return seed.deserialize(field.into_deserializer()).map(Some);
            }
        }
        Ok(None)
    }

    fn next_value_seed<T: de::DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value> {
        seed.deserialize(Value(self.value.take().ok_or(Invalid)?))
    }
}

/// An enum's variant: its name, and its content (undefined for a unit variant).
struct Variant(Value, Value);

impl<'de> de::EnumAccess<'de> for Variant {
    type Error = Invalid;
    type Variant = Value;

    fn variant_seed<V: de::DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Value)> {
        Ok((seed.deserialize(self.0)?, self.1))
    }
}

impl<'de> de::VariantAccess<'de> for Value {
    type Error = Invalid;

    fn unit_variant(self) -> Result<()> {
        de::Deserialize::deserialize(self)
    }

    fn newtype_variant_seed<T: de::DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        de::Deserializer::deserialize_struct(self, "", fields, visitor)
    }
}
