//! Seat-map layouts: the shape the designer saves, command-service validates and stores as
//! JSONB, and the projector and order-service read back.
//!
//! Untrusted input goes through [`Layout::parse`] (shape, with JSON pointers to the
//! offending value) and then [`Layout::validate`] (meaning). The derived `Deserialize` is
//! for reading layouts that were validated when they were written.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Largest layout body the HTTP layer should accept, in bytes.
pub const MAX_LAYOUT_BYTES: usize = 16 * 1024 * 1024;
/// Most seats a layout may have, over all seated grids.
pub const MAX_SEATS: usize = 100_000;
/// Most standing places a layout may have, over all standing areas.
pub const MAX_STANDING_CAPACITY: u64 = 1_000_000;
/// Most blocks a layout may have.
pub const MAX_BLOCKS: usize = 1_000;
/// Most rows, and most columns, one seated grid may have.
pub const MAX_GRID_DIMENSION: u32 = 1_000;
/// Longest block or seat id, in characters.
pub const MAX_ID_LEN: usize = 64;
/// Longest seat, row, column or area label, in characters.
pub const MAX_LABEL_LEN: usize = 32;
/// Longest block name, in characters.
pub const MAX_NAME_LEN: usize = 200;
/// Largest coordinate or extent on the canvas.
pub const MAX_COORDINATE: f64 = 1_000_000.0;
/// Most problems one validation reports; a `too_many_errors` entry follows when it stopped
/// early, so a hostile payload cannot produce a huge response.
pub const MAX_REPORTED_ERRORS: usize = 100;

/// A whole seat map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    pub canvas: Size,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub const ORIGIN: Point = Point { x: 0.0, y: 0.0 };
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Size {
    pub width: f64,
    pub height: f64,
}

/// One element of the map, tagged by `"type"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    SeatedGrid(SeatedGrid),
    Standing(StandingArea),
    NonSellable(NonSellableArea),
}

impl Block {
    pub fn id(&self) -> &str {
        match self {
            Block::SeatedGrid(grid) => &grid.id,
            Block::Standing(area) => &area.id,
            Block::NonSellable(area) => &area.id,
        }
    }

    pub fn position(&self) -> Point {
        match self {
            Block::SeatedGrid(grid) => grid.position,
            Block::Standing(area) => area.position,
            Block::NonSellable(area) => area.position,
        }
    }

    pub fn rotation(&self) -> f64 {
        match self {
            Block::SeatedGrid(grid) => grid.rotation,
            Block::Standing(area) => area.rotation,
            Block::NonSellable(area) => area.rotation,
        }
    }
}

/// Rows × columns of positions. Only the listed seats exist; a position without a seat is
/// a gap (an aisle, a removed seat), so reserved seating can follow any real auditorium.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeatedGrid {
    pub id: String,
    pub name: String,
    pub position: Point,
    /// Degrees clockwise around `position`.
    #[serde(default)]
    pub rotation: f64,
    pub rows: u32,
    pub columns: u32,
    /// One label per row, top to bottom; `A`, `B`, … when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_labels: Option<Vec<String>>,
    /// One label per column, left to right; `1`, `2`, … when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column_labels: Option<Vec<String>>,
    /// The tier of every seat that does not name its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier_id: Option<Uuid>,
    pub seats: Vec<Seat>,
}

/// A seat at a grid position. Its id is chosen by the designer and unique across the whole
/// map, so tickets and holds keep pointing at the same seat when the map is edited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seat {
    pub id: String,
    /// Zero-based row index.
    pub row: u32,
    /// Zero-based column index.
    pub column: u32,
    /// What the ticket prints, e.g. `A1`.
    pub label: String,
    /// Overrides the grid's tier for this seat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier_id: Option<Uuid>,
}

/// General admission: `capacity` interchangeable places.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandingArea {
    pub id: String,
    pub name: String,
    pub position: Point,
    #[serde(default)]
    pub rotation: f64,
    pub size: Size,
    pub capacity: u32,
    pub tier_id: Uuid,
}

/// Drawn on the map but never sold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NonSellableArea {
    pub id: String,
    pub kind: NonSellableKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub position: Point,
    #[serde(default)]
    pub rotation: f64,
    pub size: Size,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NonSellableKind {
    Stage,
    Aisle,
    Other,
}

/// A seat with everything a reader needs resolved: its block, row and column labels and
/// its tier (the seat's own or the grid's default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeatRef<'a> {
    pub block_id: &'a str,
    pub seat_id: &'a str,
    pub row: u32,
    pub column: u32,
    pub label: &'a str,
    pub row_label: Cow<'a, str>,
    pub column_label: Cow<'a, str>,
    /// `None` only in a layout that would fail validation with `missing_tier`.
    pub tier_id: Option<Uuid>,
}

/// Sellable units of one tier.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TierCapacity {
    pub seats: u64,
    pub standing: u64,
}

impl TierCapacity {
    pub fn total(&self) -> u64 {
        self.seats + self.standing
    }
}

/// One problem with a layout, located by an RFC 6901 JSON pointer into the submitted
/// document (e.g. `/blocks/2/seats/17/row`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{pointer}: {message}")]
pub struct LayoutError {
    pub pointer: String,
    pub code: LayoutErrorCode,
    pub message: String,
}

impl LayoutError {
    fn new(pointer: impl Into<String>, code: LayoutErrorCode, message: impl Into<String>) -> Self {
        LayoutError {
            pointer: pointer.into(),
            code,
            message: message.into(),
        }
    }
}

/// Stable machine-readable kinds of [`LayoutError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LayoutErrorCode {
    /// The body is not JSON, or has trailing data.
    InvalidJson,
    /// The body is larger than [`MAX_LAYOUT_BYTES`].
    TooLarge,
    UnknownField,
    MissingField,
    /// A value of the wrong JSON type, e.g. a string where a number belongs.
    InvalidType,
    /// A value of the right type that is not allowed, e.g. a negative row or a bad uuid.
    InvalidValue,
    InvalidId,
    DuplicateId,
    /// A required text is blank.
    Empty,
    InvalidName,
    InvalidLabel,
    DuplicateLabel,
    LabelCountMismatch,
    /// A coordinate, size, count or angle outside its range.
    InvalidNumber,
    OutOfGrid,
    DuplicatePosition,
    MissingTier,
    UnknownTier,
    TooManyBlocks,
    TooManySeats,
    TooManyStandingPlaces,
    TooManyErrors,
}

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

    /// [`Layout::parse`] then [`Layout::validate`]: what a write endpoint needs.
    pub fn parse_and_validate(
        json: &[u8],
        tier_exists: impl Fn(Uuid) -> bool,
    ) -> Result<Layout, Vec<LayoutError>> {
        let layout = Layout::parse(json)?;
        layout.validate(tier_exists)?;
        Ok(layout)
    }

    /// Checks everything the types cannot: ids, labels, numbers, grid positions, tiers and
    /// limits. Returns every problem found, up to [`MAX_REPORTED_ERRORS`].
    ///
    /// A layout with nothing to sell is valid here so a draft can be saved; publishing
    /// checks [`Layout::sellable_capacity`].
    pub fn validate(&self, tier_exists: impl Fn(Uuid) -> bool) -> Result<(), Vec<LayoutError>> {
        let mut problems = Problems::default();
        check_size(&mut problems, "/canvas", self.canvas);
        if self.blocks.len() > MAX_BLOCKS {
            problems.report(
                "/blocks".to_owned(),
                LayoutErrorCode::TooManyBlocks,
                format!(
                    "{} blocks, at most {MAX_BLOCKS} are allowed",
                    self.blocks.len()
                ),
            );
        }

        let mut ids = IdRegistry::default();
        for (b, block) in self.blocks.iter().enumerate() {
            ids.check(&mut problems, block.id(), IdOwner::Block(b));
            check_point(
                &mut problems,
                &block_pointer(b, "position"),
                block.position(),
            );
            if !block.rotation().is_finite() {
                problems.report(
                    block_pointer(b, "rotation"),
                    LayoutErrorCode::InvalidNumber,
                    "rotation must be a finite number of degrees",
                );
            }
            match block {
                Block::SeatedGrid(grid) => grid.validate(b, &mut problems, &mut ids, &tier_exists),
                Block::Standing(area) => {
                    check_name(&mut problems, block_pointer(b, "name"), &area.name);
                    check_size(&mut problems, &block_pointer(b, "size"), area.size);
                    if area.capacity == 0 {
                        problems.report(
                            block_pointer(b, "capacity"),
                            LayoutErrorCode::InvalidNumber,
                            "a standing area holds at least one person",
                        );
                    }
                    if !tier_exists(area.tier_id) {
                        report_unknown_tier(
                            &mut problems,
                            block_pointer(b, "tier_id"),
                            area.tier_id,
                        );
                    }
                }
                Block::NonSellable(area) => {
                    if let Some(label) = &area.label {
                        check_label(&mut problems, block_pointer(b, "label"), label);
                    }
                    check_size(&mut problems, &block_pointer(b, "size"), area.size);
                }
            }
        }

        let seats = self.seat_count();
        if seats > MAX_SEATS {
            problems.report(
                "/blocks".to_owned(),
                LayoutErrorCode::TooManySeats,
                format!("{seats} seats, at most {MAX_SEATS} are allowed"),
            );
        }
        let standing = self.standing_capacity();
        if standing > MAX_STANDING_CAPACITY {
            problems.report(
                "/blocks".to_owned(),
                LayoutErrorCode::TooManyStandingPlaces,
                format!("{standing} standing places, at most {MAX_STANDING_CAPACITY} are allowed"),
            );
        }
        problems.finish()
    }

    pub fn seated_grids(&self) -> impl Iterator<Item = &SeatedGrid> {
        self.blocks.iter().filter_map(|block| match block {
            Block::SeatedGrid(grid) => Some(grid),
            _ => None,
        })
    }

    pub fn standing_areas(&self) -> impl Iterator<Item = &StandingArea> {
        self.blocks.iter().filter_map(|block| match block {
            Block::Standing(area) => Some(area),
            _ => None,
        })
    }

    pub fn block(&self, id: &str) -> Option<&Block> {
        self.blocks.iter().find(|block| block.id() == id)
    }

    /// Every seat of every grid, in document order.
    pub fn seats(&self) -> impl Iterator<Item = SeatRef<'_>> {
        self.seated_grids()
            .flat_map(|grid| grid.seats.iter().map(move |seat| grid.seat_ref(seat)))
    }

    pub fn seat_ids(&self) -> impl Iterator<Item = &str> {
        self.seated_grids()
            .flat_map(|grid| grid.seats.iter().map(|seat| seat.id.as_str()))
    }

    /// A linear scan; build a map from [`Layout::seats`] for many look-ups.
    pub fn find_seat(&self, seat_id: &str) -> Option<SeatRef<'_>> {
        self.seated_grids().find_map(|grid| {
            grid.seats
                .iter()
                .find(|seat| seat.id == seat_id)
                .map(|seat| grid.seat_ref(seat))
        })
    }

    pub fn seat_count(&self) -> usize {
        self.seated_grids().map(|grid| grid.seats.len()).sum()
    }

    pub fn standing_capacity(&self) -> u64 {
        self.standing_areas()
            .map(|area| u64::from(area.capacity))
            .sum()
    }

    /// Seats plus standing places. Zero means there is nothing to put on sale.
    pub fn sellable_capacity(&self) -> u64 {
        self.seat_count() as u64 + self.standing_capacity()
    }

    /// Sellable units per resolved tier. Seats without a tier are not counted.
    pub fn capacity_by_tier(&self) -> BTreeMap<Uuid, TierCapacity> {
        let mut capacity: BTreeMap<Uuid, TierCapacity> = BTreeMap::new();
        for tier_id in self.seats().filter_map(|seat| seat.tier_id) {
            capacity.entry(tier_id).or_default().seats += 1;
        }
        for area in self.standing_areas() {
            capacity.entry(area.tier_id).or_default().standing += u64::from(area.capacity);
        }
        capacity
    }

    /// Every tier the layout mentions, including a grid default that no seat inherits:
    /// deleting any of them would make the stored layout invalid.
    pub fn tier_ids(&self) -> BTreeSet<Uuid> {
        let mut tiers = BTreeSet::new();
        for block in &self.blocks {
            match block {
                Block::SeatedGrid(grid) => {
                    tiers.extend(grid.tier_id);
                    tiers.extend(grid.seats.iter().filter_map(|seat| seat.tier_id));
                }
                Block::Standing(area) => {
                    tiers.insert(area.tier_id);
                }
                Block::NonSellable(_) => {}
            }
        }
        tiers
    }
}

impl SeatedGrid {
    /// A grid with a seat at every position, ids `<block>-<row label>-<column label>` and
    /// labels like `A1`, at the origin. A block id longer than about 50 characters gives
    /// seat ids over [`MAX_ID_LEN`], which validation reports.
    pub fn filled(id: impl Into<String>, rows: u32, columns: u32, tier_id: Uuid) -> SeatedGrid {
        let id = id.into();
        let mut seats = Vec::with_capacity(rows as usize * columns as usize);
        for row in 0..rows {
            let row_label = default_row_label(row);
            for column in 0..columns {
                let column_label = default_column_label(column);
                seats.push(Seat {
                    id: format!("{id}-{row_label}-{column_label}"),
                    row,
                    column,
                    label: format!("{row_label}{column_label}"),
                    tier_id: None,
                });
            }
        }
        SeatedGrid {
            name: id.clone(),
            id,
            position: Point::ORIGIN,
            rotation: 0.0,
            rows,
            columns,
            row_labels: None,
            column_labels: None,
            tier_id: Some(tier_id),
            seats,
        }
    }

    pub fn row_label(&self, row: u32) -> Cow<'_, str> {
        match self
            .row_labels
            .as_ref()
            .and_then(|labels| labels.get(row as usize))
        {
            Some(label) => Cow::Borrowed(label),
            None => Cow::Owned(default_row_label(row)),
        }
    }

    pub fn column_label(&self, column: u32) -> Cow<'_, str> {
        match self
            .column_labels
            .as_ref()
            .and_then(|labels| labels.get(column as usize))
        {
            Some(label) => Cow::Borrowed(label),
            None => Cow::Owned(default_column_label(column)),
        }
    }

    pub fn seat_ref<'a>(&'a self, seat: &'a Seat) -> SeatRef<'a> {
        SeatRef {
            block_id: &self.id,
            seat_id: &seat.id,
            row: seat.row,
            column: seat.column,
            label: &seat.label,
            row_label: self.row_label(seat.row),
            column_label: self.column_label(seat.column),
            tier_id: seat.tier_id.or(self.tier_id),
        }
    }

    fn validate<'a>(
        &'a self,
        b: usize,
        problems: &mut Problems,
        ids: &mut IdRegistry<'a>,
        tier_exists: &impl Fn(Uuid) -> bool,
    ) {
        check_name(problems, block_pointer(b, "name"), &self.name);
        for (field, value) in [("rows", self.rows), ("columns", self.columns)] {
            if value == 0 || value > MAX_GRID_DIMENSION {
                problems.report(
                    block_pointer(b, field),
                    LayoutErrorCode::InvalidNumber,
                    format!("{field} must be between 1 and {MAX_GRID_DIMENSION}"),
                );
            }
        }
        check_grid_labels(
            problems,
            b,
            "row_labels",
            self.row_labels.as_deref(),
            self.rows,
        );
        check_grid_labels(
            problems,
            b,
            "column_labels",
            self.column_labels.as_deref(),
            self.columns,
        );
        if let Some(tier_id) = self.tier_id.filter(|&tier_id| !tier_exists(tier_id)) {
            report_unknown_tier(problems, block_pointer(b, "tier_id"), tier_id);
        }

        let mut positions: HashMap<(u32, u32), &str> = HashMap::with_capacity(self.seats.len());
        for (s, seat) in self.seats.iter().enumerate() {
            ids.check(problems, &seat.id, IdOwner::Seat(b, s));
            check_label(problems, seat_pointer(b, s, "label"), &seat.label);

            let mut in_grid = true;
            for (field, value, limit) in [
                ("row", seat.row, self.rows),
                ("column", seat.column, self.columns),
            ] {
                if value >= limit {
                    in_grid = false;
                    problems.report(
                        seat_pointer(b, s, field),
                        LayoutErrorCode::OutOfGrid,
                        format!("{field} {value} is outside the grid's {limit} {field}s"),
                    );
                }
            }
            if in_grid {
                match positions.entry((seat.row, seat.column)) {
                    Entry::Vacant(position) => {
                        position.insert(&seat.id);
                    }
                    Entry::Occupied(position) => problems.report(
                        format!("/blocks/{b}/seats/{s}"),
                        LayoutErrorCode::DuplicatePosition,
                        format!(
                            "seat `{}` is at row {}, column {}, where seat `{}` already is",
                            seat.id,
                            seat.row,
                            seat.column,
                            position.get()
                        ),
                    ),
                }
            }

            match (seat.tier_id, self.tier_id) {
                (Some(tier_id), _) => {
                    if !tier_exists(tier_id) {
                        report_unknown_tier(problems, seat_pointer(b, s, "tier_id"), tier_id);
                    }
                }
                // An unknown grid default is reported once, at the grid.
                (None, Some(_)) => {}
                (None, None) => problems.report(
                    format!("/blocks/{b}/seats/{s}"),
                    LayoutErrorCode::MissingTier,
                    format!(
                        "seat `{}` has no tier_id and its grid has no default tier_id",
                        seat.id
                    ),
                ),
            }
        }
    }
}

/// Row labels as theatres print them: `A`…`Z`, then `AA`, `AB`, … (zero-based `row`).
pub fn default_row_label(row: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(row) + 1;
    while n > 0 {
        n -= 1;
        letters.push(char::from(b'A' + (n % 26) as u8));
        n /= 26;
    }
    letters.iter().rev().collect()
}

/// Column labels `1`, `2`, … (zero-based `column`).
pub fn default_column_label(column: u32) -> String {
    (u64::from(column) + 1).to_string()
}

/// Collects problems up to the reporting limit.
#[derive(Default)]
struct Problems {
    errors: Vec<LayoutError>,
    truncated: bool,
}

impl Problems {
    fn report(&mut self, pointer: String, code: LayoutErrorCode, message: impl Into<String>) {
        self.push(LayoutError::new(pointer, code, message));
    }

    fn push(&mut self, error: LayoutError) {
        if self.errors.len() < MAX_REPORTED_ERRORS {
            self.errors.push(error);
        } else {
            self.truncated = true;
        }
    }

    fn finish(mut self) -> Result<(), Vec<LayoutError>> {
        if self.truncated {
            self.errors.push(LayoutError::new(
                "",
                LayoutErrorCode::TooManyErrors,
                format!("only the first {MAX_REPORTED_ERRORS} problems are reported"),
            ));
        }
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

#[derive(Clone, Copy)]
enum IdOwner {
    Block(usize),
    Seat(usize, usize),
}

impl IdOwner {
    fn pointer(self) -> String {
        match self {
            IdOwner::Block(b) => block_pointer(b, "id"),
            IdOwner::Seat(b, s) => seat_pointer(b, s, "id"),
        }
    }
}

/// Block and seat ids share one namespace, so an id alone names one thing on the map.
#[derive(Default)]
struct IdRegistry<'a> {
    first_use: HashMap<&'a str, IdOwner>,
}

impl<'a> IdRegistry<'a> {
    fn check(&mut self, problems: &mut Problems, id: &'a str, owner: IdOwner) {
        if !is_valid_id(id) {
            problems.report(
                owner.pointer(),
                LayoutErrorCode::InvalidId,
                format!(
                    "id `{}` must be 1 to {MAX_ID_LEN} characters of A-Z, a-z, 0-9, `_`, `.`, `:` or `-`",
                    id.escape_debug()
                ),
            );
            return;
        }
        if let Some(first) = self.first_use.get(id) {
            problems.report(
                owner.pointer(),
                LayoutErrorCode::DuplicateId,
                format!("id `{id}` is already used at {}", first.pointer()),
            );
        } else {
            self.first_use.insert(id, owner);
        }
    }
}

fn is_valid_id(id: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'-'))
}

fn block_pointer(b: usize, field: &str) -> String {
    format!("/blocks/{b}/{field}")
}

fn seat_pointer(b: usize, s: usize, field: &str) -> String {
    format!("/blocks/{b}/seats/{s}/{field}")
}

fn report_unknown_tier(problems: &mut Problems, pointer: String, tier_id: Uuid) {
    problems.report(
        pointer,
        LayoutErrorCode::UnknownTier,
        format!("tier {tier_id} does not exist for this event"),
    );
}

fn check_text(
    problems: &mut Problems,
    pointer: String,
    text: &str,
    what: &str,
    max_len: usize,
    code: LayoutErrorCode,
) {
    if text.trim().is_empty() {
        problems.report(
            pointer,
            LayoutErrorCode::Empty,
            format!("{what} must not be blank"),
        );
    } else if text.chars().count() > max_len {
        problems.report(
            pointer,
            code,
            format!("{what} is longer than {max_len} characters"),
        );
    } else if text.chars().any(char::is_control) {
        problems.report(
            pointer,
            code,
            format!("{what} contains a control character"),
        );
    }
}

fn check_name(problems: &mut Problems, pointer: String, name: &str) {
    check_text(
        problems,
        pointer,
        name,
        "name",
        MAX_NAME_LEN,
        LayoutErrorCode::InvalidName,
    );
}

fn check_label(problems: &mut Problems, pointer: String, label: &str) {
    check_text(
        problems,
        pointer,
        label,
        "label",
        MAX_LABEL_LEN,
        LayoutErrorCode::InvalidLabel,
    );
}

fn check_grid_labels(
    problems: &mut Problems,
    b: usize,
    field: &str,
    labels: Option<&[String]>,
    expected: u32,
) {
    let Some(labels) = labels else { return };
    if labels.len() != expected as usize {
        problems.report(
            block_pointer(b, field),
            LayoutErrorCode::LabelCountMismatch,
            format!("{} {field} for {expected} positions", labels.len()),
        );
    }
    let mut seen = HashMap::with_capacity(labels.len());
    for (index, label) in labels.iter().enumerate() {
        let pointer = format!("/blocks/{b}/{field}/{index}");
        check_label(problems, pointer.clone(), label);
        match seen.entry(label.as_str()) {
            Entry::Vacant(entry) => {
                entry.insert(index);
            }
            Entry::Occupied(entry) => problems.report(
                pointer,
                LayoutErrorCode::DuplicateLabel,
                format!(
                    "label `{label}` is already used at /blocks/{b}/{field}/{}",
                    entry.get()
                ),
            ),
        }
    }
}

fn check_point(problems: &mut Problems, pointer: &str, point: Point) {
    for (axis, value) in [("x", point.x), ("y", point.y)] {
        if !(value.is_finite() && (0.0..=MAX_COORDINATE).contains(&value)) {
            problems.report(
                format!("{pointer}/{axis}"),
                LayoutErrorCode::InvalidNumber,
                format!("{axis} must be between 0 and {MAX_COORDINATE}"),
            );
        }
    }
}

fn check_size(problems: &mut Problems, pointer: &str, size: Size) {
    for (field, value) in [("width", size.width), ("height", size.height)] {
        if !(value.is_finite() && value > 0.0 && value <= MAX_COORDINATE) {
            problems.report(
                format!("{pointer}/{field}"),
                LayoutErrorCode::InvalidNumber,
                format!("{field} must be above 0 and at most {MAX_COORDINATE}"),
            );
        }
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
fn push_pointer_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const STALLS: Uuid = Uuid::from_u128(1);
    const FLOOR: Uuid = Uuid::from_u128(2);
    const BOX: Uuid = Uuid::from_u128(3);

    fn known_tier(tier_id: Uuid) -> bool {
        [STALLS, FLOOR, BOX].contains(&tier_id)
    }

    /// Stage, a standing floor and a 20 × 25 stalls grid (500 seats) as block 2.
    fn venue() -> Layout {
        let mut stalls = SeatedGrid::filled("stalls", 20, 25, STALLS);
        stalls.name = "Stalls".to_owned();
        stalls.position = Point { x: 100.0, y: 200.0 };
        Layout {
            canvas: Size {
                width: 1200.0,
                height: 800.0,
            },
            blocks: vec![
                Block::NonSellable(NonSellableArea {
                    id: "stage".to_owned(),
                    kind: NonSellableKind::Stage,
                    label: Some("Stage".to_owned()),
                    position: Point { x: 400.0, y: 20.0 },
                    rotation: 0.0,
                    size: Size {
                        width: 400.0,
                        height: 80.0,
                    },
                }),
                Block::Standing(StandingArea {
                    id: "floor".to_owned(),
                    name: "Standing floor".to_owned(),
                    position: Point { x: 450.0, y: 120.0 },
                    rotation: 0.0,
                    size: Size {
                        width: 300.0,
                        height: 120.0,
                    },
                    capacity: 800,
                    tier_id: FLOOR,
                }),
                Block::SeatedGrid(stalls),
            ],
        }
    }

    fn grid_mut(layout: &mut Layout, index: usize) -> &mut SeatedGrid {
        match &mut layout.blocks[index] {
            Block::SeatedGrid(grid) => grid,
            other => panic!("block {index} is not a grid: {other:?}"),
        }
    }

    fn problems(layout: &Layout) -> Vec<(String, LayoutErrorCode)> {
        match layout.validate(known_tier) {
            Ok(()) => Vec::new(),
            Err(errors) => errors
                .into_iter()
                .map(|error| (error.pointer, error.code))
                .collect(),
        }
    }

    fn parse_problems(json: &serde_json::Value) -> Vec<(String, LayoutErrorCode)> {
        let bytes = serde_json::to_vec(json).expect("serialise");
        match Layout::parse(&bytes) {
            Ok(layout) => panic!("parsed: {layout:?}"),
            Err(errors) => errors
                .into_iter()
                .map(|error| (error.pointer, error.code))
                .collect(),
        }
    }

    fn one(pointer: &str, code: LayoutErrorCode) -> Vec<(String, LayoutErrorCode)> {
        vec![(pointer.to_owned(), code)]
    }

    #[test]
    fn a_500_seat_venue_is_valid_and_survives_a_round_trip() {
        let layout = venue();
        assert_eq!(problems(&layout), []);
        assert_eq!(layout.seat_count(), 500);
        assert_eq!(layout.standing_capacity(), 800);
        assert_eq!(layout.sellable_capacity(), 1300);

        let bytes = serde_json::to_vec(&layout).expect("serialise");
        assert_eq!(Layout::parse(&bytes).as_ref(), Ok(&layout));
        assert_eq!(
            Layout::parse_and_validate(&bytes, known_tier).as_ref(),
            Ok(&layout)
        );
        // Stored rows are read back with the derived impl; both must agree.
        let stored: Layout = serde_json::from_slice(&bytes).expect("derived deserialise");
        assert_eq!(stored, layout);
    }

    #[test]
    fn the_documented_shape_parses() {
        let json = json!({
            "canvas": {"width": 1200, "height": 800},
            "blocks": [
                {"type": "seated_grid", "id": "stalls", "name": "Stalls",
                 "position": {"x": 100, "y": 200}, "rotation": 0,
                 "rows": 3, "columns": 4, "row_labels": ["A", "B", "C"],
                 "column_labels": ["1", "2", "3", "4"], "tier_id": STALLS,
                 "seats": [
                    {"id": "stalls-A-1", "row": 0, "column": 0, "label": "A1", "tier_id": BOX},
                    {"id": "stalls-A-2", "row": 0, "column": 1, "label": "A2"}
                 ]},
                {"type": "standing", "id": "floor", "name": "Standing floor",
                 "position": {"x": 0, "y": 0}, "size": {"width": 300, "height": 120},
                 "capacity": 800, "tier_id": FLOOR},
                {"type": "non_sellable", "id": "stage", "kind": "stage", "label": "Stage",
                 "position": {"x": 0, "y": 0}, "size": {"width": 300, "height": 50}}
            ]
        });
        let layout = Layout::parse_and_validate(json.to_string().as_bytes(), known_tier)
            .expect("valid layout");
        assert_eq!(layout.seat_count(), 2);
        let seat = layout.find_seat("stalls-A-1").expect("seat");
        assert_eq!(seat.tier_id, Some(BOX));
        assert_eq!(
            (seat.row_label.as_ref(), seat.column_label.as_ref()),
            ("A", "1")
        );
        assert_eq!(
            layout.find_seat("stalls-A-2").and_then(|seat| seat.tier_id),
            Some(STALLS)
        );
        assert_eq!(layout.block("stage").map(Block::rotation), Some(0.0));
    }

    #[test]
    fn derived_views_resolve_tiers_labels_and_gaps() {
        let mut layout = venue();
        let grid = grid_mut(&mut layout, 2);
        // An aisle: column 13 removed from every row.
        grid.seats.retain(|seat| seat.column != 12);
        grid.seats[0].tier_id = Some(BOX);

        assert_eq!(problems(&layout), []);
        assert_eq!(layout.seat_count(), 480);
        assert_eq!(layout.seat_ids().count(), 480);
        assert!(layout.find_seat("stalls-A-13").is_none());
        assert_eq!(
            layout.find_seat("stalls-T-25"),
            Some(SeatRef {
                block_id: "stalls",
                seat_id: "stalls-T-25",
                row: 19,
                column: 24,
                label: "T25",
                row_label: Cow::Borrowed("T"),
                column_label: Cow::Borrowed("25"),
                tier_id: Some(STALLS),
            })
        );
        assert_eq!(layout.tier_ids(), BTreeSet::from([STALLS, FLOOR, BOX]));
        let by_tier = layout.capacity_by_tier();
        assert_eq!(
            by_tier[&STALLS],
            TierCapacity {
                seats: 479,
                standing: 0
            }
        );
        assert_eq!(by_tier[&BOX].total(), 1);
        assert_eq!(
            by_tier[&FLOOR],
            TierCapacity {
                seats: 0,
                standing: 800
            }
        );
    }

    #[test]
    fn default_labels_run_like_theatre_rows() {
        let labels: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702]
            .into_iter()
            .map(default_row_label)
            .collect();
        assert_eq!(labels, ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
        assert_eq!(default_column_label(0), "1");
        let grid = SeatedGrid::filled("b", 2, 2, STALLS);
        let ids: Vec<&str> = grid.seats.iter().map(|seat| seat.id.as_str()).collect();
        assert_eq!(ids, ["b-A-1", "b-A-2", "b-B-1", "b-B-2"]);
        assert_eq!(grid.seats[3].label, "B2");
    }

    #[test]
    fn a_duplicate_seat_id_is_reported_at_the_second_occurrence() {
        let mut layout = venue();
        let grid = grid_mut(&mut layout, 2);
        grid.seats[7].id = grid.seats[3].id.clone();
        let errors = layout.validate(known_tier).expect_err("duplicate");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].pointer, "/blocks/2/seats/7/id");
        assert_eq!(errors[0].code, LayoutErrorCode::DuplicateId);
        assert!(errors[0].message.contains("/blocks/2/seats/3/id"));
    }

    #[test]
    fn a_seat_id_may_not_equal_a_block_id() {
        let mut layout = venue();
        grid_mut(&mut layout, 2).seats[0].id = "floor".to_owned();
        assert_eq!(
            problems(&layout),
            one("/blocks/2/seats/0/id", LayoutErrorCode::DuplicateId)
        );
    }

    #[test]
    fn ids_are_restricted_to_a_url_safe_alphabet() {
        let mut layout = venue();
        let grid = grid_mut(&mut layout, 2);
        grid.seats[0].id = "A 1".to_owned();
        grid.seats[1].id = String::new();
        grid.seats[2].id = "x".repeat(MAX_ID_LEN + 1);
        grid.seats[3].id = "ok_.:-9".to_owned();
        assert_eq!(
            problems(&layout),
            [
                (
                    "/blocks/2/seats/0/id".to_owned(),
                    LayoutErrorCode::InvalidId
                ),
                (
                    "/blocks/2/seats/1/id".to_owned(),
                    LayoutErrorCode::InvalidId
                ),
                (
                    "/blocks/2/seats/2/id".to_owned(),
                    LayoutErrorCode::InvalidId
                ),
            ]
        );
    }

    #[test]
    fn unknown_tiers_are_reported_where_they_are_named() {
        let stranger = Uuid::from_u128(666);
        let mut layout = venue();
        grid_mut(&mut layout, 2).seats[4].tier_id = Some(stranger);
        if let Block::Standing(floor) = &mut layout.blocks[1] {
            floor.tier_id = stranger;
        }
        assert_eq!(
            problems(&layout),
            [
                ("/blocks/1/tier_id".to_owned(), LayoutErrorCode::UnknownTier),
                (
                    "/blocks/2/seats/4/tier_id".to_owned(),
                    LayoutErrorCode::UnknownTier
                ),
            ]
        );

        // An unknown grid default is one problem, not one per inheriting seat.
        let mut layout = venue();
        grid_mut(&mut layout, 2).tier_id = Some(stranger);
        assert_eq!(
            problems(&layout),
            one("/blocks/2/tier_id", LayoutErrorCode::UnknownTier)
        );
    }

    #[test]
    fn a_seat_without_any_tier_is_reported() {
        let mut layout = venue();
        let grid = grid_mut(&mut layout, 2);
        grid.tier_id = None;
        for seat in &mut grid.seats[1..] {
            seat.tier_id = Some(STALLS);
        }
        assert_eq!(
            problems(&layout),
            one("/blocks/2/seats/0", LayoutErrorCode::MissingTier)
        );
        assert_eq!(
            layout.find_seat("stalls-A-1").map(|seat| seat.tier_id),
            Some(None)
        );
    }

    #[test]
    fn a_seat_outside_the_grid_is_reported_on_the_offending_coordinate() {
        let mut layout = venue();
        let grid = grid_mut(&mut layout, 2);
        grid.seats[0].row = 20;
        grid.seats[1].column = 99;
        assert_eq!(
            problems(&layout),
            [
                (
                    "/blocks/2/seats/0/row".to_owned(),
                    LayoutErrorCode::OutOfGrid
                ),
                (
                    "/blocks/2/seats/1/column".to_owned(),
                    LayoutErrorCode::OutOfGrid
                ),
            ]
        );
    }

    #[test]
    fn two_seats_at_one_position_are_reported() {
        let mut layout = venue();
        let grid = grid_mut(&mut layout, 2);
        grid.seats[30].row = 0;
        grid.seats[30].column = 0;
        let errors = layout.validate(known_tier).expect_err("clash");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].pointer, "/blocks/2/seats/30");
        assert_eq!(errors[0].code, LayoutErrorCode::DuplicatePosition);
        assert!(errors[0].message.contains("stalls-A-1"));
    }

    #[test]
    fn row_and_column_labels_must_match_the_grid_and_be_unique() {
        let mut layout = venue();
        let grid = grid_mut(&mut layout, 2);
        grid.row_labels = Some(vec!["A".to_owned(), "B".to_owned()]);
        let mut columns: Vec<String> = (0..25).map(default_column_label).collect();
        columns[9] = "3".to_owned();
        columns[10] = " ".to_owned();
        grid.column_labels = Some(columns);
        assert_eq!(
            problems(&layout),
            [
                (
                    "/blocks/2/row_labels".to_owned(),
                    LayoutErrorCode::LabelCountMismatch
                ),
                (
                    "/blocks/2/column_labels/9".to_owned(),
                    LayoutErrorCode::DuplicateLabel
                ),
                (
                    "/blocks/2/column_labels/10".to_owned(),
                    LayoutErrorCode::Empty
                ),
            ]
        );
    }

    #[test]
    fn names_labels_and_numbers_are_range_checked() {
        let mut layout = venue();
        layout.canvas.width = 0.0;
        if let Block::NonSellable(stage) = &mut layout.blocks[0] {
            stage.position.x = -1.0;
            stage.rotation = f64::NAN;
            stage.label = Some("x".repeat(MAX_LABEL_LEN + 1));
        }
        if let Block::Standing(floor) = &mut layout.blocks[1] {
            floor.name = "  ".to_owned();
            floor.capacity = 0;
            floor.size.height = f64::INFINITY;
        }
        let grid = grid_mut(&mut layout, 2);
        grid.name = "x".repeat(MAX_NAME_LEN + 1);
        grid.seats[0].label = "A\n1".to_owned();
        assert_eq!(
            problems(&layout),
            [
                ("/canvas/width".to_owned(), LayoutErrorCode::InvalidNumber),
                (
                    "/blocks/0/position/x".to_owned(),
                    LayoutErrorCode::InvalidNumber
                ),
                (
                    "/blocks/0/rotation".to_owned(),
                    LayoutErrorCode::InvalidNumber
                ),
                ("/blocks/0/label".to_owned(), LayoutErrorCode::InvalidLabel),
                ("/blocks/1/name".to_owned(), LayoutErrorCode::Empty),
                (
                    "/blocks/1/size/height".to_owned(),
                    LayoutErrorCode::InvalidNumber
                ),
                (
                    "/blocks/1/capacity".to_owned(),
                    LayoutErrorCode::InvalidNumber
                ),
                ("/blocks/2/name".to_owned(), LayoutErrorCode::InvalidName),
                (
                    "/blocks/2/seats/0/label".to_owned(),
                    LayoutErrorCode::InvalidLabel
                ),
            ]
        );
    }

    #[test]
    fn an_unknown_field_is_reported_with_its_pointer() {
        let mut json = serde_json::to_value(venue()).expect("serialise");
        json["blocks"][2]["seats"][17]["colour"] = json!("red");
        assert_eq!(
            parse_problems(&json),
            one("/blocks/2/seats/17/colour", LayoutErrorCode::UnknownField)
        );
        json["canvas"]["depth"] = json!(3);
        assert_eq!(
            parse_problems(&json),
            one("/canvas/depth", LayoutErrorCode::UnknownField)
        );
    }

    #[test]
    fn a_wrong_type_is_reported_with_its_pointer() {
        let mut json = serde_json::to_value(venue()).expect("serialise");
        json["blocks"][2]["seats"][17]["row"] = json!("seven");
        let bytes = serde_json::to_vec(&json).expect("serialise");
        let errors = Layout::parse(&bytes).expect_err("wrong type");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].pointer, "/blocks/2/seats/17/row");
        assert_eq!(errors[0].code, LayoutErrorCode::InvalidType);
        assert!(
            errors[0].message.contains("expected u32"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn every_broken_block_is_reported_once() {
        let mut json = serde_json::to_value(venue()).expect("serialise");
        json["blocks"][0]["kind"] = json!("balcony");
        json["blocks"][1]
            .as_object_mut()
            .expect("object")
            .remove("capacity");
        json["blocks"][2]["seats"][3]["row"] = json!(-1);
        json["blocks"][2]["seats"][4]["tier_id"] = json!("not-a-uuid");
        let blocks = json["blocks"].as_array_mut().expect("array");
        blocks.push(json!({"type": "balcony", "id": "b"}));
        blocks.push(json!({"id": "no-type"}));
        blocks.push(json!(42));
        assert_eq!(
            parse_problems(&json),
            [
                ("/blocks/0/kind".to_owned(), LayoutErrorCode::InvalidValue),
                (
                    "/blocks/1/capacity".to_owned(),
                    LayoutErrorCode::MissingField
                ),
                (
                    "/blocks/2/seats/3/row".to_owned(),
                    LayoutErrorCode::InvalidValue
                ),
                ("/blocks/3/type".to_owned(), LayoutErrorCode::InvalidValue),
                ("/blocks/4/type".to_owned(), LayoutErrorCode::MissingField),
                ("/blocks/5".to_owned(), LayoutErrorCode::InvalidType),
            ]
        );
    }

    #[test]
    fn broken_json_and_oversized_bodies_are_rejected() {
        let errors = Layout::parse(br#"{"canvas": {"width": 1, "height": 1}, "blocks": [}"#)
            .expect_err("syntax");
        assert_eq!(errors[0].code, LayoutErrorCode::InvalidJson);
        assert!(
            errors[0].message.contains("line 1"),
            "{}",
            errors[0].message
        );

        let errors = Layout::parse(br#"{"canvas": {"width": 1, "height": 1}, "blocks": []} []"#)
            .expect_err("trailing");
        assert_eq!(errors[0].code, LayoutErrorCode::InvalidJson);

        let errors = Layout::parse(br#"{"blocks": []}"#).expect_err("no canvas");
        assert_eq!(errors[0].pointer, "/canvas");
        assert_eq!(errors[0].code, LayoutErrorCode::MissingField);

        let huge = vec![b' '; MAX_LAYOUT_BYTES + 1];
        let errors = Layout::parse(&huge).expect_err("too large");
        assert_eq!(errors[0].code, LayoutErrorCode::TooLarge);
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        let mut pointer = String::new();
        push_pointer_token(&mut pointer, "a/b~c");
        assert_eq!(pointer, "/a~1b~0c");
    }

    #[test]
    fn more_than_the_seat_limit_is_too_many_seats() {
        let mut big = SeatedGrid::filled("big", 1_000, 100, STALLS);
        big.position = Point::ORIGIN;
        let extra = SeatedGrid::filled("extra", 1, 1, STALLS);
        let mut layout = venue();
        layout.blocks = vec![Block::SeatedGrid(big), Block::SeatedGrid(extra)];
        assert_eq!(layout.seat_count(), MAX_SEATS + 1);
        assert_eq!(
            problems(&layout),
            one("/blocks", LayoutErrorCode::TooManySeats)
        );

        layout.blocks.pop();
        assert_eq!(problems(&layout), []);
    }

    #[test]
    fn standing_capacity_and_block_count_are_limited() {
        let mut layout = venue();
        let Block::Standing(floor) = layout.blocks[1].clone() else {
            panic!("block 1 is the floor");
        };
        for index in 0..MAX_BLOCKS {
            let mut area = floor.clone();
            area.id = format!("floor-{index}");
            area.capacity = 1_000;
            layout.blocks.push(Block::Standing(area));
        }
        assert_eq!(
            problems(&layout),
            [
                ("/blocks".to_owned(), LayoutErrorCode::TooManyBlocks),
                ("/blocks".to_owned(), LayoutErrorCode::TooManyStandingPlaces),
            ]
        );
    }

    #[test]
    fn the_error_list_is_bounded() {
        let mut layout = venue();
        for seat in &mut grid_mut(&mut layout, 2).seats {
            seat.label.clear();
        }
        let errors = layout.validate(known_tier).expect_err("blank labels");
        assert_eq!(errors.len(), MAX_REPORTED_ERRORS + 1);
        assert_eq!(
            errors[MAX_REPORTED_ERRORS].code,
            LayoutErrorCode::TooManyErrors
        );
    }

    #[test]
    fn a_layout_with_nothing_to_sell_can_be_saved_but_not_published() {
        let layout = Layout {
            canvas: Size {
                width: 100.0,
                height: 100.0,
            },
            blocks: Vec::new(),
        };
        assert_eq!(problems(&layout), []);
        assert_eq!(layout.sellable_capacity(), 0);

        let mut empty_grid = venue();
        grid_mut(&mut empty_grid, 2).seats.clear();
        empty_grid.blocks.remove(1);
        assert_eq!(problems(&empty_grid), []);
        assert_eq!(empty_grid.sellable_capacity(), 0);
    }

    #[test]
    fn error_codes_serialise_in_snake_case() {
        let error = LayoutError::new("/blocks/0/id", LayoutErrorCode::DuplicateId, "taken");
        assert_eq!(
            serde_json::to_value(&error).expect("serialise"),
            json!({"pointer": "/blocks/0/id", "code": "duplicate_id", "message": "taken"})
        );
        assert_eq!(
            serde_json::to_value(LayoutErrorCode::TooManySeats).expect("serialise"),
            json!("too_many_seats")
        );
    }
}
