//! Which jobs a session needs, decided from its row alone, so the plan is the same whichever
//! replica or replay computes it.

use chrono::{DateTime, Utc};
use shared_dto::rows::SessionChangeRow;
use shared_dto::status::SessionStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobKind {
    /// SCHEDULED → ON_SALE at the sales start.
    OpenSales,
    /// ON_SALE or SOLD_OUT → CLOSED at the sales end.
    CloseSales,
    /// A cancelled session's paid orders refunded, at once.
    RefundCancelled,
    /// Ticket holders reminded a day before the performance.
    Remind,
    /// ON_SALE ↔ SOLD_OUT as places run out or come back; asked for by ticket changes, not
    /// by the session's plan (see [`AVAILABILITY_SETTLE`]).
    CheckAvailability,
}

impl JobKind {
    pub const ALL: [JobKind; 5] = [
        JobKind::OpenSales,
        JobKind::CloseSales,
        JobKind::RefundCancelled,
        JobKind::Remind,
        JobKind::CheckAvailability,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::OpenSales => "open_sales",
            Self::CloseSales => "close_sales",
            Self::RefundCancelled => "refund_cancelled",
            Self::Remind => "remind",
            Self::CheckAvailability => "check_availability",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedJob {
    pub kind: JobKind,
    pub due_at: DateTime<Utc>,
}

/// How long after a ticket change a session's availability is checked: a flash sale's burst of
/// tickets asks once, not once per ticket.
pub const AVAILABILITY_SETTLE: chrono::Duration = chrono::Duration::seconds(1);

/// How long before a performance its ticket holders are reminded.
pub const REMIND_BEFORE: chrono::Duration = chrono::Duration::hours(24);

/// The jobs a session should have now; every other pending job of it is dropped. A deleted
/// session has none.
pub fn jobs_for(session: Option<&SessionChangeRow>) -> Vec<PlannedJob> {
    let Some(session) = session else {
        return Vec::new();
    };
    let open = PlannedJob {
        kind: JobKind::OpenSales,
        due_at: session.sales_start_at,
    };
    let close = PlannedJob {
        kind: JobKind::CloseSales,
        due_at: session.sales_end_at,
    };
    let refund = PlannedJob {
        kind: JobKind::RefundCancelled,
        // Due at once; a fixed time, so a replayed change finds it done and leaves it so.
        due_at: DateTime::<Utc>::UNIX_EPOCH,
    };
    let remind = PlannedJob {
        kind: JobKind::Remind,
        due_at: session.starts_at - REMIND_BEFORE,
    };
    match session.status {
        SessionStatus::Scheduled => vec![open, close, remind],
        SessionStatus::OnSale | SessionStatus::SoldOut => vec![close, remind],
        // Sales are over, the performance is still to come.
        SessionStatus::Closed => vec![remind],
        SessionStatus::Cancelled => vec![refund],
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use uuid::Uuid;

    use super::*;

    fn time(month: u32, day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2030, month, day, hour, 0, 0)
            .single()
            .expect("a valid time")
    }

    fn session(status: SessionStatus) -> SessionChangeRow {
        SessionChangeRow {
            session_id: Uuid::nil(),
            event_id: Uuid::nil(),
            venue_id: None,
            mode: "physical".into(),
            starts_at: time(5, 1, 20),
            ends_at: time(5, 1, 23),
            sales_start_at: time(3, 1, 10),
            sales_end_at: time(5, 1, 18),
            status,
            version: 1,
        }
    }

    fn kinds(jobs: &[PlannedJob]) -> Vec<JobKind> {
        jobs.iter().map(|job| job.kind).collect()
    }

    #[test]
    fn a_scheduled_session_opens_at_its_sales_start_and_closes_at_its_sales_end() {
        let row = session(SessionStatus::Scheduled);
        let jobs = jobs_for(Some(&row));
        assert_eq!(
            jobs,
            vec![
                PlannedJob {
                    kind: JobKind::OpenSales,
                    due_at: row.sales_start_at
                },
                PlannedJob {
                    kind: JobKind::CloseSales,
                    due_at: row.sales_end_at
                },
                PlannedJob {
                    kind: JobKind::Remind,
                    due_at: row.starts_at - chrono::Duration::hours(24)
                },
            ]
        );
    }

    #[test]
    fn a_session_on_sale_closes_and_reminds_and_a_closed_one_only_reminds() {
        assert_eq!(
            kinds(&jobs_for(Some(&session(SessionStatus::OnSale)))),
            [JobKind::CloseSales, JobKind::Remind]
        );
        assert_eq!(
            kinds(&jobs_for(Some(&session(SessionStatus::SoldOut)))),
            [JobKind::CloseSales, JobKind::Remind]
        );
        assert_eq!(
            kinds(&jobs_for(Some(&session(SessionStatus::Closed)))),
            [JobKind::Remind]
        );
        assert!(jobs_for(None).is_empty());
    }

    #[test]
    fn a_cancelled_session_is_refunded_at_once() {
        assert_eq!(
            jobs_for(Some(&session(SessionStatus::Cancelled))),
            [PlannedJob {
                kind: JobKind::RefundCancelled,
                due_at: DateTime::<Utc>::UNIX_EPOCH
            }]
        );
    }

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in JobKind::ALL {
            assert_eq!(JobKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(JobKind::parse("reminder"), None);
    }
}
