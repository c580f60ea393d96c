//! Decoding a submitted layout, with a JSON pointer to every value that does not fit the
//! shape.

use std::fmt::Write as _;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::error::Problems;
use super::{Block, Layout, LayoutError, LayoutErrorCode, MAX_LAYOUT_BYTES, Size};

impl Layout {
    /// Decodes a submitted layout. Every block is decoded even when an earlier one fails,
    /// so the designer sees one error per broken block; within a block serde stops at the
    /// first problem. Checks meaning only as far as the types do: call [`Layout::validate`].
    pub fn parse(json: &[u8]) -> Result<Layout, Vec<LayoutError>> {
        if json.len() > MAX_LAYOUT_BYTES {
            return Err(vec![LayoutError::new(
                "",
                LayoutErrorCode::TooLarge,
                format!(
                    "layout is {} bytes, at most {MAX_LAYOUT_BYTES} are accepted",
                    json.len()
                ),
            )]);
        }

        // Blocks are decoded one by one from a JSON value: an internally tagged enum
        // buffers its content, which would lose the path below `/blocks/N`.
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct RawLayout {
            canvas: Size,
            blocks: Vec<serde_json::Value>,
        }

        let mut deserializer = serde_json::Deserializer::from_slice(json);
        let raw: RawLayout = serde_path_to_error::deserialize(&mut deserializer)
            .map_err(|error| vec![decode_error("", error)])?;
        deserializer.end().map_err(|error| {
            vec![LayoutError::new(
                "",
                LayoutErrorCode::InvalidJson,
                error.to_string(),
            )]
        })?;

        let mut problems = Problems::default();
        let mut blocks = Vec::with_capacity(raw.blocks.len());
        for (index, value) in raw.blocks.into_iter().enumerate() {
            match decode_block(index, value) {
                Ok(block) => blocks.push(block),
                Err(error) => problems.push(error),
            }
        }
        problems.finish()?;
        Ok(Layout {
            canvas: raw.canvas,
            blocks,
        })
    }
}

fn decode_block(index: usize, value: serde_json::Value) -> Result<Block, LayoutError> {
    let pointer = format!("/blocks/{index}");
    let serde_json::Value::Object(mut fields) = value else {
        return Err(LayoutError::new(
            pointer,
            LayoutErrorCode::InvalidType,
            "expected a block object",
        ));
    };
    let block_type = match fields.remove("type") {
        Some(serde_json::Value::String(block_type)) => block_type,
        Some(_) => {
            return Err(LayoutError::new(
                pointer + "/type",
                LayoutErrorCode::InvalidType,
                "expected the block type as a string",
            ));
        }
        None => {
            return Err(LayoutError::new(
                pointer + "/type",
                LayoutErrorCode::MissingField,
                "missing field `type`",
            ));
        }
    };
    let rest = serde_json::Value::Object(fields);
    match block_type.as_str() {
        "seated_grid" => decode(&pointer, rest).map(Block::SeatedGrid),
        "standing" => decode(&pointer, rest).map(Block::Standing),
        "non_sellable" => decode(&pointer, rest).map(Block::NonSellable),
        other => Err(LayoutError::new(
            pointer + "/type",
            LayoutErrorCode::InvalidValue,
            format!(
                "unknown block type `{}`, expected `seated_grid`, `standing` or `non_sellable`",
                other.escape_debug()
            ),
        )),
    }
}

fn decode<T: DeserializeOwned>(prefix: &str, value: serde_json::Value) -> Result<T, LayoutError> {
    serde_path_to_error::deserialize(value).map_err(|error| decode_error(prefix, error))
}

fn decode_error(prefix: &str, error: serde_path_to_error::Error<serde_json::Error>) -> LayoutError {
    let mut pointer = prefix.to_owned();
    for segment in error.path() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => {
                let _ = write!(pointer, "/{index}");
            }
            serde_path_to_error::Segment::Map { key } => push_pointer_token(&mut pointer, key),
            serde_path_to_error::Segment::Enum { variant } => {
                push_pointer_token(&mut pointer, variant);
            }
            serde_path_to_error::Segment::Unknown => {}
        }
    }
    let inner = error.into_inner();
    let message = inner.to_string();
    // serde_json does not expose what kind of data error it met, only serde's wording.
    let code = if inner.is_syntax() || inner.is_eof() {
        LayoutErrorCode::InvalidJson
    } else if message.starts_with("unknown field") {
        LayoutErrorCode::UnknownField
    } else if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        // Point at the member that should be there, so the designer can highlight it.
        push_pointer_token(&mut pointer, field);
        LayoutErrorCode::MissingField
    } else if message.starts_with("invalid type") {
        LayoutErrorCode::InvalidType
    } else {
        LayoutErrorCode::InvalidValue
    };
    LayoutError::new(pointer, code, message)
}

/// Appends one reference token, escaped as RFC 6901 requires.
pub(super) fn push_pointer_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}
