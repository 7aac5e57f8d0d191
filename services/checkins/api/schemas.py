"""Request and response schemas of the check-in record and its parts."""
import marshmallow as ma
from marshmallow import fields, validate

from services.checkins.domain import agenda
from shared.web.common import MAX_OFFSET, Instant


class RiskFlagIn(ma.Schema):
    kind = fields.String(required=True, validate=validate.OneOf(agenda.RISK_KINDS))
    severity = fields.String(required=True, validate=validate.OneOf(agenda.SEVERITIES))


class RiskFlagOut(RiskFlagIn):
    id = fields.String()
    raised_at = fields.AwareDateTime()


class ActionItemIn(ma.Schema):
    what = fields.String(required=True, validate=validate.Length(1, 1000))
    owner_kind = fields.String(required=True, validate=validate.OneOf(agenda.ACTION_OWNER_KINDS),
                               metadata={"description": "A network contact of the person, or a staff member"})
    owner_id = fields.UUID(required=True)
    due_on = fields.Date(required=True)


class ActionItemOut(ActionItemIn):
    id = fields.String()
    person_id = fields.String()
    checkin_id = fields.String(allow_none=True)
    owner_id = fields.String()
    status = fields.String()
    created_at = fields.AwareDateTime()
    done_at = fields.AwareDateTime(allow_none=True)
    done_by = fields.String(allow_none=True)


class CheckinIn(ma.Schema):
    person_id = fields.UUID(required=True)
    session_id = fields.UUID(load_default=None, allow_none=True,
                             metadata={"description": "The session this check-in is for; when absent, the "
                                                      "person's session whose window holds completed_at"})
    completed_at = Instant(load_default=None, allow_none=True)
    wellbeing = fields.Integer(required=True, validate=validate.Range(1, 10),
                               metadata={"description": "Wellbeing today, 1 (worst) to 10 (best)"})
    wins = fields.String(load_default="", validate=validate.Length(max=4000))
    risks_and_needs = fields.String(load_default="", validate=validate.Length(max=4000))
    practical_tasks = fields.String(load_default="", validate=validate.Length(max=4000),
                                    metadata={"description": "Appointments, transport, medication"})
    days_abstinent_last_30 = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 30),
                                            metadata={"description": "Self-reported"})
    medication_adherence = fields.String(load_default=None, allow_none=True,
                                         validate=validate.OneOf(agenda.MEDICATION_ADHERENCE))
    risk_flags = fields.List(fields.Nested(RiskFlagIn), load_default=list, validate=validate.Length(max=6))
    action_items = fields.List(fields.Nested(ActionItemIn), load_default=list, validate=validate.Length(max=20))


class CheckinOut(ma.Schema):
    id = fields.String()
    organisation_id = fields.String()
    site_id = fields.String(allow_none=True)
    person_id = fields.String()
    session_id = fields.String(allow_none=True)
    completed_at = fields.AwareDateTime()
    wellbeing = fields.Integer()
    wins = fields.String()
    risks_and_needs = fields.String()
    practical_tasks = fields.String()
    days_abstinent_last_30 = fields.Integer(allow_none=True)
    medication_adherence = fields.String(allow_none=True)
    source = fields.String()
    recorded_by = fields.String()
    recorded_at = fields.AwareDateTime()
    risk_flags = fields.List(fields.Nested(RiskFlagOut))
    action_items = fields.List(fields.Nested(ActionItemOut))


class CheckinQuery(ma.Schema):
    person_id = fields.UUID(load_default=None)
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, MAX_OFFSET))
