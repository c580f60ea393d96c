//! The HTTP API under `/api/manage`, one module per noun.

pub mod discounts;
pub mod events;
pub mod layouts;
pub mod organisations;
pub mod sessions;
pub mod tiers;
pub mod venues;
pub mod waiting_room;

use serde::{Deserialize, Serialize};

/// `?page=&per_page=` on list endpoints.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// 1-based page number.
    #[serde(default = "first_page")]
    pub page: u32,
    /// Items per page, at most 100.
    #[serde(default = "default_per_page")]
    pub per_page: u32,
}

fn first_page() -> u32 {
    1
}

fn default_per_page() -> u32 {
    20
}

impl PageQuery {
    pub fn limit(self) -> i64 {
        i64::from(self.per_page.clamp(1, 100))
    }

    pub fn offset(self) -> i64 {
        i64::from(self.page.max(1) - 1) * self.limit()
    }
}

/// One page of a list, with the total so clients can page.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub total: i64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, query: PageQuery, total: i64) -> Self {
        Self {
            items,
            page: query.page.max(1),
            per_page: query.per_page.clamp(1, 100),
            total,
        }
    }
}
