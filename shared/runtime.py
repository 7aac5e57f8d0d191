"""What one service process needs at run time, built once from its spec and settings.

A service describes itself with a ServiceSpec (its name, tables, migrations and
consumers); the web app, the worker and the migration command all build a Runtime from
it, so there is one place that wires the engine, the clock and the unit of work.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path
from types import ModuleType
from typing import Callable

from sqlalchemy import Engine, MetaData, Table

from shared.clock import Clock, clock_for
from shared.db.engine import make_engine, make_session_factory
from shared.db.uow import UnitOfWork
from shared.settings import Settings, load_settings


@dataclasses.dataclass(frozen=True)
class ServiceSpec:
    name: str
    metadata: MetaData
    outbox: Table
    processed: Table
    migrations_dir: Path
    # Built per runtime so handlers can close over its clock and settings.
    subscriptions: Callable[["Runtime"], list] = lambda runtime: []
    # Scheduled jobs (shared.jobs.Job) the worker runs on the runtime's clock.
    jobs: Callable[["Runtime"], list] = lambda runtime: []

    @classmethod
    def from_db_module(cls, name: str, db: ModuleType, **kwargs) -> "ServiceSpec":
        """Spec for a service whose db module defines metadata, outbox and
        processed_events, with its migrations folder beside that module."""
        return cls(name=name, metadata=db.metadata, outbox=db.outbox, processed=db.processed_events,
                   migrations_dir=Path(db.__file__).parent / "migrations", **kwargs)


class Runtime:
    def __init__(self, spec: ServiceSpec, settings: Settings | None = None,
                 clock: Clock | None = None, engine: Engine | None = None):
        self.spec = spec
        self.settings = settings or load_settings(spec.name)
        self.clock = clock or clock_for(self.settings.clock_file)
        self.engine = engine or make_engine(self.settings.database_url)
        self.session_factory = make_session_factory(self.engine)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory, self.spec.outbox, self.clock, self.settings.event_source)

    def dispose(self) -> None:
        self.engine.dispose()
