import marshmallow as ma
from marshmallow import fields, validate


class CheckinIn(ma.Schema):
    person_id = fields.UUID(required=True)
    site_id = fields.UUID(load_default=None, allow_none=True)
    session_id = fields.UUID(load_default=None, allow_none=True)
    completed_at = fields.AwareDateTime(load_default=None, allow_none=True)
    wellbeing = fields.Integer(required=True, validate=validate.Range(1, 10),
                               metadata={"description": "Wellbeing today, 1 (worst) to 10 (best)"})
    wins = fields.String(load_default="", validate=validate.Length(max=4000))
    risks_and_needs = fields.String(load_default="", validate=validate.Length(max=4000))
    practical_tasks = fields.String(load_default="", validate=validate.Length(max=4000))
    days_abstinent_last_30 = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 30))


class CheckinOut(CheckinIn):
    id = fields.String()
    organisation_id = fields.String()
    person_id = fields.String()
    site_id = fields.String(allow_none=True)
    session_id = fields.String(allow_none=True)
    completed_at = fields.AwareDateTime(default_timezone=None)
    recorded_by = fields.String()
    recorded_at = fields.DateTime()


class CheckinQuery(ma.Schema):
    person_id = fields.UUID(load_default=None)
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    offset = fields.Integer(load_default=0, validate=validate.Range(0))
