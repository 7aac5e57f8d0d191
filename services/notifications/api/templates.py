"""Message templates: which kinds exist, and a preview of any kind, channel and locale.

Staff use the preview to see exactly what a person, supporter or colleague would receive,
and to copy the guide's scripts. Nothing is sent and nothing is stored.
"""
from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint
from marshmallow import fields

from services.notifications import messages
from shared.web.auth import require_roles

blp = Blueprint("templates", __name__, description="Message templates and previews")

STAFF_ROLES = ("admin", "coordinator", "peer_worker", "clinician")


class KindOut(ma.Schema):
    kind = fields.String()
    description = fields.String()
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields",
                          metadata={"description": "Context fields the templates need"})
    optional_fields = fields.Dict(metadata={"description": "Context fields with their defaults"})
    sample = fields.Dict(metadata={"description": "Sample context, used when a preview gives none"})
    channels = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                           metadata={"description": "Channel -> locales with a template"})


class PreviewIn(ma.Schema):
    kind = fields.String(required=True)
    channel = fields.String(required=True)
    locale = fields.String(load_default="en", metadata={"description": "es-US falls back to es, then en"})
    context = fields.Dict(load_default=None, allow_none=True, metadata={
        "description": "Merged over the kind's sample context; a field set to null is left out"})


class PreviewOut(ma.Schema):
    subject = fields.String(metadata={"description": "Empty for SMS"})
    body = fields.String()
    locale_used = fields.String()


def _kind_view(kind: str) -> dict:
    spec = messages.KINDS[kind]
    return {"kind": kind, "description": spec.description, "fields": list(spec.fields),
            "optional_fields": spec.optional, "sample": spec.sample, "channels": messages.available(kind)}


@blp.route("/templates", methods=["GET"])
@require_roles(*STAFF_ROLES)
@blp.response(200, KindOut(many=True))
def list_templates():
    """Every message kind with its context fields and the channels and locales it has."""
    return [_kind_view(kind) for kind in messages.KINDS]


@blp.route("/templates/preview", methods=["POST"])
@require_roles(*STAFF_ROLES)
@blp.arguments(PreviewIn)
@blp.response(200, PreviewOut)
def preview(body):
    """Render one message; 404 for an unknown kind or channel, 422 naming a missing field."""
    kind = body["kind"]
    # Look the kind up first so an unknown one is a 404, not a missing-sample error.
    messages.resolve_locale(kind, body["channel"], body["locale"])
    context = {**messages.KINDS[kind].sample, **(body["context"] or {})}
    rendered = messages.render(kind, body["channel"], body["locale"], context)
    return {"subject": rendered.subject, "body": rendered.body, "locale_used": rendered.locale}
