//! A seated grid's seats and labels, as the rest of the system reads them.

use std::borrow::Cow;

use uuid::Uuid;

use super::{Point, Seat, SeatRef, SeatedGrid};

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
