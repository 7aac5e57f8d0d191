"""Bearer JWTs with role and organisation/site scope, accepted by every service."""
from shared.auth.tokens import ROLES, Principal, TokenError, decode_token, mint_token  # noqa: F401
