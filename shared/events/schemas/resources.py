"""Events published by the resources service on `resources.events`: the public directory
changed (listings are public data, so the name travels)."""
import marshmallow as ma
from marshmallow import fields

from shared.events.catalogue import register


class ResourceV1(ma.Schema):
    listing_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    site_id = fields.UUID(required=True, allow_none=True)
    kind = fields.String(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    status = fields.String(required=True)
    fellowship = fields.String(required=True, allow_none=True)
    attendance = fields.String(required=True)
    timezone = fields.String(required=True)
    version = fields.Integer(required=True)


register("circles.resources.resource.published.v1", ResourceV1, "A directory listing was published.")
register("circles.resources.resource.updated.v1", ResourceV1, "A directory listing changed.")
register("circles.resources.resource.retired.v1", ResourceV1, "A directory listing was retired (kept, not shown).")
