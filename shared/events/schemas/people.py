"""Events published by the people service on `people.events`."""
import marshmallow as ma
from marshmallow import fields, validate

from shared.events.catalogue import register

PERSON_STATUSES = ("intake", "active", "discharged")


class PersonRegisteredV1(ma.Schema):
    # No names or contact details: consumers that need them get them through consented
    # events of their own, never by default.
    person_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    site_id = fields.UUID(required=True, allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(PERSON_STATUSES))
    timezone = fields.String(required=True)
    region = fields.String(required=True)
    registered_at = fields.AwareDateTime(required=True)


register(
    "circles.people.person.registered.v1",
    PersonRegisteredV1,
    "A person was registered at intake.",
)
