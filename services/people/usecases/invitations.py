"""Participant and supporter logins, by invitation from staff.

Staff invite a person (to see their own plan) or one of their network contacts (to see
what the person's consent allows). The invitee sets a password through the link; the
token is single-use, expires after a week, and only its hash is stored.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select

from services.people import access
from services.people.models import Account, Contact, Invitation
from services.people.usecases import organisations
from shared.auth import Principal
from shared.db.uow import UnitOfWork
from shared.errors import Forbidden, Invalid

VALID_FOR = dt.timedelta(days=7)


def invite(uow: UnitOfWork, principal: Principal, person_id: str, email: str,
           contact_id: str | None) -> tuple[Invitation, str]:
    """Returns the invitation and its token (to put in the link; never stored)."""
    person = access.require_visible(uow, principal, person_id)
    if principal.role not in access.STAFF_WITH_CASELOAD:
        raise Forbidden("Only staff send invitations.")
    if contact_id is not None:
        contact = uow.session.get(Contact, contact_id)
        if contact is None or contact.person_id != person.id or contact.removed_at is not None:
            raise Invalid("The supporter must be on the person's network map.", "contact_id")
    role = "supporter" if contact_id else "participant"
    account = organisations.new_account(uow, person.organisation_id, email, email, role, [], password=None)
    account.person_id = None if contact_id else person.id
    account.contact_id = contact_id
    account.active = False  # until the invitee sets a password
    token = secrets.token_urlsafe(32)
    now = uow.clock.now()
    invitation = Invitation(account_id=account.id, token_hash=_hash(token), invited_by=principal.subject,
                            expires_at=now + VALID_FOR, created_at=now)
    uow.session.add(invitation)
    uow.session.flush()
    uow.publish("circles.people.invitation.sent.v1", {
        "invitation_id": invitation.id, "organisation_id": person.organisation_id, "person_id": person.id,
        "role": role, "email": account.email, "token": token, "expires_at": invitation.expires_at},
        subject=person.id)
    uow.commit()
    return invitation, token


def accept(uow: UnitOfWork, token: str, password: str) -> Account:
    invitation = uow.session.scalars(select(Invitation).where(Invitation.token_hash == _hash(token))).first()
    now = uow.clock.now()
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at <= now:
        raise Forbidden("This invitation link is not valid any more; ask for a new one.")
    if len(password) < organisations.MIN_PASSWORD:
        raise Invalid(f"Passwords need at least {organisations.MIN_PASSWORD} characters.", "password")
    account = uow.session.get(Account, invitation.account_id)
    account.password_hash = organisations.HASHER.hash(password)
    account.active = True
    invitation.accepted_at = now
    uow.commit()
    return account


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
