"""/persons/<id>/consents, the consent decision, and disclosures with their accounting."""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from services.people.api.common import access_purpose, unit_of_work
from services.people.domain import consent as rules
from services.people.usecases import consents, disclosures, shared_view
from shared.web.auth import current_principal
from shared.web.common import Instant

blp = Blueprint("consents", __name__, url_prefix="/persons/<uuid:person_id>",
                description="Consent: who may see what, for which purpose, until when")
DATA_CLASS = validate.OneOf(rules.DATA_CLASSES)
PURPOSE = validate.OneOf(rules.PURPOSES)


class ConsentIn(ma.Schema):
    recipients = fields.List(fields.String(validate=validate.Length(1, 64)), required=True,
                             validate=validate.Length(min=1),
                             metadata={"description": f"Contact or staff ids, or classes: {', '.join(rules.RECIPIENT_CLASSES)}"})
    data_classes = fields.List(fields.String(validate=DATA_CLASS), required=True, validate=validate.Length(min=1))
    purposes = fields.List(fields.String(validate=PURPOSE), required=True, validate=validate.Length(min=1))
    discloser = fields.String(required=True, validate=validate.Length(1, 200))
    expires_at = Instant(load_default=None, allow_none=True)
    expiry_event = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(["end_of_treatment"]))


class ConsentOut(ConsentIn):
    id = fields.String()
    consent_id = fields.String()
    version = fields.Integer()
    status = fields.String()
    signed_by = fields.String(allow_none=True)
    signed_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    revoked_reason = fields.String(allow_none=True)
    ended_event_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class ConsentSignIn(ma.Schema):
    typed_name = fields.String(required=True, validate=validate.Length(1, 200),
                               metadata={"description": "The signer's name, typed (an electronic signature)"})


class RevokeIn(ma.Schema):
    reason = fields.String(required=True, validate=validate.Length(1, 2000))


class DecisionQuery(ma.Schema):
    recipient = fields.String(required=True, validate=validate.Length(1, 64))
    data_class = fields.String(required=True, validate=DATA_CLASS)
    purpose = fields.String(required=True, validate=PURPOSE)


class DecisionOut(ma.Schema):
    allowed = fields.Boolean()
    reason = fields.String()
    consent_id = fields.String(allow_none=True)
    version = fields.Integer(allow_none=True)


class DisclosureIn(DecisionQuery):
    data_description = fields.String(required=True, validate=validate.Length(1, 2000))
    channel = fields.String(required=True, validate=validate.OneOf(["email", "sms", "phone", "in_person", "letter", "portal"]))


class DisclosureOut(ma.Schema):
    id = fields.String()
    consent_id = fields.String()
    consent_version = fields.Integer()
    discloser = fields.String()
    recipient = fields.String()
    purpose = fields.String()
    data_description = fields.String()
    channel = fields.String()
    at = fields.DateTime()
    notice = fields.String()


def _out(pair):
    row, status = pair
    return {**{c: getattr(row, c) for c in ConsentOut().fields if c != "status"}, "status": status}


@blp.route("/consents")
class Consents(MethodView):
    @blp.response(200, ConsentOut(many=True))
    def get(self, person_id):
        """Every version of every consent, with its status now (draft, active, revoked, expired)."""
        with unit_of_work() as uow:
            return [_out(pair) for pair in consents.list_for(uow, current_principal(), str(person_id), access_purpose())]

    @blp.arguments(ConsentIn)
    @blp.response(201, ConsentOut)
    def post(self, body, person_id):
        """Propose a consent (a draft until the person signs it)."""
        with unit_of_work() as uow:
            return _out((consents.propose(uow, current_principal(), str(person_id), body), "draft"))


@blp.route("/consents/<uuid:consent_id>/versions")
class ConsentVersions(MethodView):
    @blp.arguments(ConsentIn)
    @blp.response(201, ConsentOut)
    def post(self, body, person_id, consent_id):
        """Propose new terms as the next version; the current one stays until this is signed."""
        with unit_of_work() as uow:
            row = consents.propose(uow, current_principal(), str(person_id), body, str(consent_id))
            return _out((row, "draft"))


@blp.route("/consents/<uuid:consent_id>/sign")
class ConsentSign(MethodView):
    @blp.arguments(ConsentSignIn)
    @blp.response(200, ConsentOut)
    def post(self, body, person_id, consent_id):
        """Sign the latest version (typed name and time); emits consent.granted."""
        with unit_of_work() as uow:
            row = consents.sign(uow, current_principal(), str(person_id), str(consent_id), body["typed_name"])
            return _out((row, "active"))


@blp.route("/consents/<uuid:consent_id>/revoke")
class ConsentRevoke(MethodView):
    @blp.arguments(RevokeIn)
    @blp.response(200, ConsentOut)
    def post(self, body, person_id, consent_id):
        """Revoke from now on (what was done before stands; history is kept); emits consent.revoked."""
        with unit_of_work() as uow:
            row = consents.revoke(uow, current_principal(), str(person_id), str(consent_id), body["reason"])
            return _out((row, "revoked"))


@blp.route("/consent-decision")
class ConsentDecision(MethodView):
    @blp.arguments(DecisionQuery, location="query")
    @blp.response(200, DecisionOut)
    def get(self, query, person_id):
        """May this recipient see this data class for this purpose, now?"""
        with unit_of_work() as uow:
            return disclosures.decision(uow, current_principal(), str(person_id), query["recipient"],
                                        query["data_class"], query["purpose"])


@blp.route("/disclosures")
class Disclosures(MethodView):
    @blp.response(200, DisclosureOut(many=True))
    def get(self, person_id):
        """Accounting of disclosures made under consent over the last three years."""
        with unit_of_work() as uow:
            return disclosures.accounting(uow, current_principal(), str(person_id), access_purpose())

    @blp.arguments(DisclosureIn)
    @blp.response(201, DisclosureOut)
    def post(self, body, person_id):
        """Record a disclosure; refused (403) unless an active consent allows it. The answer
        carries the re-disclosure notice that must go with the information."""
        with unit_of_work() as uow:
            row, notice = disclosures.disclose(uow, current_principal(), str(person_id), body["recipient"],
                                               body["data_class"], body["purpose"], body["data_description"],
                                               body["channel"])
            return {**{c: getattr(row, c) for c in DisclosureOut().fields if c != "notice"}, "notice": notice}


class SharedView(ma.Schema):
    person_id = fields.String()
    display_name = fields.String()
    shared = fields.List(fields.String(), metadata={"description": "Data classes an active consent allows"})
    crisis_plan = fields.Dict(allow_none=True)
    network_map = fields.List(fields.String())
    contact_details = fields.Dict()
    notice = fields.String(metadata={"description": "Re-disclosure notice and the consent's scope"})


@blp.route("/shared-with-me")
class SharedWithMe(MethodView):
    @blp.response(200, SharedView)
    def get(self, person_id):
        """For a supporter: exactly what the person's active consents let them see, for the
        purpose in X-Access-Purpose (default family_support); each view is logged as a
        disclosure. 404 when nothing is shared."""
        purpose = access_purpose(default="family_support")
        with unit_of_work() as uow:
            return shared_view.view(uow, current_principal(), str(person_id), purpose)
