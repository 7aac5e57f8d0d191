"""The people service's side of data-protection requests: every service's answers,
read from their privacy topics (subject-access parts and erasure confirmations)."""
from __future__ import annotations

from services.people.usecases import erasure, subject_access
from shared.db.uow import UnitOfWork
from shared.events import PRIVACY_CONTRIBUTORS, CloudEvent
from shared.messaging.consumer import Subscription


def part(uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
    subject_access.part_received(uow, str(data["request_id"]), data["service"], data["sections"], data["chunk"],
                                 data["chunks"])


def confirmation(uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
    erasure.confirmed(uow, str(data["erasure_id"]), data["service"], data["rows"])


HANDLERS = {
    **{f"circles.{s}.subject_access.part.v1": part for s in PRIVACY_CONTRIBUTORS},
    **{f"circles.{s}.erasure.confirmed.v1": confirmation for s in PRIVACY_CONTRIBUTORS},
}


def subscriptions(runtime) -> list[Subscription]:
    return [Subscription("people.privacy", HANDLERS)]
