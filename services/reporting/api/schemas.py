"""Marshmallow schemas of the reporting API."""
from __future__ import annotations

import datetime as dt
import re

import marshmallow as ma
from marshmallow import fields, validate

from services.reporting.domain.catalogue import KPIS
from services.reporting.domain.periods import GRANULARITIES
from services.reporting.usecases.thresholds import THRESHOLD_KPIS

MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])\Z")
# Periods are cut and compared a month or a year either side of what is asked for, so
# the ends of Python's calendar (year 1, year 9999) failed with a 500; no report needs them.
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
RANGE_MESSAGE = f"Reports cover {EARLIEST.year} to {LATEST.year}."


def _in_range(day: dt.date) -> dt.date:
    if not EARLIEST <= day <= LATEST:
        raise ma.ValidationError(RANGE_MESSAGE)
    return day


def _a_real_month(text: str) -> None:
    """YYYY-MM that is also a calendar month in range ("0000-01" matches the pattern but is not)."""
    if not MONTH.match(text):
        raise ma.ValidationError("Use YYYY-MM.")
    try:
        first = dt.date.fromisoformat(f"{text}-01")
    except ValueError as exc:
        raise ma.ValidationError("Use YYYY-MM.") from exc
    _in_range(first)


class DayOrMonth(fields.Field):
    """YYYY-MM-DD, or YYYY-MM meaning that month's first day (`from`) or last day (`to`)."""

    def __init__(self, end_of_month: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.end_of_month = end_of_month

    def _deserialize(self, value, attr, data, **kwargs):
        text = str(value)
        try:
            if MONTH.match(text):
                first = dt.date.fromisoformat(f"{text}-01")
                if not self.end_of_month:
                    return _in_range(first)
                following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
                return _in_range(following - dt.timedelta(days=1))
            return _in_range(dt.date.fromisoformat(text))
        except ValueError as exc:
            raise ma.ValidationError("Use YYYY-MM-DD or YYYY-MM.") from exc


class KpiQuery(ma.Schema):
    first_day = DayOrMonth(load_default=None, data_key="from",
                           metadata={"description": "First day (YYYY-MM-DD) or month (YYYY-MM); default: 1 January of `to`'s year."})
    last_day = DayOrMonth(end_of_month=True, load_default=None, data_key="to",
                          metadata={"description": "Last day or month; default: today."})
    granularity = fields.String(load_default="month", validate=validate.OneOf(GRANULARITIES))
    site_id = fields.UUID(load_default=None)


class MonthQuery(ma.Schema):
    month = fields.String(load_default=None, validate=_a_real_month,
                          metadata={"description": "A month, YYYY-MM", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"})


class ShownValue(ma.Schema):
    value = fields.Raw(allow_none=True, metadata={
        "description": 'A number; "<5" for a small count; null when withheld or undefined. Rates are ratios 0-1.'})
    withheld = fields.Boolean()
    numerator = fields.Raw(allow_none=True)
    denominator = fields.Raw(allow_none=True)
    n = fields.Raw(allow_none=True)


KpiValues = fields.Dict(keys=fields.String(), values=fields.Nested(ShownValue))


class PeriodKpis(ma.Schema):
    period = fields.String()
    first_day = fields.Date()
    last_day = fields.Date()
    kpis = KpiValues


class PeerWorkerKpis(ma.Schema):
    staff_id = fields.String()
    caseload = fields.Nested(ShownValue)
    missed_session_rate = fields.Nested(ShownValue)


class KpiReport(ma.Schema):
    organisation_id = fields.String()
    site_id = fields.String(allow_none=True)
    granularity = fields.String()
    first_day = fields.Date(data_key="from")
    last_day = fields.Date(data_key="to")
    as_of = fields.AwareDateTime()
    suppressed_below = fields.Integer(allow_none=True)
    periods = fields.List(fields.Nested(PeriodKpis))
    current = KpiValues
    peer_workers = fields.List(fields.Nested(PeerWorkerKpis))


class SiteRow(ma.Schema):
    site_id = fields.String(allow_none=True)
    kpis = KpiValues


class SiteComparison(ma.Schema):
    period = fields.String()
    as_of = fields.AwareDateTime()
    suppressed_below = fields.Integer(allow_none=True)
    sites = fields.List(fields.Nested(SiteRow))


class KpiDefinition(ma.Schema):
    key = fields.String()
    name = fields.String()
    unit = fields.String()
    group = fields.String()
    definition = fields.String()


class TimelineEntry(ma.Schema):
    at = fields.String()
    kind = fields.String()
    details = fields.Dict()


class Timeline(ma.Schema):
    person_id = fields.String()
    status = fields.String(allow_none=True)
    registered_at = fields.AwareDateTime(allow_none=True)
    discharged_at = fields.AwareDateTime(allow_none=True)
    entries = fields.List(fields.Nested(TimelineEntry))


class ThresholdIn(ma.Schema):
    kpi = fields.String(required=True, validate=validate.OneOf(THRESHOLD_KPIS))
    comparator = fields.String(required=True, validate=validate.OneOf(("below", "above")))
    value = fields.Float(required=True, allow_nan=False, metadata={"description": "Percent (0-100) for rates."})
    site_id = fields.UUID(load_default=None, metadata={"description": "None: the whole organisation."})


class Breach(ma.Schema):
    id = fields.String()
    period = fields.String()
    value = fields.Float()
    opened_at = fields.AwareDateTime()


class Threshold(ThresholdIn):
    id = fields.String()
    site_id = fields.String(allow_none=True)
    created_by = fields.String()
    created_at = fields.AwareDateTime()
    open_breach = fields.Nested(Breach, allow_none=True)


DEFINITIONS = [{"key": k.key, "name": k.name, "unit": k.unit, "group": k.group, "definition": k.definition}
               for k in KPIS]
