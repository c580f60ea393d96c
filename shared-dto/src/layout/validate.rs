//! Checking what the types cannot: ids, labels, numbers, grid positions, tiers and limits.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use uuid::Uuid;

use super::error::Problems;
use super::{
    Block, Layout, LayoutError, LayoutErrorCode, MAX_BLOCKS, MAX_COORDINATE, MAX_GRID_DIMENSION,
    MAX_ID_LEN, MAX_LABEL_LEN, MAX_NAME_LEN, MAX_SEATS, MAX_STANDING_CAPACITY, Point, SeatedGrid,
    Size,
};

impl Layout {
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
}

impl SeatedGrid {
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
