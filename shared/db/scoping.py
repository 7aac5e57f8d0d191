"""Row scoping by the caller's organisation and sites, applied in SQL on every query."""
from __future__ import annotations

from sqlalchemy import Select, or_

from shared.auth.tokens import Principal


def scoped(query: Select, model, principal: Principal) -> Select:
    """Restrict a query on `model` (with organisation_id and site_id columns) to what
    the principal may see: its organisation, and its sites when the token lists any."""
    query = query.where(model.organisation_id == principal.organisation_id)
    if principal.site_ids:
        query = query.where(or_(model.site_id.in_(principal.site_ids), model.site_id.is_(None)))
    return query
