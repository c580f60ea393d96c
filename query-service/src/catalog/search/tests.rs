use mongodb::bson::doc;
use shared_dto::read_model::{EventDocument, SessionView};
use shared_dto::status::{EventStatus, SessionStatus};

use super::*;

const DAY_MS: i64 = 86_400_000;
/// 2030-06-01T00:00:00Z
const NOW: i64 = 1_906_502_400_000;

fn params(pairs: &[(&str, &str)]) -> SearchParams {
    let mut params = SearchParams::default();
    for (name, value) in pairs {
        let value = Some((*value).to_owned());
        match *name {
            "q" => params.q = value,
            "category" => params.category = value,
            "city" => params.city = value,
            "from" => params.from = value,
            "to" => params.to = value,
            "min_price" => params.min_price = value,
            "max_price" => params.max_price = value,
            "near" => params.near = value,
            "radius_km" => params.radius_km = value,
            "sort" => params.sort = value,
            "page" => params.page = value,
            "per_page" => params.per_page = value,
            other => panic!("unknown parameter {other}"),
        }
    }
    params
}

fn parse(pairs: &[(&str, &str)]) -> Result<Search, InvalidParameter> {
    params(pairs).parse()
}

fn refused_field(pairs: &[(&str, &str)]) -> &'static str {
    match parse(pairs) {
        Err(error) => error.field,
        Ok(search) => panic!("{pairs:?} was accepted as {search:?}"),
    }
}

fn session(starts_at_ms: i64, status: SessionStatus) -> SessionView {
    SessionView {
        session_id: format!("s-{starts_at_ms}"),
        mode: "physical".into(),
        status,
        starts_at_ms,
        ends_at_ms: starts_at_ms + 3 * 3_600_000,
        sales_start_ms: starts_at_ms - 30 * DAY_MS,
        sales_end_ms: starts_at_ms,
        venue: Some(shared_dto::read_model::VenueView {
            venue_id: "v".into(),
            name: "Hall".into(),
            address_line: "1 Road".into(),
            city: "Bristol".into(),
            postcode: None,
            country: "GB".into(),
            latitude: 51.4545,
            longitude: -2.5879,
            timezone: "Europe/London".into(),
        }),
        capacity: 100,
        sold: 0,
        available: 100,
    }
}

fn event(id: &str, title: &str, text: &str, sessions: Vec<SessionView>) -> EventDocument {
    EventDocument {
        event_id: id.into(),
        organisation_id: "o".into(),
        organisation_name: "Org".into(),
        title: title.into(),
        description: String::new(),
        category: None,
        cover_image_urls: Vec::new(),
        status: EventStatus::Published,
        published_at_ms: Some(0),
        first_start_ms: sessions.iter().map(|s| s.starts_at_ms).min(),
        last_start_ms: sessions.iter().map(|s| s.starts_at_ms).max(),
        sessions,
        tiers: Vec::new(),
        price_min_minor: Some(1000),
        price_max_minor: Some(2000),
        currency: Some("GBP".into()),
        cities: vec!["bristol".into()],
        search_text: text.into(),
        available: 100,
        sold: 0,
    }
}

#[test]
fn no_parameters_mean_every_upcoming_event_soonest_first() {
    assert_eq!(parse(&[]), Ok(Search::default()));
    // Empty values, as HTML forms send them, are absent values.
    assert_eq!(
        parse(&[("q", " "), ("city", ""), ("near", ""), ("page", "")]),
        Ok(Search::default())
    );
}

#[test]
fn query_words_are_lower_cased_distinct_and_split_on_punctuation() {
    let search = parse(&[("q", "Jazz  AC/DC jazz Café")]).expect("valid");
    assert_eq!(search.words, ["jazz", "ac", "dc", "café"]);
    assert_eq!(refused_field(&[("q", "a b c d e f g h i j k")]), "q");
    assert_eq!(refused_field(&[("q", &"x".repeat(201))]), "q");
}

#[test]
fn dates_are_rfc3339_or_whole_utc_days() {
    let search = parse(&[("from", "2030-06-02"), ("to", "2030-06-03")]).expect("valid");
    assert_eq!(search.starts_from_ms, Some(NOW + DAY_MS));
    // The whole of the `to` day is included.
    assert_eq!(search.starts_before_ms, Some(NOW + 3 * DAY_MS));

    let search = parse(&[
        ("from", "2030-06-01T10:00:00+01:00"),
        ("to", "2030-06-01T12:00:00Z"),
    ])
    .expect("valid");
    assert_eq!(search.starts_from_ms, Some(NOW + 9 * 3_600_000));
    assert_eq!(search.starts_before_ms, Some(NOW + 12 * 3_600_000 + 1));

    // A `+` that was not percent-encoded arrives as a space.
    let search = parse(&[("from", "2030-06-01T10:00:00 01:00")]).expect("valid");
    assert_eq!(search.starts_from_ms, Some(NOW + 9 * 3_600_000));
}

#[test]
fn bad_dates_name_their_parameter() {
    assert_eq!(refused_field(&[("from", "tomorrow")]), "from");
    assert_eq!(refused_field(&[("from", "2030-13-01")]), "from");
    assert_eq!(refused_field(&[("to", "2030-06-01T25:00:00Z")]), "to");
    assert_eq!(
        refused_field(&[("from", "2030-06-03"), ("to", "2030-06-02")]),
        "to"
    );
    // A single day is a valid window.
    assert!(parse(&[("from", "2030-06-03"), ("to", "2030-06-03")]).is_ok());
}

#[test]
fn prices_are_non_negative_and_ordered() {
    let search = parse(&[("min_price", "500"), ("max_price", "2500")]).expect("valid");
    assert_eq!(
        (search.min_price, search.max_price),
        (Some(500), Some(2500))
    );
    assert_eq!(refused_field(&[("min_price", "-1")]), "min_price");
    assert_eq!(refused_field(&[("max_price", "12.50")]), "max_price");
    assert_eq!(
        refused_field(&[("min_price", "3000"), ("max_price", "2000")]),
        "max_price"
    );
}

#[test]
fn near_takes_a_radius_with_a_default_and_a_ceiling() {
    let search = parse(&[("near", "51.4545,-2.5879")]).expect("valid");
    let circle = search.near.expect("a circle");
    assert_eq!(circle.radius_km, DEFAULT_RADIUS_KM);
    assert_eq!(circle.centre.latitude, 51.4545);
    let search = parse(&[("near", "51.4545,-2.5879"), ("radius_km", "500")]).expect("valid");
    assert_eq!(search.near.map(|c| c.radius_km), Some(500.0));

    for near in ["51.4545", "bristol", "91,0", "0,181", "51.4,-2.5,1"] {
        assert_eq!(refused_field(&[("near", near)]), "near", "{near}");
    }
    for radius in ["0", "-5", "500.1", "ten", "NaN", "inf"] {
        assert_eq!(
            refused_field(&[("near", "51.4,-2.5"), ("radius_km", radius)]),
            "radius_km",
            "{radius}"
        );
    }
    assert_eq!(refused_field(&[("radius_km", "10")]), "radius_km");
}

#[test]
fn sorts_need_what_they_sort_by() {
    assert_eq!(
        parse(&[("sort", "price")]).map(|s| s.sort),
        Ok(SortOrder::Price)
    );
    assert_eq!(
        parse(&[("sort", "relevance"), ("q", "jazz")]).map(|s| s.sort),
        Ok(SortOrder::Relevance)
    );
    assert_eq!(
        parse(&[("sort", "distance"), ("near", "1,1")]).map(|s| s.sort),
        Ok(SortOrder::Distance)
    );
    assert_eq!(refused_field(&[("sort", "relevance")]), "sort");
    assert_eq!(refused_field(&[("sort", "distance")]), "sort");
    assert_eq!(refused_field(&[("sort", "popularity")]), "sort");
}

#[test]
fn pages_are_bounded() {
    let search = parse(&[("page", "3"), ("per_page", "100")]).expect("valid");
    assert_eq!(search.skip(), 200);
    assert_eq!(refused_field(&[("page", "0")]), "page");
    assert_eq!(refused_field(&[("page", "10001")]), "page");
    assert_eq!(refused_field(&[("per_page", "101")]), "per_page");
    assert_eq!(refused_field(&[("per_page", "0")]), "per_page");
    assert_eq!(refused_field(&[("per_page", "x")]), "per_page");
}

#[test]
fn the_filter_lists_published_events_with_a_session_still_to_come() {
    let search = parse(&[
        ("q", "jazz night"),
        ("category", "music"),
        ("city", "Bristol"),
        ("from", "2030-06-02"),
        ("min_price", "500"),
        ("max_price", "2500"),
    ])
    .expect("valid");
    assert_eq!(
        search.filter(NOW),
        doc! {
            "status": "published",
            "sessions": { "$elemMatch": {
                "status": { "$nin": ["CANCELLED", "cancelled"] },
                "ends_at_ms": { "$gt": NOW },
                "starts_at_ms": { "$gte": NOW + DAY_MS },
            } },
            "category.category_id": "music",
            "cities": "bristol",
            "price_max_minor": { "$gte": 500_i64 },
            "price_min_minor": { "$lte": 2500_i64 },
            "$and": [
                { "search_text": { "$regex": r"\bjazz", "$options": "i" } },
                { "search_text": { "$regex": r"\bnight", "$options": "i" } },
            ],
        }
    );
}

#[test]
fn near_adds_a_bounding_box_on_the_same_session() {
    let search = parse(&[("near", "51.4545,-2.5879"), ("radius_km", "40")]).expect("valid");
    let filter = search.filter(NOW);
    let sessions = filter
        .get_document("sessions")
        .and_then(|s| s.get_document("$elemMatch"))
        .expect("a session condition");
    let latitude = sessions.get_document("venue.latitude").expect("latitude");
    let longitude = sessions.get_document("venue.longitude").expect("longitude");
    let (south, north) = (
        latitude.get_f64("$gte").expect("south"),
        latitude.get_f64("$lte").expect("north"),
    );
    assert!((north - south - 2.0 * 40.0 / crate::catalog::geo::KM_PER_DEGREE).abs() < 1e-9);
    assert!(longitude.get_f64("$gte").expect("west") < -2.5879);
    assert!(longitude.get_f64("$lte").expect("east") > -2.5879);
}

#[test]
fn word_patterns_anchor_ascii_words_and_escape_everything_else() {
    assert_eq!(word_pattern("jazz"), r"\bjazz");
    assert_eq!(word_pattern("2024"), r"\b2024");
    assert_eq!(word_pattern("école"), "école");
    assert_eq!(word_pattern("a.b"), r"\ba\.b");
}

#[test]
fn title_hits_outrank_any_number_of_other_hits() {
    let words = vec!["jazz".to_owned()];
    let in_title = relevance(&words, "Jazz Night", "jazz night at the hall");
    let everywhere_else = relevance(
        &words,
        "Evening Session",
        "jazz jazz jazz jazz jazz jazz jazz jazz jazz jazz jazz jazz",
    );
    assert!(
        in_title > everywhere_else,
        "{in_title} vs {everywhere_else}"
    );
    assert_eq!(relevance(&words, "Rock", "rock concert"), 0);
    // Prefixes count: "jazz" starts "jazzy".
    assert!(relevance(&words, "Jazzy", "jazzy") > 0);
    // Every word contributes.
    let two = vec!["jazz".to_owned(), "bristol".to_owned()];
    assert!(
        relevance(&two, "Jazz in Bristol", "jazz in bristol")
            > relevance(&two, "Jazz", "jazz bristol")
    );
}

#[test]
fn sessions_that_are_cancelled_or_over_do_not_count() {
    let criteria = SessionCriteria {
        now_ms: NOW,
        starts_from_ms: Some(NOW + DAY_MS),
        starts_before_ms: Some(NOW + 3 * DAY_MS),
    };
    assert!(criteria.admits(&session(NOW + 2 * DAY_MS, SessionStatus::OnSale)));
    assert!(!criteria.admits(&session(NOW + 2 * DAY_MS, SessionStatus::Cancelled)));
    assert!(!criteria.admits(&session(NOW + 3 * DAY_MS, SessionStatus::OnSale)));
    assert!(!criteria.admits(&session(NOW, SessionStatus::OnSale)));
    // A session under way (started, not ended) is still upcoming enough to list.
    let upcoming = SessionCriteria::upcoming(NOW);
    assert!(upcoming.admits(&session(NOW - 3_600_000, SessionStatus::OnSale)));
    assert!(!upcoming.admits(&session(NOW - 4 * 3_600_000, SessionStatus::OnSale)));
}

#[test]
fn the_next_session_is_the_earliest_that_matches() {
    let search = Search::default();
    let found = search
        .evaluate(
            event(
                "e",
                "T",
                "t",
                vec![
                    session(NOW - 10 * DAY_MS, SessionStatus::Closed),
                    session(NOW + 5 * DAY_MS, SessionStatus::Scheduled),
                    session(NOW + 2 * DAY_MS, SessionStatus::Cancelled),
                    session(NOW + 3 * DAY_MS, SessionStatus::OnSale),
                ],
            ),
            NOW,
        )
        .expect("matches");
    assert_eq!(found.next_session, Some(3));
    assert!(
        search
            .evaluate(
                event(
                    "e",
                    "T",
                    "t",
                    vec![session(NOW - DAY_MS, SessionStatus::Closed)]
                ),
                NOW
            )
            .is_none()
    );
}

#[test]
fn ranking_keeps_only_sessions_inside_the_radius_and_orders_by_distance() {
    let mut bath = session(NOW + 5 * DAY_MS, SessionStatus::OnSale);
    if let Some(venue) = bath.venue.as_mut() {
        venue.latitude = 51.3811;
        venue.longitude = -2.3590;
    }
    let mut london = session(NOW + DAY_MS, SessionStatus::OnSale);
    if let Some(venue) = london.venue.as_mut() {
        venue.latitude = 51.5072;
        venue.longitude = -0.1276;
    }
    let bristol = session(NOW + 9 * DAY_MS, SessionStatus::OnSale);
    let search = parse(&[
        ("near", "51.4545,-2.5879"),
        ("radius_km", "30"),
        ("sort", "distance"),
    ])
    .expect("valid");
    let ranked = search.rank(
        vec![
            event("touring", "Tour", "tour", vec![london.clone(), bath]),
            event("local", "Local", "local", vec![bristol]),
            event("far", "Far", "far", vec![london]),
        ],
        NOW,
    );
    let order: Vec<(&str, i64)> = ranked
        .iter()
        .map(|m| {
            (
                m.event.event_id.as_str(),
                (m.distance_km.unwrap_or(f64::NAN) * 10.0).round() as i64,
            )
        })
        .collect();
    assert_eq!(order, [("local", 0), ("touring", 178)]);
    // The touring event's next session is the one in Bath, not the earlier London date.
    assert_eq!(ranked[1].next_session, Some(1));
}

#[test]
fn ranking_by_relevance_breaks_ties_by_date() {
    let search = parse(&[("q", "jazz"), ("sort", "relevance")]).expect("valid");
    let ranked = search.rank(
        vec![
            event(
                "mention",
                "Evening",
                "evening with jazz",
                vec![session(NOW + DAY_MS, SessionStatus::OnSale)],
            ),
            event(
                "late",
                "Jazz Night",
                "jazz night",
                vec![session(NOW + 9 * DAY_MS, SessionStatus::OnSale)],
            ),
            event(
                "soon",
                "Jazz Night",
                "jazz night",
                vec![session(NOW + 2 * DAY_MS, SessionStatus::OnSale)],
            ),
        ],
        NOW,
    );
    let order: Vec<&str> = ranked.iter().map(|m| m.event.event_id.as_str()).collect();
    assert_eq!(order, ["soon", "late", "mention"]);
}

#[test]
fn the_page_pipeline_groups_by_the_earliest_matching_session() {
    let search = parse(&[("sort", "price"), ("page", "2"), ("per_page", "5")]).expect("valid");
    let pipeline = search.page_pipeline(NOW);
    assert_eq!(pipeline[0], doc! { "$match": search.filter(NOW) });
    assert_eq!(
        pipeline[2],
        doc! { "$match": {
            "sessions.status": { "$nin": ["CANCELLED", "cancelled"] },
            "sessions.ends_at_ms": { "$gt": NOW },
        } }
    );
    assert_eq!(
        pipeline[4],
        doc! { "$sort": { "price": 1, "next": 1, "_id": 1 } }
    );
    assert_eq!(pipeline[5], doc! { "$skip": 5_i64 });
    assert_eq!(pipeline[6], doc! { "$limit": 5_i64 });
}
