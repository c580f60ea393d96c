drop table if exists idempotency_key, ticket_scan, ticket, payment, discount_redemption,
    discount_usage, standing_allocation, order_item, purchase_order;
