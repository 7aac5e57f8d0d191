"""Self check-in: a person answers a short check-in from a signed link, without an account.

The link is a JWT (HS256, the platform secret) with its own audience, so it can never pass
as an API token and an API token can never pass as a link. The signature proves who the
link is for; the `self_checkin_links` row makes it single-use. Expiry is judged by the
unit of work's clock, not wall time, so tests and demos can move time.
"""
from __future__ import annotations

import datetime as dt

import jwt
from sqlalchemy import update

from services.checkins.models import KnownPerson, SelfCheckinLink
from services.checkins.models.base import new_id
from services.checkins.usecases.access import STAFF_WITH_CASELOAD, require_person
from services.checkins.usecases.checkins import RecordCheckin, save_checkin
from shared.auth import Principal
from shared.auth.tokens import ALGORITHM, verify_signed
from shared.db.uow import UnitOfWork
from shared.errors import Conflict, Forbidden, Invalid, NotFound
from shared.settings import Settings

AUDIENCE = "circles-self-checkin"
MIN_TTL_HOURS, MAX_TTL_HOURS = 1, 168
MAX_HELP_TEXT = 4000
# "Talk to someone now" is an alert the care team must see at once: a high flag.
TALK_NOW_FLAG = {"kind": "other", "severity": "high"}


class LinkInvalid(NotFound):
    """Not a link we signed, or one whose row is gone: say nothing more."""


class LinkGone(Conflict):
    """A real link that can no longer be answered."""


class LinkExpired(LinkGone):
    pass


class LinkUsed(LinkGone):
    pass


def create_link(uow: UnitOfWork, principal: Principal, person_id: str, ttl_hours: int = 48, *,
                settings: Settings) -> tuple[str, SelfCheckinLink]:
    """Mint a one-time link for a person the caller may see; returns (token, link row)."""
    if principal.role not in STAFF_WITH_CASELOAD:
        raise Forbidden("Only staff with a caseload can send a self check-in link.")
    person = require_person(uow, principal, person_id)
    if not MIN_TTL_HOURS <= ttl_hours <= MAX_TTL_HOURS:
        raise Invalid(f"A link lasts between {MIN_TTL_HOURS} and {MAX_TTL_HOURS} hours.", "ttl_hours")
    # Whole seconds, so the row and the token's exp claim name the same instant.
    now = uow.clock.now().replace(microsecond=0)
    link = SelfCheckinLink(id=new_id(), organisation_id=person.organisation_id, person_id=person.person_id,
                           expires_at=now + dt.timedelta(hours=ttl_hours), created_by=principal.subject,
                           created_at=now)
    uow.session.add(link)
    uow.commit()
    return _sign(settings, link, now), link


def open_link(uow: UnitOfWork, token: str, *, settings: Settings) -> tuple[SelfCheckinLink, KnownPerson]:
    """The link and its person, if the token is ours, unused and unexpired."""
    claims = _verify(settings, token)
    link = uow.session.get(SelfCheckinLink, claims["lnk"])
    if link is None or (link.person_id, link.organisation_id) != (claims["sub"], claims["org"]):
        raise LinkInvalid("This link is not valid.")
    person = uow.session.get(KnownPerson, link.person_id)
    if person is None or person.organisation_id != link.organisation_id:
        raise LinkInvalid("This link is not valid.")
    if person.status == "discharged":  # links handed out before discharge stop working
        raise LinkExpired("This check-in link has expired.")
    if link.used_at is not None:
        raise LinkUsed("This check-in link has already been used.")
    now = uow.clock.now()
    if now >= link.expires_at or now.timestamp() >= claims["exp"]:
        raise LinkExpired("This check-in link has expired.")
    return link, person


def answer(uow: UnitOfWork, token: str, wellbeing: int | None, help_text: str, talk_now: bool, *,
           settings: Settings):
    """Use the link once and store the check-in, in one transaction; returns (record, person).

    Input is checked before the link is touched, so a typo never costs the person their link."""
    link, person = open_link(uow, token, settings=settings)
    _check_answer(wellbeing, help_text)
    claimed = uow.session.execute(
        update(SelfCheckinLink).where(SelfCheckinLink.id == link.id, SelfCheckinLink.used_at.is_(None))
        .values(used_at=uow.clock.now()).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:  # a second submit raced us and won
        raise LinkUsed("This check-in link has already been used.")
    command = RecordCheckin(person_id=person.person_id, wellbeing=wellbeing, risks_and_needs=help_text.strip(),
                            risk_flags=[dict(TALK_NOW_FLAG)] if talk_now else [])
    record = save_checkin(uow, person, command, recorded_by=f"self-checkin:{link.id}", source="self").record
    return record, person


def _check_answer(wellbeing: int | None, help_text: str) -> None:
    if wellbeing is None or not 1 <= wellbeing <= 10:
        raise Invalid("Choose how you are feeling, from 1 to 10.", "wellbeing")
    if len(help_text) > MAX_HELP_TEXT:
        raise Invalid(f"Please keep this under {MAX_HELP_TEXT} characters.", "help_text")


def _sign(settings: Settings, link: SelfCheckinLink, now: dt.datetime) -> str:
    claims = {"lnk": link.id, "sub": link.person_id, "org": link.organisation_id, "iss": settings.jwt_issuer,
              "aud": AUDIENCE, "iat": int(now.timestamp()), "exp": int(link.expires_at.timestamp())}
    return jwt.encode(claims, settings.jwt_secret, algorithm=ALGORITHM)


def _verify(settings: Settings, token: str) -> dict:
    # The signature, algorithm, issuer and audience are checked here; expiry is checked
    # against the injectable clock in open_link, hence verify_exp off.
    try:
        claims = verify_signed(settings, token, audience=AUDIENCE, issuer=settings.jwt_issuer,
                               options={"verify_exp": False, "require": ["lnk", "sub", "org", "exp", "aud", "iss"]})
    except jwt.PyJWTError as exc:
        raise LinkInvalid("This link is not valid.") from exc
    if not isinstance(claims["exp"], int) or not all(isinstance(claims[k], str) for k in ("lnk", "sub", "org")):
        raise LinkInvalid("This link is not valid.")
    return claims
