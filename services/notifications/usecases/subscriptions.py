"""What the notifications worker consumes: people.events for its read model (and the
invitations it emails), checkins.events for what it routes."""
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
}


def _router(event_kind: str, links: Links):
    def handle(uow, event, data):
        route(uow, event_kind, event, data, links)
    return handle


def subscriptions(runtime) -> list[Subscription]:
    links = Links.from_env()
    routed = {name: _router(kind, links) for name, kind in ROUTED.items()}
    people = {**read_model.HANDLERS, **{k: v for k, v in routed.items() if k.startswith("circles.people.")}}
    checkins = {k: v for k, v in routed.items() if k.startswith("circles.checkins.")}
    # One group per topic: the people feed must not wait behind a burst of reminders.
    return [Subscription("notifications.people", people), Subscription("notifications.checkins", checkins)]
