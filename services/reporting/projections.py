"""Event handlers that keep the KPI projections; each runs inside the consumer's unit
of work, next to the processed-events row that makes it idempotent."""
from __future__ import annotations

from services.reporting.db import checkins_monthly
from shared.db.upsert import increment
from shared.db.uow import UnitOfWork
from shared.events import CloudEvent
from shared.messaging.consumer import Subscription

CHECKIN_COMPLETED = "circles.checkins.checkin.completed.v1"


def on_checkin_completed(uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
    increment(uow.session, checkins_monthly, {
        "organisation_id": str(data["organisation_id"]),
        "site_id": str(data["site_id"] or ""),
        "month": data["completed_at"].strftime("%Y-%m"),
    }, {"completed": 1})


def subscriptions(runtime) -> list[Subscription]:
    return [Subscription("reporting.kpi-projection", {CHECKIN_COMPLETED: on_checkin_completed})]
