"""Events published by the check-ins service on `checkins.events`."""
import marshmallow as ma
from marshmallow import fields, validate

from shared.events.catalogue import register


class CheckinCompletedV1(ma.Schema):
    checkin_id = fields.UUID(required=True)
    person_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    site_id = fields.UUID(required=True, allow_none=True)
    session_id = fields.UUID(required=True, allow_none=True)
    completed_at = fields.AwareDateTime(required=True)
    wellbeing = fields.Integer(required=True, validate=validate.Range(1, 10))


register(
    "circles.checkins.checkin.completed.v1",
    CheckinCompletedV1,
    "A check-in was recorded for a person (the guide's 15-minute agenda).",
)
