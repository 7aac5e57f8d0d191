"""Published subject-access parts leave the outbox at once: the outbox keeps a copy of
what each service published, and a part is the person's whole record at that service."""
from __future__ import annotations

from sqlalchemy import Table, delete

from shared.db.uow import UnitOfWork
from shared.jobs import Job

EVERY_SECONDS = 60


def sweep_published_parts(outbox: Table):
    def run_once(uow: UnitOfWork) -> int:
        swept = uow.session.execute(delete(outbox).where(
            outbox.c.published_at.is_not(None), outbox.c.topic.like("%.privacy"))).rowcount
        uow.commit()
        return swept
    return run_once


def sweep_job(service: str, outbox: Table) -> Job:
    return Job(f"{service}.privacy-outbox-sweep", every_seconds=EVERY_SECONDS, run_once=sweep_published_parts(outbox))
