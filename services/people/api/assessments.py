"""/persons/<id>/assessments: intake domains, BARC-10, MSPSS, housing and employment."""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from services.people.api.common import access_purpose, unit_of_work
from services.people.domain import instruments
from services.people.usecases import assessments
from shared.web.auth import current_principal

blp = Blueprint("assessments", __name__, url_prefix="/persons/<uuid:person_id>/assessments",
                description="Assessments and recovery-capital scores")


class AssessmentIn(ma.Schema):
    domains = fields.Dict(keys=fields.String(validate=validate.OneOf(instruments.INTAKE_DOMAINS)),
                          values=fields.String(validate=validate.Length(max=4000)), load_default=dict,
                          metadata={"description": "Notes per intake domain (the guide's step 1)"})
    barc10 = fields.List(fields.Raw(), load_default=list,
                         metadata={"description": "BARC-10: 10 answers, 1 (strongly disagree) to 6"})
    mspss = fields.List(fields.Raw(), load_default=list,
                        metadata={"description": "MSPSS: 12 answers, 1 (very strongly disagree) to 7"})
    housing_status = fields.String(load_default="unknown", validate=validate.OneOf(instruments.HOUSING_STATUSES))
    employment_status = fields.String(load_default="unknown",
                                      validate=validate.OneOf(instruments.EMPLOYMENT_STATUSES))


class AssessmentOut(AssessmentIn):
    id = fields.String()
    person_id = fields.String()
    kind = fields.String()
    barc10 = fields.List(fields.Integer(), attribute="barc10_answers")
    mspss = fields.List(fields.Integer(), attribute="mspss_answers")
    scores = fields.Dict()
    completed_by = fields.String()
    completed_at = fields.DateTime()
    next_due_at = fields.DateTime()


@blp.route("")
class Assessments(MethodView):
    @blp.arguments(AssessmentIn)
    @blp.response(201, AssessmentOut)
    def post(self, body, person_id):
        """Record an assessment; scores are derived from the answers. Emits
        circles.people.assessment.completed.v1 (scores only) and outcome.recorded.v1."""
        with unit_of_work() as uow:
            return assessments.record(uow, current_principal(), str(person_id), body)

    @blp.response(200, AssessmentOut(many=True))
    def get(self, person_id):
        """The person's assessments, newest first; the read is audited."""
        with unit_of_work() as uow:
            return assessments.history(uow, current_principal(), str(person_id), access_purpose())
