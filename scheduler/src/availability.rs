//! Whether a session has places left, read from the write model's tables: its layout's places
//! (seats and standing capacity, counted when the layout is saved) against its valid tickets.
//! Holds do not count: a held place may still come back.

use shared_dto::status::{SessionStatus, TicketStatus};
use sqlx::PgPool;
use uuid::Uuid;

/// A session's status and places as one read saw them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Availability {
    pub status: SessionStatus,
    pub places: i64,
    pub sold: i64,
}

/// What the session's status should become, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    SoldOut,
    BackOnSale,
    Unchanged,
}

impl Availability {
    pub fn verdict(&self) -> Verdict {
        let left = self.places - self.sold;
        match self.status {
            SessionStatus::OnSale if left <= 0 => Verdict::SoldOut,
            SessionStatus::SoldOut if left > 0 => Verdict::BackOnSale,
            _ => Verdict::Unchanged,
        }
    }
}

/// `None` when the session (or its layout) is gone.
pub async fn of_session(
    pool: &PgPool,
    session_id: Uuid,
) -> Result<Option<Availability>, sqlx::Error> {
    let row = sqlx::query_as!(
        Availability,
        r#"select s.status as "status: SessionStatus",
                (l.seat_count + l.standing_capacity)::bigint as "places!",
                (select count(*) from ticket t
                  where t.session_id = s.session_id and t.status = $2) as "sold!"
         from session s join session_layout l using (session_id)
         where s.session_id = $1"#,
        session_id,
        TicketStatus::Valid.as_db_str(),
    )
    .fetch_optional(pool)
    .await?;
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(status: SessionStatus, places: i64, sold: i64) -> Availability {
        Availability {
            status,
            places,
            sold,
        }
    }

    #[test]
    fn a_session_on_sale_sells_out_when_every_place_is_sold() {
        assert_eq!(
            seen(SessionStatus::OnSale, 10, 10).verdict(),
            Verdict::SoldOut
        );
        assert_eq!(
            seen(SessionStatus::OnSale, 10, 9).verdict(),
            Verdict::Unchanged
        );
    }

    #[test]
    fn a_sold_out_session_is_back_on_sale_when_a_place_is_freed() {
        assert_eq!(
            seen(SessionStatus::SoldOut, 10, 9).verdict(),
            Verdict::BackOnSale
        );
        assert_eq!(
            seen(SessionStatus::SoldOut, 10, 10).verdict(),
            Verdict::Unchanged
        );
    }

    #[test]
    fn other_states_are_left_alone() {
        for status in [
            SessionStatus::Scheduled,
            SessionStatus::Closed,
            SessionStatus::Cancelled,
        ] {
            assert_eq!(seen(status, 10, 10).verdict(), Verdict::Unchanged);
            assert_eq!(seen(status, 10, 0).verdict(), Verdict::Unchanged);
        }
    }
}
