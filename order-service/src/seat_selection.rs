//! Best-available selection: which seats (or which standing area) to offer a buyer who asks
//! for a quantity of a tier instead of naming seats.
//!
//! Seats are chosen adjacent in one row whenever any row has room. Among those placements,
//! one that leaves no single free seat stranded beside it (an orphan: a free seat whose both
//! neighbours are taken, an aisle or the end of the row) wins over one that does, because a
//! lone seat is the hardest to sell. Then rows nearer the stage (lower row index) and
//! placements nearer the centre of the row are preferred. Only when no row has room is the
//! group split, largest pieces first, by the same rules. Pure: the caller says what is taken.

use std::collections::{BTreeMap, HashSet};

use shared_dto::layout::Layout;
use uuid::Uuid;

/// Picks `quantity` free seats of `tier_id`, or `None` when fewer are free.
pub fn best_available(
    layout: &Layout,
    tier_id: Uuid,
    taken: &HashSet<&str>,
    quantity: usize,
) -> Option<Vec<String>> {
    if quantity == 0 {
        return Some(Vec::new());
    }
    let mut rows = rows_of(layout, tier_id, taken);
    let eligible = rows
        .iter()
        .flat_map(|row| &row.seats)
        .filter(|seat| seat.eligible)
        .count();
    if eligible < quantity {
        return None;
    }
    let mut chosen = Vec::with_capacity(quantity);
    let mut remaining = quantity;
    while remaining > 0 {
        // The largest piece that still fits somewhere: the whole group when a row has room.
        let (size, window) = (1..=remaining)
            .rev()
            .find_map(|size| best_window(&rows, size).map(|window| (size, window)))?;
        let row = &mut rows[window.row];
        for seat in &mut row.seats[window.start..window.start + size] {
            seat.eligible = false;
            seat.free = false;
            chosen.push(seat.id.to_owned());
        }
        remaining -= size;
    }
    Some(chosen)
}

/// A standing area with room left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandingRoom<'a> {
    pub block_id: &'a str,
    pub tier_id: Uuid,
    /// Capacity minus places already sold or held.
    pub remaining: u64,
}

/// The standing area of `tier_id` with the most room, if it has room for `quantity`; a
/// group stays in one area.
pub fn standing_area_for<'a>(
    areas: &[StandingRoom<'a>],
    tier_id: Uuid,
    quantity: u64,
) -> Option<&'a str> {
    areas
        .iter()
        .filter(|area| area.tier_id == tier_id && area.remaining >= quantity)
        .max_by(|a, b| {
            a.remaining
                .cmp(&b.remaining)
                .then_with(|| b.block_id.cmp(a.block_id))
        })
        .map(|area| area.block_id)
}

struct RowSeat<'a> {
    column: u32,
    id: &'a str,
    /// Free, and of the requested tier.
    eligible: bool,
    /// Not held or sold, whatever its tier: decides whether a neighbour is stranded.
    free: bool,
}

struct Row<'a> {
    block: usize,
    row: u32,
    /// Twice the grid's centre column, so distances stay integral.
    centre_x2: i64,
    /// Sorted by column; a missing column is a gap.
    seats: Vec<RowSeat<'a>>,
}

struct Window {
    row: usize,
    start: usize,
}

/// Lower is better: stranded seats, row (front first), distance from the centre, then block
/// and column to make ties deterministic.
type Score = (u8, u32, i64, usize, u32);

fn rows_of<'a>(layout: &'a Layout, tier_id: Uuid, taken: &HashSet<&str>) -> Vec<Row<'a>> {
    let mut rows = Vec::new();
    for (block, grid) in layout.seated_grids().enumerate() {
        let mut by_row: BTreeMap<u32, Vec<RowSeat<'a>>> = BTreeMap::new();
        for seat in &grid.seats {
            let free = !taken.contains(seat.id.as_str());
            let tier = seat.tier_id.or(grid.tier_id);
            by_row.entry(seat.row).or_default().push(RowSeat {
                column: seat.column,
                id: &seat.id,
                eligible: free && tier == Some(tier_id),
                free,
            });
        }
        for (row, mut seats) in by_row {
            seats.sort_by_key(|seat| seat.column);
            rows.push(Row {
                block,
                row,
                centre_x2: i64::from(grid.columns) - 1,
                seats,
            });
        }
    }
    rows
}

/// The best placement of `size` adjacent seats, by the rules in the module docs.
fn best_window(rows: &[Row<'_>], size: usize) -> Option<Window> {
    let mut best: Option<(Score, Window)> = None;
    for (index, row) in rows.iter().enumerate() {
        let seats = &row.seats;
        if seats.len() < size {
            continue;
        }
        for start in 0..=seats.len() - size {
            let window = &seats[start..start + size];
            let adjacent = window
                .windows(2)
                .all(|pair| pair[1].column == pair[0].column + 1);
            if !adjacent || !window.iter().all(|seat| seat.eligible) {
                continue;
            }
            let end = start + size - 1;
            let orphans =
                u8::from(strands_left(seats, start)) + u8::from(strands_right(seats, end));
            let centre_offset = (i64::from(seats[start].column) + i64::from(seats[end].column)
                - row.centre_x2)
                .abs();
            let score = (
                orphans,
                row.row,
                centre_offset,
                row.block,
                seats[start].column,
            );
            if best.as_ref().is_none_or(|(current, _)| score < *current) {
                best = Some((score, Window { row: index, start }));
            }
        }
    }
    best.map(|(_, window)| window)
}

/// Whether taking seats from `start` on would leave the seat just left of it free but alone.
fn strands_left(seats: &[RowSeat<'_>], start: usize) -> bool {
    let Some(left) = start.checked_sub(1) else {
        return false;
    };
    if !seats[left].free || seats[left].column + 1 != seats[start].column {
        return false;
    }
    let has_free_partner = left
        .checked_sub(1)
        .is_some_and(|far| seats[far].free && seats[far].column + 1 == seats[left].column);
    !has_free_partner
}

/// Whether taking seats up to `end` would leave the seat just right of it free but alone.
fn strands_right(seats: &[RowSeat<'_>], end: usize) -> bool {
    let right = end + 1;
    if right >= seats.len() || !seats[right].free || seats[end].column + 1 != seats[right].column {
        return false;
    }
    let far = right + 1;
    let has_free_partner =
        far < seats.len() && seats[far].free && seats[right].column + 1 == seats[far].column;
    !has_free_partner
}

#[cfg(test)]
mod tests {
    use shared_dto::layout::{Block, Seat, SeatedGrid, Size};

    use super::*;

    const STALLS: Uuid = Uuid::from_u128(1);
    const BALCONY: Uuid = Uuid::from_u128(2);

    /// A grid drawn as text, one line per row: `.` a free seat, `x` a taken seat, ` ` no seat
    /// (an aisle or a removed seat), `b` a free seat of another tier. Seat ids are
    /// `<row letter><column number>`, e.g. `A1`.
    fn layout(rows: &[&str]) -> (Layout, HashSet<String>) {
        let columns = rows.iter().map(|row| row.len()).max().unwrap_or(0);
        let mut grid = SeatedGrid::filled("stalls", 0, 0, STALLS);
        grid.rows = u32::try_from(rows.len()).expect("few rows");
        grid.columns = u32::try_from(columns).expect("few columns");
        let mut taken = HashSet::new();
        for (r, line) in rows.iter().enumerate() {
            for (c, cell) in line.chars().enumerate() {
                if cell == ' ' {
                    continue;
                }
                let row = u32::try_from(r).expect("row");
                let column = u32::try_from(c).expect("column");
                let id = format!("{}{}", char::from(b'A' + row as u8), c + 1);
                if cell == 'x' {
                    taken.insert(id.clone());
                }
                grid.seats.push(Seat {
                    label: id.clone(),
                    id,
                    row,
                    column,
                    tier_id: (cell == 'b').then_some(BALCONY),
                });
            }
        }
        let layout = Layout {
            canvas: Size {
                width: 100.0,
                height: 100.0,
            },
            blocks: vec![Block::SeatedGrid(grid)],
        };
        (layout, taken)
    }

    fn pick(rows: &[&str], quantity: usize) -> Option<Vec<String>> {
        let (layout, taken) = layout(rows);
        let taken: HashSet<&str> = taken.iter().map(String::as_str).collect();
        best_available(&layout, STALLS, &taken, quantity).map(|mut seats| {
            seats.sort();
            seats
        })
    }

    fn seats(ids: &[&str]) -> Option<Vec<String>> {
        let mut ids: Vec<String> = ids.iter().map(|id| (*id).to_owned()).collect();
        ids.sort();
        Some(ids)
    }

    #[test]
    fn an_empty_house_gets_the_centre_of_the_front_row() {
        assert_eq!(pick(&["..........", ".........."], 2), seats(&["A5", "A6"]));
    }

    #[test]
    fn a_group_is_never_split_while_a_row_has_room() {
        assert_eq!(
            pick(&["..x..x..", "xx....xx"], 4),
            seats(&["B3", "B4", "B5", "B6"])
        );
    }

    #[test]
    fn a_single_seat_is_not_stranded_when_another_placement_exists() {
        // Row A has three free on each side of a taken seat: any pair there strands one seat.
        // Row B's gap of exactly two takes the pair without stranding anything.
        assert_eq!(pick(&["...x...", "xx..xxx"], 2), seats(&["B3", "B4"]));
    }

    #[test]
    fn an_aisle_counts_as_a_boundary_and_breaks_adjacency() {
        // Columns 1-3, an aisle, columns 5-8. Three seats fit either side, but on the right
        // any three leave one seat alone against the aisle or the wall.
        assert_eq!(pick(&["... ...."], 3), seats(&["A1", "A2", "A3"]));
        // Four never span the aisle.
        assert_eq!(pick(&["... ...."], 4), seats(&["A5", "A6", "A7", "A8"]));
    }

    #[test]
    fn a_run_is_taken_from_its_end_rather_than_its_middle_when_the_middle_strands() {
        // Five free in a row for three: the centred placement leaves one on each side.
        assert_eq!(pick(&["x.....x"], 3), seats(&["A2", "A3", "A4"]));
    }

    #[test]
    fn seats_already_stranded_are_not_held_against_a_placement() {
        // A2 is already alone; that does not make the front row worse than the back one.
        assert_eq!(pick(&["x.x....", "......."], 2), seats(&["A4", "A5"]));
    }

    #[test]
    fn when_every_placement_strands_a_seat_the_sale_still_happens() {
        assert_eq!(pick(&["x...x"], 2), seats(&["A2", "A3"]));
    }

    #[test]
    fn only_seats_of_the_requested_tier_are_offered() {
        assert_eq!(pick(&["bb..bb"], 2), seats(&["A3", "A4"]));
        assert_eq!(pick(&["bb..bb"], 3), None);
    }

    #[test]
    fn a_free_seat_of_another_tier_keeps_its_neighbour_company() {
        // Taking A2-A3 leaves A4 next to A5 (another tier, free): not stranded.
        // Taking A3-A4 leaves A2 alone against the taken A1.
        assert_eq!(pick(&["x...b"], 2), seats(&["A2", "A3"]));
    }

    #[test]
    fn a_group_is_split_only_when_no_row_has_room() {
        assert_eq!(pick(&["x..x", "x..x"], 3), seats(&["A2", "A3", "B2"]));
    }

    #[test]
    fn too_few_free_seats_is_none() {
        assert_eq!(pick(&["x..x"], 3), None);
        assert_eq!(pick(&["xxxx"], 1), None);
    }

    #[test]
    fn rows_with_gaps_in_a_real_shape() {
        // A curved front row: seats missing at both ends and an aisle in the middle.
        let rows = ["  ..x. .x..  ", " ..... ..... ", "...x..........."];
        let picked = pick(&rows, 4).expect("four seats");
        // Row B has two runs of five; four in either leave one alone, so row C (a run of 11
        // after C4) wins with four that leave no single seat.
        assert!(
            picked.iter().all(|seat| seat.starts_with('C')),
            "{picked:?}"
        );
        let (layout, mut taken) = layout(&rows);
        taken.extend(picked.iter().cloned());
        let taken: HashSet<&str> = taken.iter().map(String::as_str).collect();
        assert_eq!(stranded(&layout, &taken, 'C'), 0, "{picked:?}");
    }

    /// Free seats of a row whose both neighbours are taken or missing.
    fn stranded(layout: &Layout, taken: &HashSet<&str>, row_letter: char) -> usize {
        let grid = layout.seated_grids().next().expect("a grid");
        let row = u32::from(row_letter as u8 - b'A');
        let free = |column: i64| {
            grid.seats.iter().any(|seat| {
                seat.row == row
                    && i64::from(seat.column) == column
                    && !taken.contains(seat.id.as_str())
            })
        };
        grid.seats
            .iter()
            .filter(|seat| seat.row == row && !taken.contains(seat.id.as_str()))
            .filter(|seat| {
                let column = i64::from(seat.column);
                !free(column - 1) && !free(column + 1)
            })
            .count()
    }

    #[test]
    fn standing_groups_go_to_the_roomiest_area_of_their_tier() {
        let areas = [
            StandingRoom {
                block_id: "floor-left",
                tier_id: STALLS,
                remaining: 3,
            },
            StandingRoom {
                block_id: "floor-right",
                tier_id: STALLS,
                remaining: 40,
            },
            StandingRoom {
                block_id: "terrace",
                tier_id: BALCONY,
                remaining: 100,
            },
        ];
        assert_eq!(standing_area_for(&areas, STALLS, 4), Some("floor-right"));
        assert_eq!(standing_area_for(&areas, STALLS, 41), None);
        assert_eq!(standing_area_for(&areas, BALCONY, 100), Some("terrace"));
    }
}
