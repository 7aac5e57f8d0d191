import uuid

from shared.auth import mint_token

ORG_A = "11111111-1111-4111-8111-111111111111"
ORG_B = "22222222-2222-4222-8222-222222222222"


def bearer(settings, role: str = "coordinator", org: str = ORG_A, sites=(), **kwargs) -> dict:
    token = mint_token(settings, subject=kwargs.pop("subject", str(uuid.uuid4())), role=role,
                       organisation_id=org, site_ids=sites, **kwargs)
    return {"Authorization": f"Bearer {token}"}
