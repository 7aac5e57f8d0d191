import marshmallow as ma
from marshmallow import fields, validate

from services.people.api.common import Page, valid_timezone
from services.people.models.person import CONTACT_METHODS, STATUSES
from shared.web.common import Pattern

REGION = Pattern(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$", error="Use an ISO 3166 code such as GB or US-NY.")


class PersonIn(ma.Schema):
    display_name = fields.String(required=True, validate=validate.Length(1, 200),
                                 metadata={"description": "Name or alias the person chose"})
    timezone = fields.String(required=True, validate=valid_timezone)
    region = fields.String(required=True, validate=REGION,
                           metadata={"description": "ISO 3166 country or subdivision, e.g. GB or US-NY"})
    site_id = fields.UUID(load_default=None, allow_none=True)
    email = fields.Email(load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    preferred_method = fields.String(load_default="phone", validate=validate.OneOf(CONTACT_METHODS))
    goals = fields.List(fields.String(validate=validate.Length(1, 500)), load_default=list,
                        validate=validate.Length(max=20), metadata={"description": "Goals the person chose"})
    practical_support_plan = fields.String(load_default="", validate=validate.Length(max=2000))
    clinical_lead_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


# Partial loading applies no defaults: a PATCH changes only what it names.
PersonPatch = PersonIn(partial=True)


class PersonOut(ma.Schema):
    id = fields.String()
    organisation_id = fields.String()
    site_id = fields.String(allow_none=True)
    display_name = fields.String()
    status = fields.String()
    status_reason = fields.String()
    status_changed_at = fields.DateTime(allow_none=True)
    timezone = fields.String()
    region = fields.String()
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    preferred_method = fields.String()
    peer_worker_id = fields.String(allow_none=True)
    clinical_lead_id = fields.String(allow_none=True)
    clinical_lead_name = fields.String(allow_none=True)
    goals = fields.List(fields.String())
    practical_support_plan = fields.String()
    created_at = fields.DateTime()


class PersonQuery(Page):
    q = fields.String(load_default=None, validate=validate.Length(max=100))
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    site_id = fields.UUID(load_default=None)


class StatusChangeIn(ma.Schema):
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    reason = fields.String(required=True, validate=validate.Length(1, 2000))


class StatusChangeOut(ma.Schema):
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    reason = fields.String()
    changed_by = fields.String()
    changed_at = fields.DateTime()


class AssignmentIn(ma.Schema):
    staff_id = fields.UUID(required=True, allow_none=True,
                           metadata={"description": "The staff account, or null to unassign"})
