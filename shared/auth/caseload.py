"""Who may see which person, as one SQL condition every service applies to its own copy
of the person (the people service's table, or a read model built from people.events):

- admin: the organisation; coordinator: persons at their sites (or unsited);
- peer worker / clinician: persons they are assigned to;
- participant: themselves; every other role: nobody.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_

from shared.auth.tokens import Principal

STAFF_WITH_CASELOAD = ("admin", "coordinator", "peer_worker", "clinician")


def visibility(principal: Principal, model) -> ColumnElement[bool]:
    """`model` has organisation_id, site_id, peer_worker_id, clinical_lead_id and person_id
    (or id) columns."""
    person_id = model.person_id if hasattr(model, "person_id") else model.id
    in_org = model.organisation_id == principal.organisation_id
    sites = (or_(model.site_id.in_(principal.site_ids), model.site_id.is_(None)) if principal.site_ids else in_org)
    rules = {
        "admin": in_org,
        "coordinator": and_(in_org, sites),
        "peer_worker": and_(in_org, model.peer_worker_id == principal.subject),
        "clinician": and_(in_org, model.clinical_lead_id == principal.subject),
        "participant": and_(in_org, person_id == (principal.person_id or "")),
    }
    return rules.get(principal.role, false())
