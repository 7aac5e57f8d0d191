"""mint_token/decode_token: HS256 pinned, issuer/audience/expiry enforced, claims checked;
the session claim and the logout ticket."""
import datetime as dt
import uuid

import jwt
import pytest

from shared.auth.tokens import (
    Principal,
    TokenError,
    decode_token,
    mint_logout_ticket,
    mint_token,
    read_logout_ticket,
)
from shared.settings import load_settings

OTHER_SECRET = "someone-elses-secret-0123456789abcdef-xyz"
ORG = "org-1"


@pytest.fixture
def settings():
    return load_settings("people", {})


@pytest.fixture
def claims(settings):
    """A valid claim set, to be spoilt one claim at a time."""
    now = int(dt.datetime.now(dt.timezone.utc).timestamp())
    return {
        "sub": "user-1", "role": "coordinator", "org": ORG, "sites": ["s1"], "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience, "iat": now, "exp": now + 600, "jti": "jti-1",
    }


def encode(claims, secret):
    return jwt.encode(claims, secret, algorithm="HS256")


def test_round_trip_gives_the_principal(settings):
    site = uuid.UUID(int=7)
    token = mint_token(settings, subject="user-1", role="peer_worker", organisation_id=ORG, site_ids=[site, "s2"])
    principal = decode_token(settings, token)
    assert (principal.subject, principal.role, principal.organisation_id) == ("user-1", "peer_worker", ORG)
    assert principal.site_ids == (str(site), "s2")
    assert len(principal.token_id) == 32


def test_every_token_has_its_own_id(settings):
    first, second = (mint_token(settings, subject="u", role="admin", organisation_id=ORG) for _ in range(2))
    assert decode_token(settings, first).token_id != decode_token(settings, second).token_id


def test_ttl_sets_expiry(settings):
    now = dt.datetime.now(dt.timezone.utc)
    token = mint_token(settings, subject="u", role="admin", organisation_id=ORG, now=now, ttl_seconds=90)
    raw = jwt.decode(token, options={"verify_signature": False})
    assert raw["exp"] - raw["iat"] == 90
    assert raw["iat"] == int(now.timestamp())


def test_zero_ttl_means_already_expired_not_the_default(settings):
    token = mint_token(settings, subject="u", role="admin", organisation_id=ORG, ttl_seconds=0)
    raw = jwt.decode(token, options={"verify_signature": False})
    assert raw["exp"] == raw["iat"]


def test_hand_built_valid_claims_are_accepted(settings, claims):
    assert decode_token(settings, encode(claims, settings.jwt_secret)).role == "coordinator"


def test_mint_rejects_unknown_role(settings):
    with pytest.raises(ValueError, match="unknown role"):
        mint_token(settings, subject="u", role="superuser", organisation_id=ORG)


def test_alg_none_is_rejected(settings, claims):
    with pytest.raises(TokenError):
        decode_token(settings, jwt.encode(claims, None, algorithm="none"))


def test_foreign_signature_is_rejected(settings):
    token = mint_token(settings.with_overrides(jwt_secret=OTHER_SECRET), subject="u", role="admin", organisation_id=ORG)
    with pytest.raises(TokenError, match="Signature"):
        decode_token(settings, token)


def test_tampered_payload_is_rejected(settings, claims):
    header, _, signature = encode(claims, settings.jwt_secret).split(".")
    forged_payload = jwt.encode({**claims, "role": "admin"}, settings.jwt_secret).split(".")[1]
    with pytest.raises(TokenError):
        decode_token(settings, f"{header}.{forged_payload}.{signature}")


def test_expired_token_is_rejected(settings):
    long_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2)
    token = mint_token(settings, subject="u", role="admin", organisation_id=ORG, now=long_ago, ttl_seconds=60)
    with pytest.raises(TokenError, match="expired"):
        decode_token(settings, token)


def test_wrong_audience_is_rejected(settings):
    token = mint_token(settings.with_overrides(jwt_audience="elsewhere"), subject="u", role="admin", organisation_id=ORG)
    with pytest.raises(TokenError, match="udience"):
        decode_token(settings, token)


def test_wrong_issuer_is_rejected(settings):
    token = mint_token(settings.with_overrides(jwt_issuer="elsewhere"), subject="u", role="admin", organisation_id=ORG)
    with pytest.raises(TokenError, match="issuer"):
        decode_token(settings, token)


@pytest.mark.parametrize("claim", ["jti", "exp", "iat", "sub", "iss", "aud"])
def test_missing_required_claim_is_rejected(settings, claims, claim):
    del claims[claim]
    with pytest.raises(TokenError, match=claim):
        decode_token(settings, encode(claims, settings.jwt_secret))


@pytest.mark.parametrize("change", [{"role": "superuser"}, {"role": None}, {"org": ""}, {"org": None}])
def test_unknown_role_or_missing_org_is_rejected(settings, claims, change):
    with pytest.raises(TokenError, match="role or an organisation"):
        decode_token(settings, encode({**claims, **change}, settings.jwt_secret))


@pytest.mark.parametrize("sites", ["s1", {"s1": True}, 5])
def test_sites_claim_must_be_a_list(settings, claims, sites):
    with pytest.raises(TokenError, match="sites"):
        decode_token(settings, encode({**claims, "sites": sites}, settings.jwt_secret))


def test_absent_sites_means_no_site_restriction(settings, claims):
    del claims["sites"]
    assert decode_token(settings, encode(claims, settings.jwt_secret)).site_ids == ()


def test_garbage_is_rejected(settings):
    with pytest.raises(TokenError):
        decode_token(settings, "not.a.token")


def principal(*sites):
    return Principal(subject="u", role="coordinator", organisation_id=ORG, site_ids=tuple(sites), token_id="t")


def test_principal_with_sites_sees_only_those():
    assert principal("s1", "s2").can_see_site("s1")
    assert not principal("s1", "s2").can_see_site("s3")


def test_principal_without_sites_sees_every_site():
    assert principal().can_see_site("anything")


def test_records_without_a_site_are_visible_to_everyone():
    assert principal("s1").can_see_site(None)


def test_site_ids_compare_as_strings():
    site = uuid.UUID(int=7)
    assert principal(str(site)).can_see_site(site)


def test_a_key_rotation_accepts_tokens_signed_with_a_previous_secret(settings):
    old = settings.with_overrides(jwt_secret=OTHER_SECRET)
    rotated = settings.with_overrides(jwt_previous_secrets=(OTHER_SECRET,))
    token = mint_token(old, subject="u", role="admin", organisation_id=ORG)
    assert decode_token(rotated, token).subject == "u"
    fresh = mint_token(rotated, subject="v", role="admin", organisation_id=ORG)
    assert decode_token(settings, fresh).subject == "v"  # new tokens use the current secret only
    with pytest.raises(TokenError, match="Signature"):
        decode_token(settings, token)  # once the old secret is dropped, its tokens are refused


def test_a_previous_secret_does_not_relax_any_other_check(settings, claims):
    rotated = settings.with_overrides(jwt_previous_secrets=(OTHER_SECRET,))
    with pytest.raises(TokenError, match="expired"):
        decode_token(rotated, encode({**claims, "exp": claims["iat"] - 10}, OTHER_SECRET))
    with pytest.raises(TokenError):
        decode_token(rotated, encode({**claims, "aud": "elsewhere"}, OTHER_SECRET))
    with pytest.raises(TokenError):
        decode_token(rotated, jwt.encode(claims, None, algorithm="none"))


def test_previous_secrets_are_read_as_a_comma_separated_list():
    settings = load_settings("people", {"JWT_PREVIOUS_SECRETS": " first-old-secret , second-old-secret,"})
    assert settings.jwt_previous_secrets == ("first-old-secret", "second-old-secret")


@pytest.mark.filterwarnings("ignore:The HMAC key")  # a short key for HS512: the point is the refusal
def test_another_hmac_algorithm_with_the_right_secret_is_rejected(settings, claims):
    with pytest.raises(TokenError):
        decode_token(settings, jwt.encode(claims, settings.jwt_secret, algorithm="HS512"))


def test_alg_none_cannot_forge_a_session_either(settings, claims):
    with pytest.raises(TokenError):
        decode_token(settings, jwt.encode({**claims, "ses": True}, None, algorithm="none"))


# --- login sessions ---------------------------------------------------------------------

def test_a_session_token_says_so_and_carries_its_expiry(settings):
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    token = mint_token(settings, subject="u", role="admin", organisation_id=ORG, now=now, ttl_seconds=600,
                       session=True)
    principal = decode_token(settings, token)
    assert principal.session is True
    assert principal.expires_at == now + dt.timedelta(seconds=600)
    assert jwt.decode(token, options={"verify_signature": False})["ses"] is True


def test_bearer_tokens_are_not_sessions(settings, claims):
    assert decode_token(settings, mint_token(settings, subject="u", role="admin", organisation_id=ORG)).session is False
    assert decode_token(settings, encode(claims, settings.jwt_secret)).session is False


@pytest.mark.parametrize("value", ["yes", 1, None, ["true"]])
def test_a_session_claim_that_is_not_a_boolean_is_rejected(settings, claims, value):
    with pytest.raises(TokenError, match="ses"):
        decode_token(settings, encode({**claims, "ses": value}, settings.jwt_secret))


def test_a_logout_ticket_names_the_session_and_nothing_else(settings):
    expires = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
    ticket = mint_logout_ticket(settings, "jti-1", expires)
    assert read_logout_ticket(settings, ticket) == ("jti-1", expires)
    assert set(jwt.decode(ticket, options={"verify_signature": False})) == {"iss", "aud", "iat", "exp", "sid", "sexp"}


def test_a_logout_ticket_is_no_api_token_and_a_session_token_is_no_ticket(settings):
    ticket = mint_logout_ticket(settings, "jti-1", dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc))
    with pytest.raises(TokenError):
        decode_token(settings, ticket)
    session = mint_token(settings, subject="u", role="admin", organisation_id=ORG, session=True)
    with pytest.raises(TokenError):
        read_logout_ticket(settings, session)


def test_a_logout_ticket_from_another_secret_or_expired_is_rejected(settings, claims):
    expires = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
    with pytest.raises(TokenError, match="Signature"):
        read_logout_ticket(settings, mint_logout_ticket(settings.with_overrides(jwt_secret=OTHER_SECRET), "j", expires))
    stale = {"iss": settings.jwt_issuer, "aud": f"{settings.jwt_audience}:logout", "iat": claims["iat"] - 900,
             "exp": claims["iat"] - 600, "sid": "j", "sexp": int(expires.timestamp())}
    with pytest.raises(TokenError, match="expired"):
        read_logout_ticket(settings, encode(stale, settings.jwt_secret))
