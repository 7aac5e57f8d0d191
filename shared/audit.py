"""The read audit of check-ins and notifications: every read of a person's data by
someone other than that person leaves a row (who, role, person, what, when, purpose), as
the people service's audit log does.

Called after the read use case has applied the access rule, so only what was actually
shown is recorded; a list records one row per person shown. A participant reading their
own data is not "someone else" and is not recorded (the people service's rule). The rows
commit with the read's unit of work.
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import Table

from shared.auth import Principal
from shared.db.uow import UnitOfWork


def is_self(principal: Principal, person_id: str) -> bool:
    return principal.role == "participant" and principal.person_id == person_id


def person_ids(rows: Iterable) -> list[str]:
    """The persons a read returned, in order, once each (rows are models or dicts)."""
    ids = (row["person_id"] if isinstance(row, dict) else row.person_id for row in rows)
    return list(dict.fromkeys(str(i) for i in ids if i))


def reads(uow: UnitOfWork, table: Table, principal: Principal, ids: Iterable[str], resource: str, purpose: str,
          action: str = "read") -> None:
    record(uow, table, principal.organisation_id, principal.subject, principal.role,
           [i for i in ids if not is_self(principal, i)], resource, purpose, action)


def record(uow: UnitOfWork, table: Table, organisation_id: str, actor: str, actor_role: str, ids: Iterable[str],
           resource: str, purpose: str, action: str = "read") -> None:
    now = uow.clock.now()
    rows = [{"organisation_id": organisation_id, "person_id": str(person_id), "actor": actor, "actor_role": actor_role,
             "action": action, "resource": resource, "purpose": purpose, "at": now} for person_id in dict.fromkeys(ids)]
    if rows:
        uow.session.execute(table.insert(), rows)
    uow.commit()
