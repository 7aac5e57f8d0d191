import marshmallow as ma
from marshmallow import fields, validate

from services.people.domain.network import CIRCLES, CONTACT_ROLES, LABELS, SUPPORT_TYPES
from services.people.models.person import CONTACT_METHODS
from shared.web.common import Pattern

HOUR = Pattern(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error="Use HH:MM, 24-hour.")
RATING = validate.Range(1, 5)


class Agreement(ma.Schema):
    """What the contact agreed to when asked to be on the list (the guide's script)."""
    meeting_frequency = fields.String(load_default="", validate=validate.Length(max=200))
    confidentiality = fields.String(load_default="", validate=validate.Length(max=500))
    emergency_contact = fields.Boolean(load_default=False)
    limits = fields.String(load_default="", validate=validate.Length(max=500))
    agreed_on = fields.Date(required=True)


class ContactIn(ma.Schema):
    name = fields.String(required=True, validate=validate.Length(1, 200))
    role = fields.String(required=True, validate=validate.OneOf(CONTACT_ROLES))
    circle = fields.String(required=True, validate=validate.OneOf(CIRCLES))
    label = fields.String(load_default="unknown", validate=validate.OneOf(LABELS))
    preferred_method = fields.String(load_default="phone", validate=validate.OneOf(CONTACT_METHODS))
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    email = fields.Email(load_default=None, allow_none=True)
    texts_ok = fields.Boolean(load_default=False)
    calls_ok = fields.Boolean(load_default=False)
    home_visits_ok = fields.Boolean(load_default=False)
    hours_start = fields.String(load_default=None, allow_none=True, validate=HOUR)
    hours_end = fields.String(load_default=None, allow_none=True, validate=HOUR)
    reliability = fields.Integer(load_default=None, allow_none=True, validate=RATING)
    helpfulness = fields.Integer(load_default=None, allow_none=True, validate=RATING)
    notes = fields.String(load_default="", validate=validate.Length(max=4000))
    is_backup = fields.Boolean(load_default=False)
    support_types = fields.List(fields.String(validate=validate.OneOf(SUPPORT_TYPES)), load_default=list)
    agreement = fields.Nested(Agreement, load_default=None, allow_none=True)

    @ma.validates_schema
    def hours_come_in_pairs(self, data, **kwargs):
        if (data.get("hours_start") is None) != (data.get("hours_end") is None):
            raise ma.ValidationError("Give both hours_start and hours_end, or neither.", "hours_end")

    @ma.post_load
    def agreement_as_json(self, data, **kwargs):
        if "agreement" in data:
            agreement = data["agreement"] or {}
            if agreement.get("agreed_on"):
                agreement = {**agreement, "agreed_on": agreement["agreed_on"].isoformat()}
            data["agreement"] = agreement
        if "support_types" in data:
            data["support_types"] = sorted(set(data["support_types"]))
        return data


# Partial loading applies no defaults: a PATCH changes only what it names.
ContactPatch = ContactIn(partial=True)


class ContactOut(ContactIn):
    id = fields.String()
    person_id = fields.String()
    agreement = fields.Dict()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
