// Generated from query-service's /api/catalog/openapi.json by packages/api/scripts/generate.mjs; do not edit.
// Regenerate with `npm run api:generate` (the stack must be running).

export type paths = {
    "/api/catalog/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Searches published events that still have a session to come. */
        get: operations["search_events"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/catalog/events/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An event with its sessions and tiers. */
        get: operations["get_event"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/catalog/events/{id}/sales": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Sales per session and tier, with totals. */
        get: operations["get_event_sales"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/catalog/events/{id}/sales/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Streams an event's sales activity. */
        get: operations["stream_sales"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/catalog/events/{id}/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The sessions of an event, past ones included, ordered by start. */
        get: operations["list_event_sessions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/catalog/sessions/{id}/queue/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["stream_queue"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/catalog/sessions/{id}/seat-map": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A session's seat map with the status of every place. */
        get: operations["get_seat_map"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/catalog/sessions/{id}/seats/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Streams seat changes of one session. */
        get: operations["stream_seats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/catalog/trending": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["trending_events"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
};
export type webhooks = Record<string, never>;
export type components = {
    schemas: {
        Category: {
            category_id: string;
            name: string;
        };
        Error: {
            error: {
                code: string;
                /** @description JSON pointer into the body, or a parameter name */
                field?: string;
                message: string;
            };
        };
        /** @description An event as its public page shows it. */
        EventDetail: {
            /** Format: int64 */
            available: number;
            category?: null | components["schemas"]["Category"];
            cover_image_urls: string[];
            currency?: string | null;
            description: string;
            event_id: string;
            /**
             * Format: date-time
             * @description Start of the earliest and latest session that is not cancelled.
             */
            first_start?: string | null;
            /** Format: date-time */
            last_start?: string | null;
            organisation_id: string;
            organisation_name: string;
            /** Format: int64 */
            price_max_minor?: number | null;
            /** Format: int64 */
            price_min_minor?: number | null;
            /** Format: date-time */
            published_at?: string | null;
            /** @description Ordered by start. */
            sessions: components["schemas"]["Session"][];
            /** Format: int64 */
            sold: number;
            /** @description `published`, `cancelled` or `completed`. */
            status: string;
            tiers: components["schemas"]["Tier"][];
            title: string;
        };
        /** @description One page of search results. */
        EventPage: {
            items: components["schemas"]["EventSummary"][];
            /** Format: int32 */
            page: number;
            /** Format: int32 */
            per_page: number;
            /**
             * Format: int64
             * @description Matching events over all pages.
             */
            total: number;
        };
        EventSales: {
            by_tier: components["schemas"]["TierFigures"][];
            currency?: string | null;
            event_id: string;
            /** @description Ordered by start; sessions without sales show zeros. */
            sessions: components["schemas"]["SessionFigures"][];
            title: string;
            totals: components["schemas"]["Figures"];
        };
        /** @description The sessions of one event. */
        EventSessions: {
            event_id: string;
            /** @description Ordered by start. */
            sessions: components["schemas"]["Session"][];
        };
        /** @description An event in a list. */
        EventSummary: {
            /**
             * Format: int64
             * @description Places still unsold over all sessions.
             */
            available: number;
            category?: null | components["schemas"]["Category"];
            /** @description The first cover image. */
            cover_image_url?: string | null;
            currency?: string | null;
            /**
             * Format: double
             * @description To the nearest matching venue, with `near`.
             */
            distance_km?: number | null;
            event_id: string;
            next_session?: null | components["schemas"]["NextSession"];
            organisation_name: string;
            /** Format: int64 */
            price_max_minor?: number | null;
            /**
             * Format: int64
             * @description Cheapest and dearest tier, in minor units of `currency`.
             */
            price_min_minor?: number | null;
            title: string;
        };
        Figures: {
            /** Format: int64 */
            checked_in: number;
            /**
             * Format: int64
             * @description In minor units of the event's currency.
             */
            revenue_minor: number;
            /**
             * Format: int64
             * @description Valid tickets.
             */
            sold: number;
        };
        NextSession: {
            /**
             * Format: int64
             * @description Places still unsold in this session.
             */
            available: number;
            city?: string | null;
            session_id: string;
            /** Format: date-time */
            starts_at: string;
            status: string;
            venue_name?: string | null;
        };
        PlaceCounts: {
            /** Format: int64 */
            available: number;
            /** Format: int64 */
            capacity: number;
            /** Format: int64 */
            held: number;
            /** Format: int64 */
            sold: number;
        };
        /** @description The `position` event's data. */
        QueuePositionEvent: {
            /**
             * Format: int64
             * @description Visitors ahead; `null` before sales open.
             */
            ahead?: number | null;
            /**
             * Format: int64
             * @description Seconds until admission at the room's rate; `null` before sales open.
             */
            estimated_wait_seconds?: number | null;
            /**
             * Format: int64
             * @description 1-based; `null` before sales open (the early crowd gets random places then).
             */
            position?: number | null;
            /** @description `waiting`. */
            state: string;
        };
        /** @description The client may have missed changes; what it knows must be replaced by what follows. */
        Resync: {
            reason: components["schemas"]["ResyncReason"];
        };
        /** @enum {string} */
        ResyncReason: "lagged" | "feed_restarted" | "not_resumable";
        /** @description Seats that became held or were released (hold expired, released or deleted). */
        SeatChange: {
            seat_ids: string[];
            session_id: string;
        };
        /** @description A session's seat map with every place's live status. */
        SeatMapState: {
            event_id: string;
            /** @description The layout as designed (see the command-service layout schema). */
            layout: Record<string, never>;
            /** @description The status of every seat of the layout, by seat id. */
            seats: {
                [key: string]: components["schemas"]["SeatStatus"];
            };
            session_id: string;
            session_status: string;
            standing: components["schemas"]["StandingState"][];
            tiers: components["schemas"]["TierState"][];
            totals: components["schemas"]["PlaceCounts"];
            /** @description Changes whenever anything else in the document changes; the `ETag` of the seat map. */
            version?: string;
        };
        /** @description Seats (and standing places) that were sold: final for the life of the ticket. */
        SeatsSoldChange: {
            seat_ids: string[];
            session_id: string;
            /** @description Standing places sold by this sale, per block (increments, not totals). */
            standing?: Record<string, never>[];
        };
        /** @enum {string} */
        SeatStatus: "available" | "held" | "sold";
        Session: {
            /** Format: int64 */
            available: number;
            /** Format: int64 */
            capacity: number;
            /** Format: date-time */
            ends_at: string;
            /** @description `physical` or `online`. */
            mode: string;
            /** Format: date-time */
            sales_end: string;
            /** @description On sale and inside its sales window right now. */
            sales_open: boolean;
            /** Format: date-time */
            sales_start: string;
            session_id: string;
            /** Format: int64 */
            sold: number;
            /** Format: date-time */
            starts_at: string;
            /** @description `SCHEDULED`, `ON_SALE`, `SOLD_OUT`, `CLOSED` or `CANCELLED`. */
            status: string;
            venue?: null | components["schemas"]["Venue"];
        };
        SessionFigures: {
            by_tier: components["schemas"]["TierFigures"][];
            /** Format: int64 */
            capacity?: number | null;
            /** Format: int64 */
            checked_in: number;
            /** Format: int64 */
            revenue_minor: number;
            session_id: string;
            /** Format: int64 */
            sold: number;
            /**
             * Format: date-time
             * @description `None` for a session the event document no longer lists.
             */
            starts_at?: string | null;
            status?: string | null;
        };
        /** @description A standing block: interchangeable places, counted rather than listed. */
        StandingState: components["schemas"]["PlaceCounts"] & {
            block_id: string;
            tier_id: string;
        };
        Tier: {
            colour: string;
            currency: string;
            name: string;
            /** Format: int64 */
            price_minor: number;
            tier_id: string;
        };
        TierFigures: {
            /** Format: int64 */
            checked_in: number;
            /** @description `None` for a tier the event no longer has. */
            name?: string | null;
            /** Format: int64 */
            revenue_minor: number;
            /** Format: int64 */
            sold: number;
            tier_id: string;
        };
        /** @description A price tier and its places (seats and standing). */
        TierState: components["schemas"]["PlaceCounts"] & {
            colour: string;
            currency: string;
            name: string;
            /** Format: int64 */
            price_minor: number;
            tier_id: string;
        };
        /** @description Best sellers first, then the soonest upcoming events without recent sales. */
        Trending: {
            items: components["schemas"]["TrendingEvent"][];
        };
        TrendingEvent: components["schemas"]["EventSummary"] & {
            /**
             * Format: double
             * @description The event's trending score (higher is hotter); absent while no ranking has been
             *     computed, and for events added to fill the list.
             */
            score?: number | null;
            /**
             * Format: double
             * @description Share of the upcoming sessions' places sold (0 to 1), when ranked.
             */
            sell_through?: number | null;
            /** Format: int64 */
            tickets_last_7_days: number;
            /**
             * Format: int64
             * @description Distinct visitors of the event page per hour over the last day, when ranked.
             */
            views_last_24_hours?: number | null;
        };
        Venue: {
            address_line: string;
            city: string;
            country: string;
            /** Format: double */
            latitude: number;
            /** Format: double */
            longitude: number;
            name: string;
            postcode?: string | null;
            /** @description IANA time zone, for showing local times. */
            timezone: string;
            venue_id: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
};
export type $defs = Record<string, never>;
export interface operations {
    search_events: {
        parameters: {
            query?: {
                /** @description Category id. */
                category?: string;
                /** @description City of a session's venue (case-insensitive, exact). */
                city?: string;
                /** @description Sessions starting at or after: RFC 3339, or `YYYY-MM-DD` (midnight UTC). */
                from?: string;
                /** @description Events with a tier at this price or cheaper (minor units). */
                max_price?: number;
                /** @description Events with a tier at this price or dearer (minor units). */
                min_price?: number;
                /**
                 * @description `LAT,LNG` in decimal degrees: only events with a session within `radius_km`.
                 * @example 51.4545,-2.5879
                 */
                near?: string;
                /** @description 1-based page number. */
                page?: number;
                /** @description Items per page (default 20, at most 100). */
                per_page?: number;
                /**
                 * @description Words that must all occur (title, description, organiser, category, venues, cities);
                 *     each matches the start of a word, case-insensitively.
                 */
                q?: string;
                /** @description Radius around `near` in km (default 25, at most 500). */
                radius_km?: number;
                /**
                 * @description `date` (default: soonest next session first), `relevance` (needs `q`),
                 *     `distance` (needs `near`) or `price` (cheapest tier first).
                 */
                sort?: "date" | "relevance" | "distance" | "price";
                /** @description Sessions starting at or before: RFC 3339, or `YYYY-MM-DD` (the whole day, UTC). */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "Cache-Control"?: string;
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventPage"];
                };
            };
            /** @description The `If-None-Match` tag is current */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description a path or query parameter (`field`) cannot be used, or the body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A parameter is invalid; `error.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description an engine this service needs is unavailable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    get_event: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Event id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "Cache-Control"?: string;
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventDetail"];
                };
            };
            /** @description The `If-None-Match` tag is current */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description a path or query parameter (`field`) cannot be used, or the body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such event, or not published */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description an engine this service needs is unavailable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    get_event_sales: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Event id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "Cache-Control"?: string;
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventSales"];
                };
            };
            /** @description The `If-None-Match` tag is current */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description a path or query parameter (`field`) cannot be used, or the body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the token's roles or memberships do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such event, or not the caller's organisation */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description an engine this service needs is unavailable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    stream_sales: {
        parameters: {
            query?: never;
            header?: {
                /** @description Resume after this event when still buffered */
                "Last-Event-ID"?: string | null;
            };
            path: {
                /** @description Event id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Events `activity` (a SalesActivity) and `resync` (activity may have been missed: refetch the totals) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": unknown;
                };
            };
            /** @description a path or query parameter (`field`) cannot be used, or the body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the token's roles or memberships do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such event among the caller's organisations' events */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Too many open streams from this client */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description an engine this service needs is unavailable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    list_event_sessions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Event id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "Cache-Control"?: string;
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventSessions"];
                };
            };
            /** @description The `If-None-Match` tag is current */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description a path or query parameter (`field`) cannot be used, or the body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such event, or not published */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description an engine this service needs is unavailable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    stream_queue: {
        parameters: {
            query: {
                /** @description The `visitor_id` order-service gave when the buyer joined the queue. */
                visitor: string;
            };
            header?: never;
            path: {
                /** @description Session id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Event `position` (a QueuePositionEvent) at connect and whenever the place changes; event `admitted` (`{}`) once the visitor is let through, then the stream ends (read the pass from order-service's `/api/sales/sessions/{id}/queue/me`). A comment heartbeat on quiet streams. A visitor already admitted gets `admitted` at once. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": unknown;
                };
            };
            /** @description a path or query parameter (`field`) cannot be used, or the body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such visitor in this session's waiting room */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The waiting room cannot be read right now */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    get_seat_map: {
        parameters: {
            query?: never;
            header?: {
                /** @description An ETag from an earlier answer */
                "If-None-Match"?: string | null;
            };
            path: {
                /** @description Session id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The seat map; `ETag` is its version, `Cache-Control: no-cache` */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SeatMapState"];
                };
            };
            /** @description Unchanged since the given ETag */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description a path or query parameter (`field`) cannot be used, or the body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No seat map for this session */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Live seat state is temporarily unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    stream_seats: {
        parameters: {
            query?: never;
            header?: {
                /** @description Resume after this event: the missed changes follow, or a fresh snapshot when it is too old or unknown */
                "Last-Event-ID"?: string | null;
            };
            path: {
                /** @description Session id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Events `snapshot` (a SeatMapState), `held`/`released` (a SeatChange), `sold` (a SeatsSoldChange), `resync` (a Resync, then a snapshot); ids `{epoch}-{seq}`; a comment heartbeat on idle streams */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": unknown;
                };
            };
            /** @description a path or query parameter (`field`) cannot be used, or the body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No seat map for this session */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Too many open streams from this client */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Live seat state is temporarily unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    trending_events: {
        parameters: {
            query?: {
                /** @description How many events (default 10, at most 50). */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "Cache-Control"?: string;
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Trending"];
                };
            };
            /** @description The `If-None-Match` tag is current */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description a path or query parameter (`field`) cannot be used, or the body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `limit` is invalid */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description an engine this service needs is unavailable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
