//! The session life cycle: which status changes are allowed, and who may make them. The
//! statuses themselves are shared ([`SessionStatus`]); the rules are this service's.

pub use shared_dto::status::SessionStatus;

/// Who asks for a change: organisers move sessions through their life cycle; `SOLD_OUT` (and
/// back) is the system's call, made from what actually sold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Organiser,
    System,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("a session cannot go from {from:?} to {to:?}")]
    Illegal {
        from: SessionStatus,
        to: SessionStatus,
    },
    #[error("only the system marks a session sold out or back on sale from sold out")]
    SystemOnly,
}

/// The rules of the life cycle, on the shared status.
pub trait SessionLifeCycle {
    /// Checks that `self → to` is allowed for `actor`.
    fn transition(self, to: SessionStatus, actor: Actor) -> Result<SessionStatus, TransitionError>;
}

impl SessionLifeCycle for SessionStatus {
    fn transition(self, to: SessionStatus, actor: Actor) -> Result<SessionStatus, TransitionError> {
        use SessionStatus::*;
        let allowed = matches!(
            (self, to),
            (Scheduled, OnSale)
                | (Scheduled, Cancelled)
                | (OnSale, Closed)
                | (OnSale, Cancelled)
                | (OnSale, SoldOut)
                | (SoldOut, OnSale)
                | (SoldOut, Closed)
                | (SoldOut, Cancelled)
                | (Closed, Cancelled)
        );
        if !allowed {
            return Err(TransitionError::Illegal { from: self, to });
        }
        let system_only = to == SoldOut || self == SoldOut && to == OnSale;
        if system_only && actor != Actor::System {
            return Err(TransitionError::SystemOnly);
        }
        Ok(to)
    }
}

#[cfg(test)]
mod tests {
    use super::Actor::{Organiser, System};
    use super::SessionStatus::*;
    use super::*;

    #[test]
    fn organisers_move_sessions_forward_through_their_life_cycle() {
        for (from, to) in [
            (Scheduled, OnSale),
            (OnSale, Closed),
            (Scheduled, Cancelled),
            (OnSale, Cancelled),
            (Closed, Cancelled),
        ] {
            assert_eq!(from.transition(to, Organiser), Ok(to), "{from:?} → {to:?}");
        }
    }

    #[test]
    fn illegal_transitions_are_refused_for_everyone() {
        for (from, to) in [
            (Scheduled, Closed),
            (Closed, OnSale),
            (Cancelled, OnSale),
            (Cancelled, Scheduled),
            (OnSale, Scheduled),
            (Scheduled, Scheduled),
        ] {
            for actor in [Organiser, System] {
                assert_eq!(
                    from.transition(to, actor),
                    Err(TransitionError::Illegal { from, to }),
                    "{from:?} → {to:?}"
                );
            }
        }
    }

    #[test]
    fn only_the_system_marks_sold_out_and_reopens_from_it() {
        assert_eq!(
            OnSale.transition(SoldOut, Organiser),
            Err(TransitionError::SystemOnly)
        );
        assert_eq!(OnSale.transition(SoldOut, System), Ok(SoldOut));
        assert_eq!(
            SoldOut.transition(OnSale, Organiser),
            Err(TransitionError::SystemOnly)
        );
        assert_eq!(SoldOut.transition(OnSale, System), Ok(OnSale));
        assert_eq!(SoldOut.transition(Closed, Organiser), Ok(Closed));
    }
}
