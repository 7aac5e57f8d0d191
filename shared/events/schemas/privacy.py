"""Data-protection events: requests on people.events, answers on `<service>.privacy`.

A request names the person by id (the services must find their rows); an answer names
only the request. A subject-access part carries the person's data, which is why it goes to
a privacy topic with a short retention (docs/operations.md), never to an event stream.
"""
import marshmallow as ma
from marshmallow import fields, validate

from shared.events.catalogue import register

CONTRIBUTORS = ("checkins", "notifications", "resources", "reporting")


class SubjectAccessRequestedV1(ma.Schema):
    request_id = fields.UUID(required=True)
    person_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    requested_at = fields.AwareDateTime(required=True)


class PersonErasedV1(ma.Schema):
    erasure_id = fields.UUID(required=True)
    person_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    # The person's network contacts, erased with them (services that know contacts only
    # by id, without the person, find them through these).
    contact_ids = fields.List(fields.UUID(), load_default=list)
    erased_at = fields.AwareDateTime(required=True)


class SubjectAccessPartV1(ma.Schema):
    request_id = fields.UUID(required=True)
    service = fields.String(required=True, validate=validate.OneOf(CONTRIBUTORS))
    # Table name -> that table's rows about the person, as JSON objects.
    sections = fields.Dict(keys=fields.String(), values=fields.List(fields.Dict()), required=True)
    # A large part comes in several records: this one's number (from 0) and how many.
    chunk = fields.Integer(load_default=0, validate=validate.Range(min=0))
    chunks = fields.Integer(load_default=1, validate=validate.Range(min=1))


class ErasureConfirmedV1(ma.Schema):
    erasure_id = fields.UUID(required=True)
    service = fields.String(required=True, validate=validate.OneOf(CONTRIBUTORS))
    # Table name -> rows removed (or made anonymous, in reporting's aggregate facts).
    rows = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    confirmed_at = fields.AwareDateTime(required=True)


register("circles.people.subject_access.requested.v1", SubjectAccessRequestedV1,
         "A person's data was requested (by them or an admin): every service sends its part.")
register("circles.people.person.erased.v1", PersonErasedV1,
         "A person was erased after a recorded legal-basis check: every service erases them too.")
for _service in CONTRIBUTORS:
    register(f"circles.{_service}.subject_access.part.v1", SubjectAccessPartV1,
             f"What the {_service} service holds on the person of a subject-access request.", stream="privacy")
    register(f"circles.{_service}.erasure.confirmed.v1", ErasureConfirmedV1,
             f"The {_service} service erased the person of an erasure request.", stream="privacy")
