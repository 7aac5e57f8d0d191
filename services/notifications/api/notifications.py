"""The inbox, a person's delivery log, the organisation's rules and recipients' preferences."""
from __future__ import annotations

import zoneinfo

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from shared.web.audited import audited, person_ids
from services.notifications.domain.rules import AUDIENCES
from services.notifications.usecases import queries
from shared.auth.caseload import STAFF_WITH_CASELOAD
from shared.errors import Invalid
from shared.web.auth import current_principal, require_roles
from shared.web.common import Page, Pattern, unit_of_work

blp = Blueprint("notifications", __name__, description="Inbox, delivery log, rules and quiet hours")
HHMM = Pattern(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error="Use HH:MM, 24-hour.")
INBOX_ROLES = (*STAFF_WITH_CASELOAD, "operator", "participant")


class InboxOut(ma.Schema):
    id = fields.String()
    person_id = fields.String(allow_none=True)
    subject = fields.String()
    body = fields.String()
    urgent = fields.Boolean()
    created_at = fields.AwareDateTime()
    read_at = fields.AwareDateTime(allow_none=True)


class InboxQuery(Page):
    unread = fields.Boolean(load_default=False)


class AttemptOut(ma.Schema):
    number = fields.Integer()
    at = fields.AwareDateTime()
    outcome = fields.String()
    detail = fields.String()


class DeliveryOut(ma.Schema):
    id = fields.String()
    source_type = fields.String()
    source_event_id = fields.String()
    kind = fields.String()
    recipient_kind = fields.String()
    recipient_id = fields.String()
    channel = fields.String()
    urgent = fields.Boolean()
    status = fields.String()
    reason = fields.String(allow_none=True, metadata={"description": "Why it was suppressed or failed"})
    attempts = fields.Integer()
    created_at = fields.AwareDateTime()
    sent_at = fields.AwareDateTime(allow_none=True)
    attempt_log = fields.List(fields.Nested(AttemptOut))


class RuleSchema(ma.Schema):
    to = fields.String(required=True, validate=validate.OneOf(AUDIENCES))
    template = fields.String(required=True)
    min_consecutive = fields.Integer(validate=validate.Range(1, 52))
    data_class = fields.String()
    purpose = fields.String()
    urgent = fields.Boolean()
    channels = fields.List(fields.String(validate=validate.OneOf(("email", "sms", "webhook", "inbox"))))


class RulesSchema(ma.Schema):
    rules = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(RuleSchema)))
    quiet_start = fields.String(validate=HHMM)
    quiet_end = fields.String(validate=HHMM)
    rate_limit_per_hour = fields.Integer(validate=validate.Range(1, 100))
    locale = fields.String(validate=Pattern(r"^[a-z]{2}(-[A-Z]{2})?$"))
    webhook_url = fields.Url(allow_none=True, schemes={"https", "http"}, metadata={
        "description": "The organisation's incoming webhook for rules addressed to 'webhook'"})
    overridden = fields.List(fields.String(), dump_only=True)


class PreferencesSchema(ma.Schema):
    quiet_start = fields.String(allow_none=True, validate=HHMM)
    quiet_end = fields.String(allow_none=True, validate=HHMM)
    timezone = fields.String(allow_none=True)
    locale = fields.String(allow_none=True, validate=Pattern(r"^[a-z]{2}(-[A-Z]{2})?$"))


@blp.route("/inbox")
class Inbox(MethodView):
    @require_roles(*INBOX_ROLES)
    @blp.arguments(InboxQuery, location="query")
    @blp.response(200, InboxOut(many=True))
    def get(self, query):
        """The caller's in-app messages, urgent first, newest first."""
        with unit_of_work() as uow:
            items = queries.inbox(uow, current_principal(), query["unread"], query["limit"], query["offset"])
            audited(uow, person_ids(items), "inbox", "list")  # a staff inbox quotes messages about persons
            return items


@blp.route("/inbox/<uuid:item_id>/read", methods=["POST"])
@require_roles(*INBOX_ROLES)
@blp.response(200, InboxOut)
def mark_read(item_id):
    """Mark one of the caller's messages read."""
    with unit_of_work() as uow:
        return queries.mark_read(uow, current_principal(), str(item_id))


@blp.route("/persons/<uuid:person_id>/deliveries")
class Deliveries(MethodView):
    @require_roles(*STAFF_WITH_CASELOAD)
    @blp.arguments(Page, location="query")
    @blp.response(200, DeliveryOut(many=True))
    def get(self, query, person_id):
        """Every message about the person: sent, failed or suppressed, with the reason and attempts."""
        with unit_of_work() as uow:
            rows = queries.delivery_log(uow, current_principal(), str(person_id), query["limit"], query["offset"])
            audited(uow, [str(person_id)], "deliveries")  # the access rule passed: read, even if empty
            return rows


@blp.route("/rules")
class Rules(MethodView):
    @require_roles("admin", "coordinator")
    @blp.response(200, RulesSchema)
    def get(self):
        """The organisation's routing rules (defaults from the guide, overrides marked), quiet hours, rate limit."""
        with unit_of_work() as uow:
            return queries.rules(uow, current_principal())

    @require_roles("admin")
    @blp.arguments(RulesSchema)
    @blp.response(200, RulesSchema)
    def put(self, body):
        """Override the rules of some event types, or the quiet hours, rate limit and language."""
        with unit_of_work() as uow:
            return queries.change_rules(uow, current_principal(), body)


@blp.route("/recipients/<any(person,contact,staff):kind>/<uuid:recipient_id>/preferences", methods=["PUT"])
@require_roles(*INBOX_ROLES, "supporter")
@blp.arguments(PreferencesSchema)
@blp.response(200, PreferencesSchema)
def preferences(body, kind, recipient_id):
    """A recipient's own quiet hours (in their own time zone) and language."""
    if body.get("timezone"):
        _check_zone(body["timezone"])
    with unit_of_work() as uow:
        return queries.set_preferences(uow, current_principal(), kind, str(recipient_id), body)


def _check_zone(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    # OSError: a folder of the zone database ("US", "Europe") is no zone but IsADirectoryError
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise Invalid("Not an IANA time zone.", "timezone") from exc
