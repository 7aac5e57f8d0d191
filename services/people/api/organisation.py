"""/auth/token, /sites and /staff: logging in, and who works where."""
from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from services.people.api.common import unit_of_work, valid_timezone
from services.people.models.organisation import SITE_KINDS
from services.people.usecases import invitations, organisations
from shared.errors import Forbidden
from shared.web import ratelimit
from shared.web.auth import current_principal, public
from shared.web.common import Pattern
from shared.web.problems import PROBLEM_JSON, ProblemSchema

blp = Blueprint("organisation", __name__, description="Logging in, sites and staff")


class TokenIn(ma.Schema):
    email = fields.Email(required=True)
    password = fields.String(required=True, validate=validate.Length(1, 200), load_only=True)


class TokenOut(ma.Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()
    role = fields.String()


class SiteIn(ma.Schema):
    name = fields.String(required=True, validate=validate.Length(1, 200))
    kind = fields.String(load_default="hub", validate=validate.OneOf(SITE_KINDS))
    timezone = fields.String(required=True, validate=valid_timezone)


class SiteOut(SiteIn):
    id = fields.String()


class StaffIn(ma.Schema):
    email = fields.Email(required=True)
    display_name = fields.String(required=True, validate=validate.Length(1, 200))
    role = fields.String(required=True, validate=validate.OneOf(organisations.STAFF_ROLES))
    site_ids = fields.List(fields.UUID(), load_default=list)
    password = fields.String(required=True, load_only=True, validate=validate.Length(organisations.MIN_PASSWORD, 200))


class StaffOut(ma.Schema):
    id = fields.String()
    email = fields.String()
    display_name = fields.String()
    role = fields.String()
    site_ids = fields.List(fields.String())
    active = fields.Boolean()


@blp.route("/auth/token")
@public
class Token(MethodView):
    @blp.doc(security=[])
    @blp.arguments(TokenIn)
    @blp.response(200, TokenOut)
    @blp.alt_response(429, schema=ProblemSchema, content_type=PROBLEM_JSON,
                      description="Too many failed logins from this address or for this account; see Retry-After")
    def post(self, body):
        """Exchange email and password for the bearer JWT every Circles service accepts."""
        settings = current_app.extensions["circles"].settings
        ratelimit.guard_login(body["email"])
        try:
            with unit_of_work() as uow:
                token, account = organisations.issue_token(uow, settings, body["email"], body["password"])
        except Forbidden:
            ratelimit.login_failed(body["email"])
            raise
        return {"access_token": token, "token_type": "Bearer", "expires_in": settings.jwt_ttl_seconds,
                "role": account.role}


@blp.route("/sites")
class Sites(MethodView):
    @blp.response(200, SiteOut(many=True))
    def get(self):
        """The organisation's sites."""
        with unit_of_work() as uow:
            return organisations.list_sites(uow, current_principal())

    @blp.arguments(SiteIn)
    @blp.response(201, SiteOut)
    def post(self, body):
        """Add a site (admins)."""
        with unit_of_work() as uow:
            return organisations.add_site(uow, current_principal(), body["name"], body["kind"], body["timezone"])


@blp.route("/staff")
class Staff(MethodView):
    @blp.response(200, StaffOut(many=True))
    def get(self):
        """Staff accounts of the organisation (admins and coordinators)."""
        with unit_of_work() as uow:
            return organisations.list_staff(uow, current_principal())

    @blp.arguments(StaffIn)
    @blp.response(201, StaffOut)
    def post(self, body):
        """Create a staff account (admins); emits circles.people.staff.registered.v1."""
        with unit_of_work() as uow:
            return organisations.add_staff(uow, current_principal(), body["email"], body["display_name"],
                                           body["role"], [str(s) for s in body["site_ids"]], body["password"])


class InvitationIn(ma.Schema):
    email = fields.Email(required=True)
    contact_id = fields.UUID(load_default=None, allow_none=True,
                             metadata={"description": "For a supporter: their contact on the network map"})


class InvitationOut(ma.Schema):
    id = fields.String()
    expires_at = fields.DateTime()
    accept_path = fields.String(metadata={"description": "Share this link if email is not set up"})


class AcceptIn(ma.Schema):
    token = fields.String(required=True, validate=validate.Length(20, 200))
    password = fields.String(required=True, load_only=True, validate=validate.Length(1, 200))


@blp.route("/persons/<uuid:person_id>/invitations")
class Invitations(MethodView):
    @blp.arguments(InvitationIn)
    @blp.response(201, InvitationOut)
    def post(self, body, person_id):
        """Invite the person (participant) or one of their contacts (supporter) to log in;
        emits circles.people.invitation.sent.v1 for the notifications service to email."""
        contact = str(body["contact_id"]) if body["contact_id"] else None
        with unit_of_work() as uow:
            invitation, token = invitations.invite(uow, current_principal(), str(person_id), body["email"], contact)
        return {"id": invitation.id, "expires_at": invitation.expires_at, "accept_path": f"/invitations/accept#{token}"}


@blp.route("/invitations/accept")
@public
class AcceptInvitation(MethodView):
    @blp.doc(security=[])
    @blp.arguments(AcceptIn)
    @blp.response(204)
    def post(self, body):
        """Set a password with the invitation's token; the account can then log in."""
        with unit_of_work() as uow:
            invitations.accept(uow, body["token"], body["password"])


class NumberIn(ma.Schema):
    label = fields.String(required=True, validate=validate.Length(1, 100))
    number = fields.String(required=True, validate=validate.Length(1, 40))
    note = fields.String(load_default="", validate=validate.Length(max=200))
    text_only = fields.Boolean(load_default=False)


class OrganisationIn(ma.Schema):
    name = fields.String(validate=validate.Length(1, 200))
    assessment_interval_days = fields.Integer(validate=validate.Range(30, 90),
                                              metadata={"description": "Assessment reviews, every 30-90 days"})
    emergency_numbers = fields.Dict(
        keys=fields.String(validate=Pattern(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")),
        values=fields.List(fields.Nested(NumberIn), validate=validate.Length(min=1)),
        metadata={"description": "Numbers per ISO 3166 region, replacing the built-in UK/US tables there"})


class OrganisationOut(OrganisationIn):
    id = fields.String()


@blp.route("/organisation")
class OrganisationSettings(MethodView):
    @blp.response(200, OrganisationOut)
    def get(self):
        """The caller's organisation and its settings."""
        with unit_of_work() as uow:
            return organisations.organisation_of(uow, current_principal())

    @blp.arguments(OrganisationIn(partial=True))
    @blp.response(200, OrganisationOut)
    def patch(self, changes):
        """Change the organisation's settings (admins)."""
        with unit_of_work() as uow:
            return organisations.update_settings(uow, current_principal(), changes)
