// Generated from order-service's /api/sales/openapi.json by packages/api/scripts/generate.mjs; do not edit.
// Regenerate with `npm run api:generate` (the stack must be running).

export type paths = {
    "/api/sales/events/{id}/attendees": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The event's tickets, one per row, by session, block and seat. */
        get: operations["event_attendees"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sales/events/{id}/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The event's orders, newest first. */
        get: operations["event_orders"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sales/holds/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["release_hold"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sales/holds/{token}/extend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["extend_hold"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sales/me/tickets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["my_tickets"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sales/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["create_order"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sales/orders/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["get_order"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sales/orders/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["cancel_order"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sales/orders/{id}/pay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["pay_order"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sales/orders/{id}/refunds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["refund_order"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sales/payments/stripe/webhook": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["stripe_webhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sales/sessions/{id}/holds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["hold_seats"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sales/sessions/{id}/queue": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["room_state"];
        put?: never;
        post: operations["join_queue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sales/sessions/{id}/queue/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["my_place"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sales/sessions/{id}/queue/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["queue_stats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sales/sessions/{id}/refunds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["refund_session"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sales/sessions/{id}/reminders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["remind_session"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sales/ticket-signing-key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ticket_signing_key"];
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
        Admission: {
            /** Format: date-time */
            checked_in_at: string;
            gate: string;
            /** @description Always `admitted`. */
            outcome: components["schemas"]["ScanOutcome"];
            ticket: components["schemas"]["ScannedTicket"];
        };
        Attendee: {
            block_id: string;
            buyer_email: string;
            buyer_name: string;
            /** Format: date-time */
            checked_in_at?: string | null;
            checked_in_gate?: string | null;
            currency: string;
            holder_name: string;
            /** Format: uuid */
            order_id: string;
            /** @description The seat's label (e.g. `B12`), or the standing area's name. */
            place_label?: string | null;
            /**
             * Format: int64
             * @description What was paid for this place, after discount.
             */
            price_minor: number;
            /** @description Null for a standing place. */
            seat_id?: string | null;
            /** Format: uuid */
            session_id: string;
            /** Format: date-time */
            session_starts_at?: string | null;
            status: components["schemas"]["TicketStatus"];
            /** Format: uuid */
            ticket_id: string;
            /** Format: uuid */
            tier_id: string;
            tier_name?: string | null;
        };
        AttendeesPage: {
            items: components["schemas"]["Attendee"][];
            /** Format: int32 */
            page: number;
            /** Format: int32 */
            per_page: number;
            /** Format: int64 */
            total: number;
        };
        BatchResults: {
            /** @description One result per scan, in the order sent. */
            results: components["schemas"]["ScanResult"][];
        };
        BuyerDetails: {
            email: string;
            /** @description Printed on the tickets. */
            name: string;
        };
        CreateOrder: {
            buyer: components["schemas"]["BuyerDetails"];
            /** @description Case-insensitive. */
            discount_code?: string | null;
            hold_token: string;
        };
        Error: {
            error: {
                code: string;
                /** @description JSON pointer into the body, or a parameter name */
                field?: string;
                message: string;
            };
        };
        GateCount: {
            /** Format: int64 */
            admitted: number;
            gate: string;
        };
        HeldSeat: {
            block_id: string;
            label: string;
            seat_id: string;
            /** Format: uuid */
            tier_id: string;
        };
        HeldStanding: {
            block_id: string;
            /** Format: int32 */
            quantity: number;
            /** Format: uuid */
            tier_id: string;
        };
        /** @description A live hold. */
        Hold: {
            /** Format: date-time */
            expires_at: string;
            /** @description Whether the one extension has been used. */
            extended: boolean;
            /** @description The hold's secret: order, extend or release with it. */
            hold_token: string;
            seats: components["schemas"]["HeldSeat"][];
            /** Format: uuid */
            session_id: string;
            standing: components["schemas"]["HeldStanding"][];
        };
        HoldSeats: {
            /**
             * @description While the session's waiting room is active: the admission pass the queue gave this
             *     buyer (`/api/sales/sessions/{id}/queue/me`); without a valid one the hold is refused.
             */
            admission_pass?: string | null;
            /**
             * @description Required without a bearer token: an id the guest's browser made up and keeps for the
             *     visit (8-64 characters of A-Z, a-z, 0-9, `-`, `_`). Ignored when signed in.
             */
            buyer_id?: string | null;
            /**
             * Format: int32
             * @description Best available: how many places.
             */
            quantity?: number | null;
            /** @description Seats to hold by id: all of them or none. */
            seats?: string[] | null;
            /** @description Standing places to hold, per standing area. */
            standing?: components["schemas"]["StandingRequest"][] | null;
            /**
             * Format: uuid
             * @description Best available: the tier to pick from (with `quantity`, instead of `seats`/`standing`).
             *     Seats go adjacent in one row where any row has room, without stranding single seats.
             */
            tier_id?: string | null;
        };
        /** @description Whose place: a signed-in buyer is their token's subject, a guest their browser's id. */
        JoinQueue: {
            /**
             * @description Required without a bearer token: the id the guest's browser made up for the visit
             *     (8-64 characters of A-Z, a-z, 0-9, `-`, `_`), the same one its holds carry. Ignored when
             *     signed in.
             */
            buyer_id?: string | null;
        };
        Manifest: {
            /**
             * Format: int64
             * @description Valid tickets already admitted.
             */
            admitted: number;
            /** Format: uuid */
            event_id: string;
            /**
             * Format: int64
             * @description Tickets that may enter (status `valid`), admitted or not.
             */
            expected: number;
            /** @description Admissions per gate, busiest first. */
            gates: components["schemas"]["GateCount"][];
            /** Format: date-time */
            generated_at: string;
            /** Format: uuid */
            session_id: string;
            tickets: components["schemas"]["ManifestEntry"][];
        };
        /** @description One ticket as a gate needs it offline: what to show and whether it may still enter. */
        ManifestEntry: {
            block_id: string;
            /** Format: date-time */
            checked_in_at?: string | null;
            gate?: string | null;
            /** @description The name printed on the ticket. */
            holder_name: string;
            /** @description Null for a standing place. */
            seat_id?: string | null;
            seat_label?: string | null;
            /** @description Only a `valid` ticket enters. */
            status: components["schemas"]["TicketStatus"];
            /** Format: uuid */
            ticket_id: string;
            /** @description The number printed on the ticket, e.g. `K7Q2-9XMB-4TZ8`, for typed entry offline. */
            ticket_number: string;
            /** Format: uuid */
            tier_id: string;
            tier_name?: string | null;
        };
        MyTickets: {
            tickets: components["schemas"]["Ticket"][];
        };
        NewRefund: {
            /** @description Why, in words the buyer may read (e.g. "restricted view"). */
            reason: string;
            /** @description Tickets of the order to refund; every ticket still valid when absent. */
            ticket_ids?: string[] | null;
        };
        OfflineScan: {
            gate: string;
            /** @description The text of the ticket's QR code. Give either this or `ticket_number`. */
            qr?: string | null;
            /**
             * @description The device's own id for this scan (e.g. a UUID); a scan sent again with the same id
             *     gets the same result and admits no one.
             */
            scan_id: string;
            /**
             * Format: date-time
             * @description When the device scanned the code. Up to two minutes ahead of the server's clock counts
             *     as now; later, or more than 14 days ago, the scan is refused (`invalid_scan_time`).
             */
            scanned_at: string;
            /**
             * Format: uuid
             * @description The session the gate admits to; required with `ticket_number` and only then.
             */
            session_id?: string | null;
            /**
             * @description The ticket's number as typed by staff. Give either this or `qr`; needs `session_id`.
             * @example K7Q2-9XMB-4TZ8
             */
            ticket_number?: string | null;
        };
        Order: {
            /**
             * @description A guest order's own secret: send it in the `Order-Access-Token` header to read, pay or
             *     cancel the order. Absent for orders of signed-in buyers.
             */
            access_token?: string | null;
            buyer: components["schemas"]["BuyerDetails"];
            /**
             * @description Stripe: the PaymentIntent's client secret, when the browser must finish a customer
             *     action (3-D Secure).
             */
            client_secret?: string | null;
            /** Format: date-time */
            closed_at?: string | null;
            /** Format: date-time */
            created_at: string;
            currency: string;
            discount_code?: string | null;
            /** Format: int64 */
            discount_minor: number;
            /** Format: uuid */
            event_id: string;
            /**
             * Format: date-time
             * @description A pending order must be paid before this.
             */
            expires_at: string;
            items: components["schemas"]["OrderItem"][];
            /** Format: uuid */
            order_id: string;
            /** Format: date-time */
            paid_at?: string | null;
            payments: components["schemas"]["Payment"][];
            /** Format: uuid */
            session_id: string;
            /**
             * @description `pending` → `paid` → `ticketed`; `pending` → `expired` | `cancelled`; `paid` →
             *     `refunded`. A payment that arrives after expiry completes an `expired` order when its
             *     places are still free, and refunds it otherwise.
             */
            status: components["schemas"]["OrderStatus"];
            /** Format: int64 */
            subtotal_minor: number;
            /** Format: date-time */
            ticketed_at?: string | null;
            tickets: components["schemas"]["Ticket"][];
            /** Format: int64 */
            total_minor: number;
        };
        OrderItem: {
            block_id: string;
            /** Format: int64 */
            discount_minor: number;
            label?: string | null;
            /** Format: int64 */
            price_minor: number;
            /** @description Null for a standing place. */
            seat_id?: string | null;
            /** Format: uuid */
            tier_id: string;
            /** Format: int64 */
            unit_price_minor: number;
        };
        OrderRefunds: {
            /** Format: uuid */
            order_id: string;
            /** @description `refunded` once every ticket is; `ticketed` while some still stand. */
            order_status: components["schemas"]["OrderStatus"];
            refund?: null | components["schemas"]["Refund"];
            /** @description Every refund of the order, oldest first. */
            refunds: components["schemas"]["Refund"][];
        };
        OrderReport: {
            buyer_email: string;
            buyer_name: string;
            /** Format: date-time */
            created_at: string;
            currency: string;
            discount_code?: string | null;
            /** Format: int64 */
            discount_minor: number;
            /** Format: uuid */
            order_id: string;
            /** Format: date-time */
            paid_at?: string | null;
            /**
             * Format: int64
             * @description Seats and standing places ordered.
             */
            places: number;
            /** Format: uuid */
            session_id: string;
            /** Format: date-time */
            session_starts_at?: string | null;
            status: components["schemas"]["OrderStatus"];
            /** Format: int64 */
            subtotal_minor: number;
            /** Format: int64 */
            total_minor: number;
        };
        OrdersPage: {
            items: components["schemas"]["OrderReport"][];
            /** Format: int32 */
            page: number;
            /** Format: int32 */
            per_page: number;
            /** Format: int64 */
            total: number;
        };
        /**
         * @description An order, from its hold to its tickets (or its end).
         * @enum {string}
         */
        OrderStatus: "pending" | "paid" | "ticketed" | "expired" | "cancelled" | "refunded";
        Payment: {
            /** Format: int64 */
            amount_minor: number;
            /** Format: date-time */
            created_at: string;
            currency: string;
            failure_code?: string | null;
            /** Format: uuid */
            payment_id: string;
            provider: string;
            /** @description `processing`, `succeeded`, `failed`, `refund_pending` or `refunded`. */
            status: components["schemas"]["PaymentStatus"];
        };
        /**
         * @description One attempt to take (and perhaps give back) an order's money.
         * @enum {string}
         */
        PaymentStatus: "processing" | "failed" | "succeeded" | "refund_pending" | "refunded";
        PayOrder: {
            /**
             * @description Sandbox: a test card number — `4242 4242 4242 4242` approves, `4000 0000 0000 0002`
             *     declines, `4000 0000 0000 9995` declines for insufficient funds, `4000 0000 0000 3220`
             *     settles after a delay (the order stays `pending` with a `processing` payment until
             *     then). Stripe: a PaymentMethod id (`pm_…`).
             */
            payment_method: string;
        };
        /** @description A session's waiting room as anyone may see it. */
        QueueRoom: {
            /** @description Whether buyers must queue now: the room is on, has opened and sales have not ended. */
            active: boolean;
            /**
             * Format: int32
             * @description Buyers let through per minute.
             */
            admit_per_minute: number;
            /** @description Whether the session has a waiting room at all. */
            enabled: boolean;
            /**
             * Format: date-time
             * @description When the room opens for joining.
             */
            opens_at: string;
            /**
             * Format: int32
             * @description How long an admission pass lasts.
             */
            pass_minutes: number;
            /** Format: date-time */
            sales_end_at: string;
            /**
             * Format: date-time
             * @description When sales open: everyone who joined before gets a random place, admission starts.
             */
            sales_start_at: string;
            /** Format: uuid */
            session_id: string;
            /**
             * Format: int64
             * @description Visitors waiting now.
             */
            waiting: number;
        };
        /** @description The room as its organisers watch it. */
        QueueStats: {
            active: boolean;
            /** Format: int32 */
            admit_per_minute: number;
            /** Format: int64 */
            admitted_last_minute: number;
            /** Format: int64 */
            admitted_total: number;
            /**
             * Format: double
             * @description Mean time from joining (or from the sales start, for the early crowd) to admission.
             */
            average_wait_seconds: number;
            /** Format: int64 */
            waiting: number;
        };
        /** @description A buyer's place in the queue. */
        QueueTicket: {
            /**
             * Format: int64
             * @description Visitors ahead; `null` when `position` is.
             */
            ahead?: number | null;
            /**
             * Format: int64
             * @description Seconds until admission at the room's rate; `null` when `position` is.
             */
            estimated_wait_seconds?: number | null;
            /** Format: date-time */
            opens_at: string;
            /** @description The admission pass, once admitted: send it as `admission_pass` with each hold. */
            pass?: string | null;
            /**
             * Format: date-time
             * @description When the pass expires (the same on every read); after it, queue again.
             */
            pass_expires_at?: string | null;
            /**
             * Format: int64
             * @description 1-based; `null` before sales open (the early crowd is shuffled then) and once admitted.
             */
            position?: number | null;
            /** Format: date-time */
            sales_start_at: string;
            /**
             * @description `waiting`, `admitted` (hold seats with `pass` until `pass_expires_at`) or
             *     `not_required` (the room is not active: hold without a pass).
             * @example waiting
             */
            state: string;
            /**
             * @description The place's id: follow it live at query-service's
             *     `/api/catalog/sessions/{id}/queue/stream?visitor=`. `null` when no queue is needed.
             */
            visitor_id?: string | null;
        };
        Refund: {
            /** Format: int64 */
            amount_minor: number;
            /** Format: date-time */
            created_at: string;
            currency: string;
            reason: string;
            /** Format: uuid */
            refund_id: string;
            /** Format: date-time */
            refunded_at?: string | null;
            /** @description `pending` until the payment provider has returned the money, then `refunded`. */
            status: components["schemas"]["RefundStatus"];
            ticket_ids: string[];
        };
        /**
         * @description Money owed back for some tickets of an order: `pending` until the payment provider has
         *     returned it.
         * @enum {string}
         */
        RefundStatus: "pending" | "refunded";
        RemindersQueued: {
            /**
             * Format: int64
             * @description Reminders queued by this request: one per order with a valid ticket not reminded yet
             *     (0 once the performance has begun).
             */
            queued: number;
            /** Format: uuid */
            session_id: string;
        };
        Scan: {
            /** @description Where the scan happened, e.g. `north-1`. */
            gate: string;
            /** @description The text of the ticket's QR code. Give either this or `ticket_number`. */
            qr?: string | null;
            /**
             * Format: uuid
             * @description The session the gate admits to; required with `ticket_number`, which must name one of
             *     its tickets, and only then (a QR code names its session itself).
             */
            session_id?: string | null;
            /**
             * @description The ticket's number as typed by staff (case, dashes and spaces do not matter; O reads
             *     as 0, I and L as 1). Give either this or `qr`; needs `session_id`.
             * @example K7Q2-9XMB-4TZ8
             */
            ticket_number?: string | null;
        };
        ScanBatch: {
            /** @description Up to 500 scans, in any order. */
            scans: components["schemas"]["OfflineScan"][];
        };
        ScannedTicket: {
            block_id: string;
            /** Format: uuid */
            event_id: string;
            holder_name: string;
            /** @description Null for a standing place. */
            seat_id?: string | null;
            seat_label?: string | null;
            /** Format: uuid */
            session_id: string;
            /** Format: uuid */
            ticket_id: string;
            /**
             * @description The number printed on the ticket, e.g. `K7Q2-9XMB-4TZ8`. Missing only from the stored
             *     answer of an offline scan synced before tickets had numbers.
             */
            ticket_number?: string;
            /** Format: uuid */
            tier_id: string;
            tier_name?: string | null;
        };
        /**
         * @description What a scan came to, as stored with it and answered for it.
         * @enum {string}
         */
        ScanOutcome: "admitted" | "already_admitted" | "not_valid" | "invalid_code" | "invalid_scan_time" | "unknown_ticket" | "forbidden";
        ScanResult: {
            /** Format: date-time */
            admitted_at?: string | null;
            admitted_gate?: string | null;
            message?: string | null;
            /**
             * @description `admitted`; `already_admitted` (the ticket's first admission stands: see `admitted_at`
             *     and `admitted_gate`); `not_valid` (refunded or void); `invalid_code` (also a
             *     `ticket_number` that cannot be one); `invalid_scan_time` (`scanned_at` in the future or
             *     too long ago); `unknown_ticket` (also a number that names no ticket of `session_id`);
             *     `forbidden`.
             */
            outcome: components["schemas"]["ScanOutcome"];
            scan_id: string;
            ticket?: null | components["schemas"]["ScannedTicket"];
        };
        /** @description The manifest's counts without its tickets: cheap enough for a gate to ask every few seconds. */
        SessionCounts: {
            /**
             * Format: int64
             * @description Valid tickets already admitted.
             */
            admitted: number;
            /** Format: uuid */
            event_id: string;
            /**
             * Format: int64
             * @description Tickets that may enter (status `valid`), admitted or not.
             */
            expected: number;
            /** @description Admissions per gate, busiest first. */
            gates: components["schemas"]["GateCount"][];
            /** Format: date-time */
            generated_at: string;
            /** Format: uuid */
            session_id: string;
        };
        SessionRefundOutcome: {
            /**
             * Format: int64
             * @description Orders this request refunded (0 when a previous request refunded them already).
             */
            refunded_orders: number;
            /**
             * Format: int64
             * @description Paid orders still standing: 0 unless some refund failed (ask again).
             */
            remaining_orders: number;
            /** Format: uuid */
            session_id: string;
        };
        SessionRefundRequest: {
            /** @description Why, in words the buyers may read (e.g. "the performance is cancelled"). */
            reason: string;
        };
        /** @description The key that verifies ticket codes, for check-in devices that scan offline. */
        SigningKey: {
            /** @description Always `Ed25519`. */
            algorithm: string;
            /** @description How a code is laid out and what is signed. */
            format: string;
            /** @description The same key as a JWK (RFC 8037). */
            jwk: Record<string, never>;
            /** @description A fingerprint of the key (hex of the first 8 bytes of its SHA-256). */
            key_id: string;
            /** @description The 32-byte public key, base64url without padding. */
            public_key: string;
        };
        StandingRequest: {
            block_id: string;
            /** Format: int32 */
            quantity: number;
        };
        Ticket: {
            block_id: string;
            /** Format: date-time */
            checked_in_at?: string | null;
            checked_in_gate?: string | null;
            currency: string;
            /** Format: uuid */
            event_id: string;
            holder_name: string;
            /** Format: date-time */
            issued_at: string;
            /** Format: uuid */
            order_id: string;
            /** Format: int64 */
            price_minor: number;
            /** @description What the ticket's QR code encodes (valid tickets only); see `/api/sales/ticket-signing-key`. */
            qr?: string | null;
            /** @description Null for a standing place. */
            seat_id?: string | null;
            seat_label?: string | null;
            /** Format: uuid */
            session_id: string;
            /** @description Only a `valid` ticket enters. */
            status: components["schemas"]["TicketStatus"];
            /** Format: uuid */
            ticket_id: string;
            /**
             * @description What a person reads out or types when the QR code cannot be scanned, e.g.
             *     `K7Q2-9XMB-4TZ8` (Crockford base32).
             * @example K7Q2-9XMB-4TZ8
             */
            ticket_number: string;
            /** Format: uuid */
            tier_id: string;
        };
        /**
         * @description A ticket: `valid` admits, the others do not.
         * @enum {string}
         */
        TicketStatus: "valid" | "refunded" | "void";
        WebhookReceipt: {
            /** @description What the event did: `settled`, `failed`, or `ignored`. */
            action: string;
            received: boolean;
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
    event_attendees: {
        parameters: {
            query?: {
                /** @description 1-based page number (JSON only; CSV has every matching row). */
                page?: number;
                /** @description Rows per page, 1 to 200, 50 when absent (JSON only). */
                per_page?: number;
                /** @description Only this session's rows. */
                session_id?: string;
                /**
                 * @description Only rows in this status: an order's (`pending`, `paid`, `ticketed`, `expired`,
                 *     `cancelled`, `refunded`) or a ticket's (`valid`, `refunded`, `void`).
                 */
                status?: string;
            };
            header?: never;
            path: {
                /** @description the event */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of tickets as JSON, or every matching ticket as CSV (`Accept: text/csv`) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AttendeesPage"];
                    "text/csv": string;
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
            /** @description not signed in */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description staff of the event's organisation: attendee lists are for its organisers */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description no such event, or not an event of an organisation you belong to */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description a status, page or per_page out of range */
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
    event_orders: {
        parameters: {
            query?: {
                /** @description 1-based page number (JSON only; CSV has every matching row). */
                page?: number;
                /** @description Rows per page, 1 to 200, 50 when absent (JSON only). */
                per_page?: number;
                /** @description Only this session's rows. */
                session_id?: string;
                /**
                 * @description Only rows in this status: an order's (`pending`, `paid`, `ticketed`, `expired`,
                 *     `cancelled`, `refunded`) or a ticket's (`valid`, `refunded`, `void`).
                 */
                status?: string;
            };
            header?: never;
            path: {
                /** @description the event */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of orders as JSON, or every matching order as CSV (one row per order; `Accept: text/csv`) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrdersPage"];
                    "text/csv": string;
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
            /** @description not signed in */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description staff of the event's organisation: orders are for its organisers */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description no such event, or not an event of an organisation you belong to */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description a status, page or per_page out of range */
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
    release_hold: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the hold token */
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description released; a pending order placed from the hold is cancelled */
            204: {
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
            /** @description no bearer token, or one that is expired, forged or for another audience */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
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
            /** @description no such live hold */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the hold's order is paid */
            409: {
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
    extend_hold: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the hold token */
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description extended by the configured extension, once */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Hold"];
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
            /** @description no bearer token, or one that is expired, forged or for another audience */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
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
            /** @description no such live hold */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description already extended */
            409: {
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
    my_tickets: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MyTickets"];
                };
            };
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
    create_order: {
        parameters: {
            query?: never;
            header: {
                /** @description required; the same key with the same body returns the same order (200), with another body 422 */
                "Idempotency-Key": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateOrder"];
            };
        };
        responses: {
            /** @description a repeat of an earlier request with this key */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            /** @description placed, pending payment */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
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
            /** @description no bearer token, or one that is expired, forged or for another audience */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the hold was taken by another signed-in user */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description a place was sold meanwhile (`unavailable`), the discount is used up, or the hold already has an order */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the hold has expired */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description invalid buyer details or discount code, or the key was used for another request */
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
    get_order: {
        parameters: {
            query?: never;
            header?: {
                /** @description a guest order's `access_token` */
                "Order-Access-Token"?: string | null;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
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
            /** @description neither a bearer token nor an order access token */
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
            /** @description no such order, or not yours: a guest order needs its access token */
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
    cancel_order: {
        parameters: {
            query?: never;
            header?: {
                /** @description a guest order's `access_token` */
                "Order-Access-Token"?: string | null;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description cancelled; its places and discount use are released */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
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
            /** @description no bearer token, or one that is expired, forged or for another audience */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
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
            /** @description no such order, or not yours: a guest order needs its access token */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the order is no longer pending */
            409: {
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
    pay_order: {
        parameters: {
            query?: never;
            header?: {
                /** @description a guest order's `access_token` */
                "Order-Access-Token"?: string | null;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PayOrder"];
            };
        };
        responses: {
            /** @description paid and ticketed, or still processing (see the payment) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
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
            /** @description no bearer token, or one that is expired, forged or for another audience */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description declined; the order stays pending and can be paid with another method */
            402: {
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
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description a payment is already processing, or the places were sold while the payment was processed (it is refunded) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the order has expired or was cancelled */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description a value in the body cannot be used (`field` is its JSON pointer) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the payment provider could not be reached */
            502: {
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
    refund_order: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewRefund"];
            };
        };
        responses: {
            /** @description nothing left to refund (a repeated request): nothing changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderRefunds"];
                };
            };
            /** @description refunded: the tickets no longer scan, their places are for sale again, and the money goes back */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderRefunds"];
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
            /** @description no bearer token, or one that is expired, forged or for another audience */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
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
            /** @description no such order, or not an order of an event you organise */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the order was never paid */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description a ticket that is not the order's, or no reason */
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
    stripe_webhook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description a Stripe event, signed in the Stripe-Signature header */
        requestBody: {
            content: {
                "text/plain": string;
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookReceipt"];
                };
            };
            /** @description missing, malformed, stale or wrong signature */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description a value in the body cannot be used (`field` is its JSON pointer) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
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
    hold_seats: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description session id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["HoldSeats"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Hold"];
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
            /** @description no bearer token, or one that is expired, forged or for another audience */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the session's waiting room is active and the request has no valid `admission_pass` for this buyer (`admission_pass_required`; `queue` is where to join) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description no such session */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description places held or sold (`unavailable` lists them), or the session is not on sale */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unknown seat or area, or an invalid request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the buyer would hold more than the per-buyer cap */
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
    room_state: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description session id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueueRoom"];
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
            /** @description no such session */
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
    join_queue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description session id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["JoinQueue"];
            };
        };
        responses: {
            /** @description the buyer already has a place (another tab's): the same one */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueueTicket"];
                };
            };
            /** @description a new place */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueueTicket"];
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
            /** @description no bearer token, or one that is expired, forged or for another audience */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
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
            /** @description no such session */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the room is not open for joining (`queue_not_open`: no waiting room, not yet open — see `opens_at` — or sales over) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no bearer token and no valid `buyer_id` */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description too many joins from this client address (`too_many_joins`) */
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
    my_place: {
        parameters: {
            query?: {
                /** @description Without a bearer token: the guest's buyer id. */
                buyer_id?: string | null;
            };
            header?: never;
            path: {
                /** @description session id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the buyer's place; once admitted with `pass` and `pass_expires_at`; `not_required` while the room is not active */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueueTicket"];
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
            /** @description no bearer token, or one that is expired, forged or for another audience */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
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
            /** @description no such session, or the buyer has no place (never joined, or their pass expired: join again) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description no bearer token and no valid `buyer_id` */
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
    queue_stats: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description session id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueueStats"];
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
            /** @description no bearer token, or one that is expired, forged or for another audience */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description staff of the event's organisation: the figures are for its organisers */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description no such session, or not one of an organisation you belong to */
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
    refund_session: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SessionRefundRequest"];
            };
        };
        responses: {
            /** @description every paid order of the session refunded, each exactly once however often this is asked */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionRefundOutcome"];
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
            /** @description no bearer token, or one that is expired, forged or for another audience */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
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
            /** @description no such session, or not one of an event you organise */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no reason */
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
    remind_session: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description each ticket holder is mailed their tickets once, however often this is asked */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RemindersQueued"];
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
            /** @description no bearer token, or one that is expired, forged or for another audience */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
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
            /** @description no such session, or not one of an event you organise */
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
    ticket_signing_key: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SigningKey"];
                };
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
