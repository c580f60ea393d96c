#!/usr/bin/env python3
"""Writes one Grafana dashboard per service (<service>.json beside this file) from the metrics
the services export. The Prometheus exporter renders histograms as summaries (quantile
series plus _sum and _count), so latencies are read from quantile="0.5"/"0.99".
k3s/validate checks that every metric named here is one the Rust sources record."""
import json
import os

here = os.path.dirname(os.path.abspath(__file__))


def panel(title, exprs, unit="short", kind="timeseries"):
    return {
        "type": kind,
        "title": title,
        "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": [
            {"refId": chr(ord("A") + i), "expr": expr, "legendFormat": legend}
            for i, (expr, legend) in enumerate(exprs)
        ],
    }


def http_panels(job):
    sel = f'job="{job}"'
    return [
        panel("Requests per second by route",
              [(f"sum by (route) (rate(http_requests_total{{{sel}}}[5m]))", "{{route}}")], "reqps"),
        panel("5xx share of requests",
              [(f'sum(rate(http_requests_total{{{sel},status=~"5.."}}[5m])) / clamp_min(sum(rate(http_requests_total{{{sel}}}[5m])), 1e-9)', "5xx")],
              "percentunit"),
        panel("Responses by status",
              [(f"sum by (status) (rate(http_requests_total{{{sel}}}[5m]))", "{{status}}")], "reqps"),
        panel("Latency p50 / p99 by route (slowest pod)",
              [(f'max by (route) (http_request_duration_seconds{{{sel},quantile="0.99"}})', "p99 {{route}}"),
               (f'max by (route) (http_request_duration_seconds{{{sel},quantile="0.5"}})', "p50 {{route}}")], "s"),
    ]


extra = {
    "command-service": [],
    "scheduler": [],
    "order-service": [
        panel("Holds by outcome", [('sum by (outcome) (rate(holds_total{job="order-service"}[5m]))', "{{outcome}}")], "ops"),
        panel("Orders placed, tickets issued",
              [('sum(rate(orders_placed_total{job="order-service"}[5m]))', "orders"),
               ('sum(rate(tickets_issued_total{job="order-service"}[5m]))', "tickets")], "ops"),
        panel("Payments by outcome", [('sum by (outcome) (rate(payments_total{job="order-service"}[5m]))', "{{outcome}}")], "ops"),
        panel("Late payments and refunds owed",
              [('sum by (outcome) (increase(late_payments_total{job="order-service"}[1h]))', "late {{outcome}}"),
               ('sum(increase(refunds_owed_total{job="order-service"}[1h]))', "refunds owed")]),
        panel("Check-in scans by outcome",
              [('sum by (outcome) (rate(check_in_scans_total{job="order-service"}[5m]))', "{{outcome}}")], "ops"),
    ],
    "query-service": [
        panel("Open SSE streams", [('sum by (stream) (sse_open_streams{job="query-service"})', "{{stream}}")]),
        panel("SSE events sent", [('sum by (stream, event) (rate(sse_events_sent_total{job="query-service"}[5m]))', "{{stream}} {{event}}")], "ops"),
        panel("Notification to send p99 (slowest pod)",
              [('max by (stream) (sse_notification_to_send_seconds{job="query-service",quantile="0.99"})', "p99 {{stream}}"),
               ('max by (stream) (sse_notification_to_send_seconds{job="query-service",quantile="0.5"})', "p50 {{stream}}")], "s"),
        panel("Lagged clients resynchronised", [('sum by (stream) (increase(sse_lagged_clients_total{job="query-service"}[5m]))', "{{stream}}")]),
        panel("Redis feed connected (per pod)", [('live_redis_feed_connected{job="query-service"}', "{{pod}}")]),
        panel("Redis feed lost", [('sum(increase(live_redis_feed_lost_total{job="query-service"}[1h]))', "lost")]),
    ],
    "projector": [
        panel("Consumer lag by topic", [('sum by (topic) (projector_consumer_lag{job="projector"})', "{{topic}}")]),
        panel("Changes projected by table", [('sum by (table) (rate(projector_changes_total{job="projector"}[5m]))', "{{table}}")], "ops"),
        panel("Commit to read model p99 by table (slowest pod)",
              [('max by (table) (projector_latency_seconds{job="projector",quantile="0.99"})', "p99 {{table}}"),
               ('max by (table) (projector_latency_seconds{job="projector",quantile="0.5"})', "p50 {{table}}")], "s"),
        panel("Errors by kind", [('sum by (kind) (increase(projector_errors_total{job="projector"}[5m]))', "{{kind}}")]),
        panel("Dead letters", [('sum(increase(projector_dead_letters_total{job="projector"}[1h]))', "dead letters")]),
    ],
}

for service, panels in extra.items():
    all_panels = http_panels(service) + panels
    for i, p in enumerate(all_panels):
        p["id"] = i + 1
        p["gridPos"] = {"h": 8, "w": 12, "x": (i % 2) * 12, "y": (i // 2) * 8}
    dashboard = {
        "uid": f"boxoffice-{service}",
        "title": f"Boxoffice / {service}",
        "tags": ["boxoffice"],
        "timezone": "utc",
        "schemaVersion": 39,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"}]},
        "panels": all_panels,
    }
    with open(os.path.join(here, f"{service}.json"), "w", encoding="utf-8") as f:
        json.dump(dashboard, f, indent=1)
        f.write("\n")
