"""Prometheus metrics shared by every service process (each process exposes its own /metrics)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUEST_SECONDS = Histogram(
    "houqin_http_request_seconds",
    "HTTP request latency",
    ["method", "route", "status"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
EVENTS_PRODUCED = Counter(
    "houqin_events_produced_total", "Events published to Kafka", ["topic", "type"]
)
EVENTS_CONSUMED = Counter(
    "houqin_events_consumed_total",
    "Events taken from Kafka, by outcome (handled, duplicate, ignored)",
    ["consumer", "type", "outcome"],
)
EVENTS_RETRIED = Counter(
    "houqin_events_retried_total",
    "Handler attempts that failed and were retried",
    ["consumer", "type"],
)
EVENTS_DEAD_LETTERED = Counter(
    "houqin_events_dead_lettered_total",
    "Events sent to the dead-letter topic",
    ["consumer", "reason"],
)
OUTBOX_BACKLOG = Gauge("houqin_outbox_backlog", "Outbox rows not yet published")
OUTBOX_OLDEST_AGE = Gauge(
    "houqin_outbox_oldest_age_seconds", "Age of the oldest unpublished outbox row"
)
# Alert on either: a quarantined event reached nobody (houqin_shared.relay).
OUTBOX_QUARANTINED = Counter(
    "houqin_outbox_quarantined_total",
    "Outbox rows the relay set aside (too large to publish) instead of publishing",
    ["topic", "type"],
)
OUTBOX_QUARANTINE_ROWS = Gauge(
    "houqin_outbox_quarantine_rows", "Rows waiting in outbox_quarantine for an operator"
)
CONSUMER_REBUILDS = Counter(
    "houqin_consumer_rebuilds_total",
    "Consumers stopped and made again because they were wedged (stuck or without partitions)",
    ["consumer", "reason"],
)
RELAY_LEADER = Gauge(
    "houqin_relay_leader", "1 while this relay holds its service's outbox lock and publishes"
)
READY = Gauge(
    "houqin_ready",
    "1 when the process's required dependencies answered at the last scrape (as /readyz)",
)
READY_CHECK = Gauge(
    "houqin_ready_check", "1 when one dependency answered at the last scrape", ["check"]
)
REQUESTS_SHED = Counter(
    "houqin_http_requests_shed_total",
    "Requests answered 503 overloaded at once: the process had HTTP_MAX_IN_FLIGHT in hand",
)
CONSUMER_LAG = Gauge(
    "houqin_consumer_lag", "Records behind the partition's end", ["consumer", "topic", "partition"]
)
