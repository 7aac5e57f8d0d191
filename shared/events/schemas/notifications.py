"""Events published by the notifications service on `notifications.events`.

The outcome of each delivery: who (by id), which channel, why not. Never a message body.
"""
import marshmallow as ma
from marshmallow import fields, validate

from shared.events.catalogue import register


class DeliveryOutcomeV1(ma.Schema):
    delivery_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    person_id = fields.UUID(required=True, allow_none=True)
    source_event_id = fields.String(required=True)
    source_type = fields.String(required=True)
    kind = fields.String(required=True)
    recipient_kind = fields.String(required=True, validate=validate.OneOf(("person", "contact", "staff", "invitee", "organisation")))
    recipient_id = fields.String(required=True)
    channel = fields.String(required=True)
    attempts = fields.Integer(required=True)
    reason = fields.String(required=True, allow_none=True)
    urgent = fields.Boolean(required=True)
    at = fields.AwareDateTime(required=True)
    # Optional (added later, so earlier events stay valid): for a message to a contact, the
    # consent it went under and the data class and purpose checked. Never a body or an address.
    consent_id = fields.String(load_default=None, allow_none=True)
    consent_version = fields.Integer(load_default=None, allow_none=True)
    data_class = fields.String(load_default=None, allow_none=True)
    purpose = fields.String(load_default=None, allow_none=True)


register("circles.notifications.notification.sent.v1", DeliveryOutcomeV1,
         "A message was accepted by its channel (SMTP server, SMS provider, webhook, inbox).")
register("circles.notifications.notification.failed.v1", DeliveryOutcomeV1,
         "A message could not be delivered: rejected, or retries exhausted (reason).")
register("circles.notifications.notification.suppressed.v1", DeliveryOutcomeV1,
         "A message was not sent, with the reason: no consent, no channel, rate limited, ...")
