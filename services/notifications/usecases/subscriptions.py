"""What the notifications worker consumes: people.events for its read model (and the
invitations it emails), checkins.events and reporting.events for what it routes."""
from __future__ import annotations

from services.notifications.links import Links
from services.notifications.usecases import read_model
from services.notifications.usecases.routing import route
from shared.messaging.consumer import Subscription

ROUTED = {
    "circles.checkins.checkin.missed.v1": "checkin.missed",
    "circles.checkins.risk.flagged.v1": "risk.flagged",
    "circles.checkins.session.upcoming.v1": "session.upcoming",
    "circles.checkins.action_item.overdue.v1": "action_item.overdue",
    "circles.checkins.plan_task.overdue.v1": "plan_task.overdue",
    "circles.people.assessment.due.v1": "assessment.due",
    "circles.people.invitation.sent.v1": "invitation.sent",
    "circles.reporting.kpi.threshold_breached.v1": "kpi.threshold_breached",
}


def _router(event_kind: str, links: Links):
    def handle(uow, event, data):
        route(uow, event_kind, event, data, links)
    return handle


def _from(service: str, handlers: dict) -> dict:
    return {k: v for k, v in handlers.items() if k.startswith(f"circles.{service}.")}


def subscriptions(runtime) -> list[Subscription]:
    links = Links.from_env()
    routed = {name: _router(kind, links) for name, kind in ROUTED.items()}
    # One group per topic: the people feed must not wait behind a burst of reminders,
    # nor reminders behind a month's KPI breaches.
    return [Subscription("notifications.people", {**read_model.HANDLERS, **_from("people", routed)}),
            Subscription("notifications.checkins", _from("checkins", routed)),
            Subscription("notifications.reporting", _from("reporting", routed))]
