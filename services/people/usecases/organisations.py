"""Organisations, sites and accounts: who works where, and who may log in."""
from __future__ import annotations

import datetime as dt

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from services.people.models import Account, Organisation, Site
from shared.auth import Principal
from shared.auth.tokens import mint_token
from shared.db.uow import UnitOfWork
from shared.errors import Conflict, Forbidden, Invalid, NotFound
from shared.settings import Settings
from shared.web import sessions

HASHER = PasswordHasher()
STAFF_ROLES = ("admin", "coordinator", "peer_worker", "clinician", "operator")
SITE_BOUND_ROLES = ("coordinator", "peer_worker", "clinician")
MIN_PASSWORD = 12
# A fixed hash to verify against when the email is unknown, so both paths cost the same.
_DUMMY_HASH = HASHER.hash("circles-timing-equaliser")


def create_organisation(uow: UnitOfWork, name: str, admin_email: str, admin_name: str, password: str) -> Account:
    """Bootstrap: a new organisation and its first admin (run from the command line)."""
    now = uow.clock.now()
    organisation = Organisation(name=name, created_at=now)
    uow.session.add(organisation)
    uow.session.flush()
    admin = new_account(uow, organisation.id, admin_email, admin_name, "admin", [], password)
    uow.commit()
    return admin


def add_site(uow: UnitOfWork, principal: Principal, name: str, kind: str, timezone: str) -> Site:
    _require_admin(principal)
    site = Site(organisation_id=principal.organisation_id, name=name, kind=kind, timezone=timezone,
                created_at=uow.clock.now())
    uow.session.add(site)
    uow.commit()
    return site


def list_sites(uow: UnitOfWork, principal: Principal) -> list[Site]:
    query = select(Site).where(Site.organisation_id == principal.organisation_id).order_by(Site.name)
    return list(uow.session.scalars(query))


def add_staff(uow: UnitOfWork, principal: Principal, email: str, display_name: str, role: str,
              site_ids: list[str], password: str) -> Account:
    _require_admin(principal)
    if role not in STAFF_ROLES:
        raise Invalid(f"Staff roles are: {', '.join(STAFF_ROLES)}.", "role")
    if role in SITE_BOUND_ROLES and not site_ids:
        raise Invalid(f"A {role} works at one or more sites; name them.", "site_ids")
    known = set(uow.session.scalars(select(Site.id).where(Site.organisation_id == principal.organisation_id)))
    if not set(site_ids) <= known:
        raise Invalid("Every site must belong to your organisation.", "site_ids")
    account = new_account(uow, principal.organisation_id, email, display_name, role, site_ids, password)
    uow.publish("circles.people.staff.registered.v1", {
        "staff_id": account.id, "organisation_id": account.organisation_id, "role": role, "site_ids": site_ids,
        "display_name": display_name, "email": account.email, "registered_at": account.created_at,
    }, subject=account.id)
    uow.commit()
    return account


def list_staff(uow: UnitOfWork, principal: Principal) -> list[Account]:
    if principal.role not in ("admin", "coordinator"):
        raise Forbidden("Only admins and coordinators see the staff list.")
    query = select(Account).where(Account.organisation_id == principal.organisation_id,
                                  Account.role.in_(STAFF_ROLES)).order_by(Account.display_name)
    return list(uow.session.scalars(query))


def issue_token(uow: UnitOfWork, settings: Settings, email: str, password: str,
                session: bool = False) -> tuple[str, Account]:
    """Check a password and mint the JWT every service accepts. Tokens run on the wall
    clock (every service checks expiry against it), not the domain clock. `session`: for
    the login page's cookie, a token a logout can end (the `ses` claim)."""
    account = uow.session.scalars(select(Account).where(func.lower(Account.email) == email.strip().lower())).first()
    if not _password_matches(account, password):
        raise Forbidden("Wrong email or password.")
    token = mint_token(settings, subject=account.id, role=account.role, organisation_id=account.organisation_id,
                       site_ids=account.site_ids, person_id=account.person_id,
                       contact_id=account.contact_id, session=session)
    return token, account


def end_session(uow: UnitOfWork, token_id: str, expires_at: dt.datetime) -> bool:
    """A logout: the session token is refused here from now on and, through the event in
    the same transaction, by every other service. The event names the token only (no
    subject, no email). A second logout with the same token announces nothing again."""
    if not sessions.record_ended(uow.session, token_id, expires_at, uow.clock.now()):
        return False
    uow.publish(sessions.SESSION_ENDED, {"token_id": token_id, "expires_at": expires_at},
                subject=None, partition_key=token_id)
    uow.commit()
    return True


def _password_matches(account: Account | None, password: str) -> bool:
    stored = account.password_hash if account is not None and account.active else None
    try:
        HASHER.verify(stored or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return stored is not None


def new_account(uow: UnitOfWork, organisation_id: str, email: str, display_name: str, role: str,
                 site_ids: list[str], password: str | None) -> Account:
    email = email.strip().lower()
    if uow.session.scalars(select(Account.id).where(Account.email == email)).first():
        raise Conflict("An account with that email already exists.")
    if password is not None and len(password) < MIN_PASSWORD:
        raise Invalid(f"Passwords need at least {MIN_PASSWORD} characters.", "password")
    account = Account(organisation_id=organisation_id, email=email, display_name=display_name, role=role,
                      site_ids=site_ids, password_hash=HASHER.hash(password) if password else None,
                      created_at=uow.clock.now())
    uow.session.add(account)
    uow.session.flush()
    return account


def _require_admin(principal: Principal) -> None:
    if principal.role != "admin":
        raise Forbidden("Only an admin of the organisation can do this.")


def organisation_of(uow: UnitOfWork, principal: Principal) -> Organisation:
    organisation = uow.session.get(Organisation, principal.organisation_id)
    if organisation is None:
        raise NotFound("No such organisation.")
    return organisation


def update_settings(uow: UnitOfWork, principal: Principal, changes: dict) -> Organisation:
    """Admins set the review interval (30-90 days) and emergency numbers for more regions."""
    _require_admin(principal)
    organisation = organisation_of(uow, principal)
    for name, value in changes.items():
        setattr(organisation, name, value)
    uow.commit()
    return organisation
