"""Events published by the reporting service on `reporting.events`: aggregate KPIs only,
never a person's data."""
import marshmallow as ma
from marshmallow import fields, validate

from shared.events.catalogue import register


class KpiThresholdBreachedV1(ma.Schema):
    breach_id = fields.UUID(required=True)
    threshold_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    site_id = fields.UUID(required=True, allow_none=True)  # None: the whole organisation
    kpi = fields.String(required=True)  # the KPI's key, e.g. checkin_completion_rate
    kpi_name = fields.String(required=True)  # its readable name, e.g. "Check-in completion rate"
    unit = fields.String(required=True, validate=validate.OneOf(("percent", "count", "number")))
    comparator = fields.String(required=True, validate=validate.OneOf(("below", "above")))
    threshold = fields.Float(required=True)
    value = fields.Float(required=True)
    period = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$"))
    breached_at = fields.AwareDateTime(required=True)


register("circles.reporting.kpi.threshold_breached.v1", KpiThresholdBreachedV1,
         "An organisation's KPI crossed one of its configured thresholds (once per breach and month).")
