"""Events published by the people service on `people.events`.

Minimal personal data: ids, routing facts and what a consumer must act on. Names and
contact channels travel only where the consumer needs them and the contact agreed.
"""
import marshmallow as ma
from marshmallow import fields, validate

from shared.events.catalogue import register

PERSON_STATUSES = ("intake", "active", "discharged")
STAFF_ROLES = ("admin", "coordinator", "peer_worker", "clinician", "operator")


class PersonRef(ma.Schema):
    person_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)


class PersonRegisteredV1(PersonRef):
    site_id = fields.UUID(required=True, allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(PERSON_STATUSES))
    timezone = fields.String(required=True)
    region = fields.String(required=True)
    registered_at = fields.AwareDateTime(required=True)


class PersonUpdatedV1(PersonRef):
    site_id = fields.UUID(required=True, allow_none=True)
    timezone = fields.String(required=True)
    region = fields.String(required=True)
    preferred_method = fields.String(required=True)
    updated_at = fields.AwareDateTime(required=True)


class PersonStatusChangedV1(PersonRef):
    # The reason stays in the people service: it can be clinical.
    from_status = fields.String(required=True, validate=validate.OneOf(PERSON_STATUSES))
    to_status = fields.String(required=True, validate=validate.OneOf(PERSON_STATUSES))
    changed_at = fields.AwareDateTime(required=True)


class StaffAssignedV1(PersonRef):
    staff_id = fields.String(required=True, allow_none=True)
    assigned_at = fields.AwareDateTime(required=True)


class ContactChangedV1(PersonRef):
    contact_id = fields.UUID(required=True)
    role = fields.String(required=True)
    circle = fields.String(required=True)
    label = fields.String(required=True)
    is_backup = fields.Boolean(required=True)
    support_types = fields.List(fields.String(), required=True)
    agreed_to_contact = fields.Boolean(required=True)
    # Only when the contact agreed to be contacted; otherwise absent.
    name = fields.String()
    preferred_method = fields.String()
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    texts_ok = fields.Boolean()
    calls_ok = fields.Boolean()
    hours_start = fields.String(allow_none=True)
    hours_end = fields.String(allow_none=True)
    changed_at = fields.AwareDateTime(required=True)


class ContactRemovedV1(PersonRef):
    contact_id = fields.UUID(required=True)
    removed_at = fields.AwareDateTime(required=True)


class StaffRegisteredV1(ma.Schema):
    # Staff are reached at work: their work email and role are what notifications needs.
    staff_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    role = fields.String(required=True, validate=validate.OneOf(STAFF_ROLES))
    site_ids = fields.List(fields.UUID(), required=True)
    display_name = fields.String(required=True)
    email = fields.Email(required=True)
    registered_at = fields.AwareDateTime(required=True)


register("circles.people.person.registered.v1", PersonRegisteredV1, "A person was registered at intake.")
register("circles.people.person.updated.v1", PersonUpdatedV1,
         "A person's routing facts changed (site, time zone, region, preferred method).")
register("circles.people.person.status_changed.v1", PersonStatusChangedV1,
         "A person moved between intake, active and discharged.")
register("circles.people.person.peer_worker_assigned.v1", StaffAssignedV1,
         "A peer worker was assigned to a person (staff_id null: unassigned).")
register("circles.people.person.clinical_lead_assigned.v1", StaffAssignedV1,
         "A named clinical lead was assigned to a person (staff_id null: unassigned).")
register("circles.people.contact.added.v1", ContactChangedV1, "A contact joined a person's network map.")
register("circles.people.contact.updated.v1", ContactChangedV1, "A network contact changed.")
register("circles.people.contact.removed.v1", ContactRemovedV1, "A contact left a person's network map.")
register("circles.people.staff.registered.v1", StaffRegisteredV1, "A staff account was created.")
