"""Delivery metrics: labels are channel, outcome, reason and kind only, never who."""
from __future__ import annotations

import datetime as dt

from prometheus_client import Counter, Histogram

DELIVERIES = Counter("circles_notifications_total", "Notification outcomes",
                     ["channel", "outcome", "reason"])
LATENCY = Histogram("circles_notification_latency_seconds",
                    "From the source event's time to the message being accepted by the channel",
                    ["channel", "urgent"], buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600))


def record(delivery, now: dt.datetime) -> None:
    DELIVERIES.labels(delivery.channel, delivery.status, delivery.reason or "").inc()
    if delivery.status == "sent":
        LATENCY.labels(delivery.channel, str(delivery.urgent).lower()).observe(
            max(0.0, (now - delivery.source_time).total_seconds()))
