//! Seat-map layouts: the shape the designer saves, command-service validates and stores as
//! JSONB, and the projector and order-service read back.
//!
//! Untrusted input goes through [`Layout::parse`] (shape, with JSON pointers to the
//! offending value) and then [`Layout::validate`] (meaning). The derived `Deserialize` is
//! for reading layouts that were validated when they were written.
//!
//! The module is split by concern: [`parse`](Layout::parse) decodes untrusted JSON,
//! [`validate`](Layout::validate) checks meaning, `grid` derives seats and labels of a seated
//! grid, and `error` holds the problems both report.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

mod error;
mod grid;
mod parse;
mod validate;

pub use error::{LayoutError, LayoutErrorCode};
pub use grid::{default_column_label, default_row_label};

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

impl Layout {
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

#[cfg(test)]
mod tests;
