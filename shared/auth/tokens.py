"""Minting and checking the JWTs every service accepts.

HS256 with a shared secret from settings. Decoding pins the algorithm, issuer and
audience and requires an expiry, so `alg: none`, foreign signatures, expired tokens and
tokens meant for another system are all refused. A token minted for a browser login
carries `"ses": true`: a logout can end it before it expires (shared/web/sessions.py).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import jwt

from shared.settings import Settings

ALGORITHM = "HS256"
ROLES = ("admin", "coordinator", "peer_worker", "clinician", "supporter", "participant", "operator")
STAFF_ROLES = ("admin", "coordinator", "peer_worker", "clinician")


class TokenError(Exception):
    pass


@dataclasses.dataclass(frozen=True)
class Principal:
    subject: str
    role: str
    organisation_id: str
    site_ids: tuple[str, ...]
    token_id: str
    # A participant's own person record; a supporter's own network-contact record.
    person_id: str | None = None
    contact_id: str | None = None
    # A browser login session (the `ses` claim): only these can be ended by a logout, so
    # only these are looked up in ended_sessions; API bearer tokens cost no query.
    session: bool = False
    expires_at: dt.datetime | None = None

    def can_see_site(self, site_id: str | None) -> bool:
        """A token without a site list is organisation-wide; which roles may call an
        endpoint at all is decided by the endpoint's role check, not here."""
        if not self.site_ids or site_id is None:
            return True
        return str(site_id) in self.site_ids


def mint_token(settings: Settings, *, subject: str, role: str, organisation_id: str,
               site_ids: list[str] | tuple[str, ...] = (), now: dt.datetime | None = None,
               ttl_seconds: int | None = None, person_id: str | None = None,
               contact_id: str | None = None, session: bool = False) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    now = now or dt.datetime.now(dt.timezone.utc)
    claims = {
        "sub": str(subject),
        "role": role,
        "org": str(organisation_id),
        "sites": [str(s) for s in site_ids],
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": int(now.timestamp()),
        "exp": int(now.timestamp()) + (settings.jwt_ttl_seconds if ttl_seconds is None else ttl_seconds),
        "jti": uuid.uuid4().hex,
    }
    if person_id:
        claims["person"] = str(person_id)
    if contact_id:
        claims["contact"] = str(contact_id)
    if session:
        claims["ses"] = True
    return jwt.encode(claims, settings.jwt_secret, algorithm=ALGORITHM)


def verify_signed(settings: Settings, token: str, **options) -> dict:
    """jwt.decode with the current secret, then any previous one (a key rotation in
    progress); every other check is the caller's `options`, for every key alike."""
    for secret in (settings.jwt_secret, *settings.jwt_previous_secrets):
        try:
            return jwt.decode(token, secret, algorithms=[ALGORITHM], **options)
        except jwt.InvalidSignatureError:
            continue
    raise jwt.InvalidSignatureError("Signature verification failed")


def decode_token(settings: Settings, token: str) -> Principal:
    try:
        claims = verify_signed(
            settings,
            token,
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "iat", "sub", "iss", "aud", "jti"]},
        )
    except jwt.PyJWTError as exc:
        raise TokenError(str(exc)) from exc
    if claims.get("role") not in ROLES or not claims.get("org"):
        raise TokenError("token lacks a known role or an organisation")
    sites = claims.get("sites") or []
    if not isinstance(sites, list):
        raise TokenError("sites claim must be a list")
    if not isinstance(claims.get("ses", False), bool):
        raise TokenError("ses claim must be a boolean")
    return Principal(
        subject=claims["sub"], role=claims["role"], organisation_id=str(claims["org"]),
        site_ids=tuple(str(s) for s in sites), token_id=claims["jti"],
        person_id=claims.get("person"), contact_id=claims.get("contact"),
        session=claims.get("ses", False) is True,
        expires_at=dt.datetime.fromtimestamp(claims["exp"], dt.timezone.utc),
    )


# A logout ticket: what a service other than people hands the browser (in the URL of a
# 307 redirect) so the people service can end the session. It names only the session's
# token id and expiry, under its own audience, so it never works as an API token and a
# session token never works as a ticket; anyone holding it can only end that one session.
TICKET_TTL_SECONDS = 300


def _ticket_audience(settings: Settings) -> str:
    return f"{settings.jwt_audience}:logout"


def mint_logout_ticket(settings: Settings, token_id: str, expires_at: dt.datetime) -> str:
    now = int(dt.datetime.now(dt.timezone.utc).timestamp())
    claims = {"iss": settings.jwt_issuer, "aud": _ticket_audience(settings), "iat": now,
              "exp": now + TICKET_TTL_SECONDS, "sid": token_id, "sexp": int(expires_at.timestamp())}
    return jwt.encode(claims, settings.jwt_secret, algorithm=ALGORITHM)


def read_logout_ticket(settings: Settings, ticket: str) -> tuple[str, dt.datetime]:
    """The ended session's token id and expiry; TokenError for anything but a valid ticket."""
    try:
        claims = verify_signed(settings, ticket, audience=_ticket_audience(settings), issuer=settings.jwt_issuer,
                               options={"require": ["exp", "iat", "iss", "aud", "sid", "sexp"]})
        return str(claims["sid"]), dt.datetime.fromtimestamp(int(claims["sexp"]), dt.timezone.utc)
    except (jwt.PyJWTError, TypeError, ValueError, OverflowError) as exc:
        raise TokenError(str(exc)) from exc
