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


class PersonReach(ma.Schema):
    """How to reach the person themselves (their own reminders); absent in older events."""
    display_name = fields.String(load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True)
    email = fields.String(load_default=None, allow_none=True)


class PersonChecklistFacts(ma.Schema):
    """For reporting's checklist coverage: a clinical lead named outside the staff list,
    and a written plan for practical support (the texts stay in the people service)."""
    clinical_lead_named = fields.Boolean(load_default=None, allow_none=True)
    practical_support_planned = fields.Boolean(load_default=None, allow_none=True)


class PersonRegisteredV1(PersonRef, PersonReach, PersonChecklistFacts):
    site_id = fields.UUID(required=True, allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(PERSON_STATUSES))
    timezone = fields.String(required=True)
    region = fields.String(required=True)
    preferred_method = fields.String(load_default="phone")
    registered_at = fields.AwareDateTime(required=True)


class PersonUpdatedV1(PersonRef, PersonReach, PersonChecklistFacts):
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


class AssessmentCompletedV1(PersonRef):
    site_id = fields.UUID(required=True, allow_none=True)
    assessment_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("intake", "review")))
    # Derived scores with their instrument versions; never the item answers.
    scores = fields.Dict(keys=fields.String(), values=fields.Dict(), required=True)
    housing_status = fields.String(required=True)
    employment_status = fields.String(required=True)
    completed_at = fields.AwareDateTime(required=True)
    next_due_at = fields.AwareDateTime(required=True)


class AssessmentDueV1(PersonRef):
    site_id = fields.UUID(required=True, allow_none=True)
    peer_worker_id = fields.String(required=True, allow_none=True)
    last_assessment_id = fields.UUID(required=True)
    due_at = fields.AwareDateTime(required=True)


class OutcomeRecordedV1(PersonRef):
    site_id = fields.UUID(required=True, allow_none=True)
    outcome = fields.String(required=True, validate=validate.OneOf(("housing_status", "employment_status")))
    value = fields.String(required=True)
    recorded_at = fields.AwareDateTime(required=True)


class ConsentChangedV1(PersonRef):
    consent_id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    recipients = fields.List(fields.String(), required=True)
    data_classes = fields.List(fields.String(), required=True)
    purposes = fields.List(fields.String(), required=True)
    expires_at = fields.AwareDateTime(required=True, allow_none=True)
    expiry_event = fields.String(required=True, allow_none=True)
    revoked_at = fields.AwareDateTime()
    expired_at = fields.AwareDateTime()


class CallFirst(ma.Schema):
    order = fields.Integer(required=True)
    contact_id = fields.UUID(required=True)
    when = fields.String(required=True, validate=validate.OneOf(("daytime", "out_of_hours", "any")))


class CrisisPlanSignedV1(PersonRef):
    version = fields.Integer(required=True)
    region = fields.String(required=True)
    # The call order only: warning signs and naloxone details stay in this service.
    call_first = fields.List(fields.Nested(CallFirst), required=True)
    signed_at = fields.AwareDateTime(required=True)


class InvitationSentV1(PersonRef):
    invitation_id = fields.UUID(required=True)
    role = fields.String(required=True, validate=validate.OneOf(("participant", "supporter")))
    email = fields.Email(required=True)
    # Single-use and short-lived; notifications puts it in the emailed link, nothing stores it.
    token = fields.String(required=True)
    expires_at = fields.AwareDateTime(required=True)


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
register("circles.people.assessment.completed.v1", AssessmentCompletedV1,
         "An assessment was completed: scores and housing/employment status, not answers.")
register("circles.people.assessment.due.v1", AssessmentDueV1, "A person's assessment review is due.")
register("circles.people.outcome.recorded.v1", OutcomeRecordedV1,
         "A housing or employment outcome was recorded (first value, or a change).")
register("circles.people.consent.granted.v1", ConsentChangedV1, "A consent version was signed and is active.")
register("circles.people.consent.revoked.v1", ConsentChangedV1, "A consent version was revoked (or superseded).")
register("circles.people.consent.expired.v1", ConsentChangedV1,
         "A consent version expired, by date or by its expiry event (end of treatment).")
register("circles.people.crisis_plan.signed.v1", CrisisPlanSignedV1,
         "A crisis plan version was signed: who to call first, in order, daytime or out of hours.")
register("circles.people.invitation.sent.v1", InvitationSentV1,
         "A participant or supporter was invited to log in; notifications emails the link.")


class SessionEndedV1(ma.Schema):
    """A login session ended (a logout): every service refuses its token until it expires.
    The token's id only: no subject, no email, nothing about who it was."""
    token_id = fields.String(required=True, validate=validate.Length(1, 64))
    expires_at = fields.AwareDateTime(required=True)


register("circles.people.session.ended.v1", SessionEndedV1,
         "A login session was logged out; its token (by id) is refused everywhere until it expires.")
