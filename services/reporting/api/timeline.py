"""/persons/{id}/timeline: one person's outcomes over time, for the staff who may see them."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.reporting.api.schemas import Timeline
from services.reporting.usecases import timeline
from shared.web.auth import current_principal, require_roles
from shared.web.common import access_purpose, unit_of_work

blp = Blueprint("timeline", __name__, url_prefix="/persons", description="Per-person outcome timeline")


@blp.route("/<uuid:person_id>/timeline")
class PersonTimeline(MethodView):
    @require_roles(*timeline.TIMELINE_ROLES)
    @blp.response(200, Timeline)
    def get(self, person_id):
        """Check-ins (wellbeing, days abstinent), misses, reviews, attendances and
        assessments (BARC-10, MSPSS, housing, employment), oldest first.

        Admins see the organisation, coordinators their sites, peer workers and clinicians
        their own caseload; anyone else gets 404. Every read is audited with the
        `X-Access-Purpose` header's purpose."""
        with unit_of_work() as uow:
            return timeline.timeline(uow, current_principal(), str(person_id), access_purpose())
