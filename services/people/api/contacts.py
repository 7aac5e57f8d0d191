"""/persons/<id>/contacts: the person's network map, one contact at a time."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.people.api.common import access_purpose, unit_of_work
from services.people.api.contact_schemas import ContactIn, ContactOut, ContactPatch
from services.people.usecases import contacts
from shared.web.auth import current_principal

blp = Blueprint("contacts", __name__, url_prefix="/persons/<uuid:person_id>/contacts",
                description="Network contacts (the guide's mapping template)")


@blp.route("")
class Contacts(MethodView):
    @blp.response(200, ContactOut(many=True))
    def get(self, person_id):
        """The person's current network contacts; the read is audited."""
        with unit_of_work() as uow:
            return contacts.list_for(uow, current_principal(), str(person_id), access_purpose())

    @blp.arguments(ContactIn)
    @blp.response(201, ContactOut)
    def post(self, body, person_id):
        """Add a contact; emits circles.people.contact.added.v1 (channels only if they agreed)."""
        with unit_of_work() as uow:
            return contacts.add(uow, current_principal(), str(person_id), body)


@blp.route("/<uuid:contact_id>")
class ContactById(MethodView):
    @blp.arguments(ContactPatch)
    @blp.response(200, ContactOut)
    def patch(self, changes, person_id, contact_id):
        """Change a contact; emits circles.people.contact.updated.v1."""
        with unit_of_work() as uow:
            return contacts.update(uow, current_principal(), str(person_id), str(contact_id), changes)

    @blp.response(204)
    def delete(self, person_id, contact_id):
        """Take a contact off the map (kept for history); emits circles.people.contact.removed.v1."""
        with unit_of_work() as uow:
            contacts.remove(uow, current_principal(), str(person_id), str(contact_id))
