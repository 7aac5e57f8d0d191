"""Calendar feeds behind secret URLs: mint (and so rotate) a person's or staff member's
feed token, and render the feed a token opens.

The URL is the only credential a calendar app can send, so it is treated like a
password: only its SHA-256 is stored, minting a new one revokes the old, and an unknown
or revoked token is indistinguishable from a missing feed.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets

from sqlalchemy import Text, or_, select, type_coerce, update

from services.checkins.domain import ical
from services.checkins.models import CalendarToken, KnownPerson, KnownStaff, Rhythm, Session, read_audit
from services.checkins.usecases.access import STAFF_WITH_CASELOAD, require_person
from shared import audit
from shared.auth import Principal
from shared.auth.purposes import DEFAULT_PURPOSE
from shared.db.uow import UnitOfWork
from shared.errors import Forbidden, Invalid, NotFound

OWNER_KINDS = ("person", "staff")
PERSON_FEED_NAME = "Circles check-ins"
STAFF_FEED_NAME = "Circles check-ins (caseload)"


@dataclasses.dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once; only its hash is kept
    created_at: dt.datetime


def token_hash(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def rotate_token(uow: UnitOfWork, principal: Principal, owner_kind: str, owner_id: str) -> IssuedToken:
    """A new feed token for the owner; every earlier one of theirs stops working."""
    organisation_id = _authorise(uow, principal, owner_kind, str(owner_id))
    now = uow.clock.now()
    uow.session.execute(update(CalendarToken).where(
        CalendarToken.owner_kind == owner_kind, CalendarToken.owner_id == str(owner_id),
        CalendarToken.revoked_at.is_(None)).values(revoked_at=now))
    raw = secrets.token_urlsafe(32)
    uow.session.add(CalendarToken(organisation_id=organisation_id, owner_kind=owner_kind, owner_id=str(owner_id),
                                  token_hash=token_hash(raw), created_at=now, revoked_at=None))
    uow.commit()
    return IssuedToken(raw, now)


def feed(uow: UnitOfWork, raw_token: str) -> bytes:
    """The iCalendar document the token opens; NotFound for an unknown or revoked token."""
    token = uow.session.scalars(select(CalendarToken).where(
        CalendarToken.token_hash == token_hash(raw_token), CalendarToken.revoked_at.is_(None))).first()
    if token is None:
        raise NotFound("No such calendar.")
    if token.owner_kind == "person":
        rhythms, name, for_staff = _person_rhythms(uow, token), PERSON_FEED_NAME, False
    else:
        rhythms, name, for_staff = _staff_rhythms(uow, token), STAFF_FEED_NAME, True
        _audit_staff_feed(uow, token, rhythms)
    return ical.build_feed(name, _feed_rhythms(uow, rhythms), uow.clock.now(), for_staff=for_staff)


def _audit_staff_feed(uow: UnitOfWork, token: CalendarToken, rhythms: list[Rhythm]) -> None:
    """A staff feed shows their caseload's sessions: a read by someone else of each person in
    it. A calendar app sends no X-Access-Purpose, so the default purpose is recorded. A
    person's own feed is the person's (whoever subscribes holds their secret URL)."""
    staff = uow.session.get(KnownStaff, token.owner_id)
    audit.record(uow, read_audit, token.organisation_id, token.owner_id, staff.role if staff else "staff",
                 audit.person_ids(rhythms), "calendar_feed", DEFAULT_PURPOSE)


def _authorise(uow: UnitOfWork, principal: Principal, owner_kind: str, owner_id: str) -> str:
    """The organisation the feed belongs to, if the caller may mint it: staff who can see
    the person, or the participant themselves; a staff feed only by that staff member."""
    if owner_kind == "person":
        if principal.role not in (*STAFF_WITH_CASELOAD, "participant"):
            raise Forbidden("Only the person or their care team can make their calendar link.")
        # require_person already limits a participant to their own record.
        return require_person(uow, principal, owner_id).organisation_id
    if owner_kind == "staff":
        if principal.role not in STAFF_WITH_CASELOAD or owner_id != principal.subject:
            raise Forbidden("Staff make calendar links only for themselves.")
        return principal.organisation_id
    raise Invalid(f"owner_kind must be one of {', '.join(OWNER_KINDS)}.", "owner_kind")


def _person_rhythms(uow: UnitOfWork, token: CalendarToken) -> list[Rhythm]:
    return list(uow.session.scalars(select(Rhythm).where(
        Rhythm.person_id == token.owner_id, Rhythm.organisation_id == token.organisation_id,
        Rhythm.active.is_(True)).order_by(Rhythm.created_at, Rhythm.id)))


def _staff_rhythms(uow: UnitOfWork, token: CalendarToken) -> list[Rhythm]:
    """Active rhythms the staff member takes part in, or of persons assigned to them."""
    staff_id = token.owner_id
    assigned = select(KnownPerson.person_id).where(
        KnownPerson.organisation_id == token.organisation_id,
        or_(KnownPerson.peer_worker_id == staff_id, KnownPerson.clinical_lead_id == staff_id))
    # participants is JSON text: the LIKE narrows the rows, the check below decides.
    mentioned = type_coerce(Rhythm.participants, Text).contains(staff_id, autoescape=True)
    candidates = uow.session.scalars(select(Rhythm).where(
        Rhythm.organisation_id == token.organisation_id, Rhythm.active.is_(True),
        or_(Rhythm.person_id.in_(assigned), mentioned)).order_by(Rhythm.created_at, Rhythm.id))
    assigned_ids = set(uow.session.scalars(assigned))
    return [rhythm for rhythm in candidates
            if rhythm.person_id in assigned_ids or {"kind": "staff", "id": staff_id} in rhythm.participants]


def _feed_rhythms(uow: UnitOfWork, rhythms: list[Rhythm]) -> list[ical.FeedRhythm]:
    """The rhythms as plain data, with only their cancelled or moved sessions."""
    by_rhythm: dict[str, list[ical.FeedSession]] = {rhythm.id: [] for rhythm in rhythms}
    if by_rhythm:
        exceptional = uow.session.scalars(select(Session).where(
            Session.rhythm_id.in_(list(by_rhythm)),
            or_(Session.status == "cancelled", Session.rescheduled.is_(True))))
        for session in exceptional:
            by_rhythm[session.rhythm_id].append(ical.FeedSession(
                session.occurrence_key, session.status, session.rescheduled, session.starts_at, session.ends_at))
    return [ical.FeedRhythm(rhythm.id, rhythm.person_id, rhythm.title, rhythm.rrule, rhythm.first_start_local,
                            rhythm.timezone, rhythm.duration_minutes, tuple(by_rhythm[rhythm.id]))
            for rhythm in rhythms]
