"""The projection tables: everything reporting knows, built only from events.

One function builds the whole set, so a replay can build the same tables under a fresh
suffix, fill them from the start of the topics and swap them in (see replay.py). Each
table is fed by one topic, and rows are only ever upserted by key or incremented, so
the result does not depend on how the topics interleave: a replay equals the live run.
"""
from __future__ import annotations

import dataclasses

from sqlalchemy import (Boolean, Column, Date, Float, Index, Integer, MetaData, PrimaryKeyConstraint, String,
                        Table)

from shared.db.types import JsonList, UtcDateTime

ID = String(36)
PERSON_SCOPED = ("person_id", "organisation_id", "site_id")


@dataclasses.dataclass(frozen=True)
class ProjectionTables:
    suffix: str
    persons: Table
    peer_assignments: Table
    contacts: Table
    rhythms: Table
    checkins: Table
    misses: Table
    reviews: Table
    attendances: Table
    assessments: Table
    listings: Table
    daily_counts: Table
    applied_events: Table

    def all(self) -> list[Table]:
        return [getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "suffix"]

    def by_name(self, name: str) -> Table:
        return getattr(self, name)


def _table(metadata: MetaData, name: str, suffix: str, key: tuple[str, ...], *columns, indexes=()) -> Table:
    full = f"rp_{name}{suffix}"
    table = Table(full, metadata, *columns, PrimaryKeyConstraint(*key, name=f"pk_{full}"))
    for index_name, index_columns in indexes:
        Index(f"ix_{full}_{index_name}", *(table.c[c] for c in index_columns))
    return table


def _person_scoped() -> list[Column]:
    # site_id is '' for a person without a site, so keys and GROUP BYs never meet a NULL.
    return [Column("person_id", ID, nullable=False), Column("organisation_id", ID, nullable=False),
            Column("site_id", ID, nullable=False, default="")]


def build(metadata: MetaData, suffix: str = "") -> ProjectionTables:
    t = lambda name, key, *cols, **kw: _table(metadata, name, suffix, key, *cols, **kw)  # noqa: E731
    return ProjectionTables(
        suffix=suffix,
        # site_id is NULL for no site here: the shared caseload rule reads this table.
        persons=t("persons", ("person_id",), Column("person_id", ID, nullable=False),
                  Column("organisation_id", ID, nullable=False), Column("site_id", ID),
                  Column("status", String(20)), Column("registered_at", UtcDateTime()),
                  Column("discharged_at", UtcDateTime()), Column("peer_worker_id", String(64)),
                  Column("clinical_lead_id", String(64)), Column("clinical_lead_named", Boolean),
                  Column("practical_support_planned", Boolean), Column("crisis_plan_signed_at", UtcDateTime()),
                  Column("crisis_call_first", Integer),
                  indexes=[("org_site", ("organisation_id", "site_id"))]),
        peer_assignments=t("peer_assignments", ("person_id", "assigned_at"),
                           Column("person_id", ID, nullable=False), Column("assigned_at", UtcDateTime(), nullable=False),
                           Column("organisation_id", ID, nullable=False), Column("staff_id", String(64))),
        contacts=t("contacts", ("contact_id",), Column("contact_id", ID, nullable=False),
                   Column("person_id", ID, nullable=False), Column("organisation_id", ID, nullable=False),
                   Column("role", String(40)), Column("label", String(20)), Column("is_backup", Boolean),
                   Column("support_types", JsonList()), Column("removed", Boolean, nullable=False, default=False),
                   indexes=[("person", ("person_id",))]),
        rhythms=t("rhythms", ("rhythm_id",), Column("rhythm_id", ID, nullable=False), *_person_scoped(),
                  Column("kind", String(40)), Column("active", Boolean), Column("version", Integer),
                  indexes=[("person", ("person_id",))]),
        checkins=t("checkins", ("checkin_id",), Column("checkin_id", ID, nullable=False), *_person_scoped(),
                   Column("completed_at", UtcDateTime(), nullable=False), Column("wellbeing", Integer),
                   Column("days_abstinent", Integer), Column("source", String(10)),
                   indexes=[("org_time", ("organisation_id", "completed_at")), ("person", ("person_id",))]),
        misses=t("misses", ("session_id",), Column("session_id", ID, nullable=False), *_person_scoped(),
                 Column("kind", String(40)), Column("starts_at", UtcDateTime(), nullable=False),
                 Column("consecutive", Integer), indexes=[("org_time", ("organisation_id", "starts_at"))]),
        reviews=t("reviews", ("review_id",), Column("review_id", ID, nullable=False), *_person_scoped(),
                  Column("completed_at", UtcDateTime(), nullable=False),
                  indexes=[("org_time", ("organisation_id", "completed_at"))]),
        attendances=t("attendances", ("attendance_id",), Column("attendance_id", ID, nullable=False),
                      *_person_scoped(), Column("attended_on", Date, nullable=False), Column("mode", String(20)),
                      indexes=[("org_day", ("organisation_id", "attended_on"))]),
        assessments=t("assessments", ("assessment_id",), Column("assessment_id", ID, nullable=False),
                      *_person_scoped(), Column("kind", String(20)),
                      Column("completed_at", UtcDateTime(), nullable=False), Column("barc10_total", Integer),
                      Column("mspss_mean", Float), Column("housing_status", String(40)),
                      Column("employment_status", String(40)), indexes=[("org", ("organisation_id",))]),
        listings=t("listings", ("listing_id",), Column("listing_id", ID, nullable=False),
                   Column("organisation_id", ID, nullable=False), Column("site_id", ID, nullable=False, default=""),
                   Column("kind", String(40)), Column("status", String(20)), Column("attendance", String(20))),
        daily_counts=t("daily_counts", ("organisation_id", "site_id", "day", "metric"),
                       Column("organisation_id", ID, nullable=False), Column("site_id", ID, nullable=False),
                       Column("day", Date, nullable=False), Column("metric", String(60), nullable=False),
                       Column("value", Integer, nullable=False)),
        # The events this generation of tables has applied: redeliveries are no-ops, and
        # a replayed generation knows exactly what it already holds when it is swapped in.
        applied_events=t("applied_events", ("event_id",), Column("event_id", String(200), nullable=False)),
    )
