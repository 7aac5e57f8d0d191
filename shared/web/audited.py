"""The web side of the read audit (shared/audit.py), for the API and the staff pages of a
service with a `read_audit` table: the caller from the request's token, the purpose from
X-Access-Purpose (422 when it names no known purpose, as in the people service)."""
from __future__ import annotations

from typing import Iterable

from flask import current_app

from shared import audit
from shared.db.uow import UnitOfWork
from shared.web.auth import current_principal
from shared.web.common import access_purpose

person_ids = audit.person_ids


def audited(uow: UnitOfWork, ids: Iterable[str], resource: str, action: str = "read") -> None:
    table = current_app.extensions["circles"].spec.metadata.tables["read_audit"]
    audit.reads(uow, table, current_principal(), list(ids), resource, access_purpose(), action)
