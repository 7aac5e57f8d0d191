"""/persons: intake, search, details, status journey and staff assignments."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.people.api.common import access_purpose, strings, unit_of_work
from services.people.api.person_schemas import (
    AssignmentIn,
    PersonIn,
    PersonOut,
    PersonPatch,
    PersonQuery,
    StatusChangeIn,
    StatusChangeOut,
)
from services.people.usecases import persons
from shared.web.auth import current_principal

blp = Blueprint("persons", __name__, url_prefix="/persons", description="Persons in recovery")


@blp.route("")
class Persons(MethodView):
    @blp.arguments(PersonIn)
    @blp.response(201, PersonOut)
    def post(self, body):
        """Register a person at intake; emits circles.people.person.registered.v1."""
        with unit_of_work() as uow:
            return persons.register(uow, current_principal(), strings(body))

    @blp.arguments(PersonQuery, location="query")
    @blp.response(200, PersonOut(many=True))
    def get(self, query):
        """Search persons the caller may see (organisation, sites, caseload); audited."""
        with unit_of_work() as uow:
            site = str(query["site_id"]) if query["site_id"] else None
            return persons.search(uow, current_principal(), query["q"], query["status"], site,
                                  query["limit"], query["offset"], access_purpose())


@blp.route("/<uuid:person_id>")
class PersonById(MethodView):
    @blp.response(200, PersonOut)
    def get(self, person_id):
        """One person; the read is audited with the X-Access-Purpose header's purpose."""
        with unit_of_work() as uow:
            return persons.get(uow, current_principal(), str(person_id), access_purpose())

    @blp.arguments(PersonPatch)
    @blp.response(200, PersonOut)
    def patch(self, changes, person_id):
        """Change details; a participant may change their own goals and how to reach them."""
        with unit_of_work() as uow:
            return persons.update(uow, current_principal(), str(person_id), strings(changes))


@blp.route("/<uuid:person_id>/status")
class PersonStatus(MethodView):
    @blp.arguments(StatusChangeIn)
    @blp.response(200, PersonOut)
    def post(self, body, person_id):
        """Move intake -> active -> discharged (or back to active), with a reason."""
        with unit_of_work() as uow:
            return persons.change_status(uow, current_principal(), str(person_id), body["status"], body["reason"])

    @blp.response(200, StatusChangeOut(many=True))
    def get(self, person_id):
        """The person's status history, oldest first."""
        with unit_of_work() as uow:
            return persons.status_history(uow, current_principal(), str(person_id))


def _assign(role: str, body: dict, person_id) -> object:
    staff_id = str(body["staff_id"]) if body["staff_id"] else None
    with unit_of_work() as uow:
        return persons.assign(uow, current_principal(), str(person_id), role, staff_id)


@blp.route("/<uuid:person_id>/peer-worker")
class PeerWorker(MethodView):
    @blp.arguments(AssignmentIn)
    @blp.response(200, PersonOut)
    def put(self, body, person_id):
        """Assign the person's peer worker (null unassigns); admins and coordinators."""
        return _assign("peer_worker", body, person_id)


@blp.route("/<uuid:person_id>/clinical-lead")
class ClinicalLead(MethodView):
    @blp.arguments(AssignmentIn)
    @blp.response(200, PersonOut)
    def put(self, body, person_id):
        """Assign the person's named clinical lead (null unassigns); admins and coordinators."""
        return _assign("clinician", body, person_id)
