use serde_json::json;

use super::parse::push_pointer_token;
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
    let layout =
        Layout::parse_and_validate(json.to_string().as_bytes(), known_tier).expect("valid layout");
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
