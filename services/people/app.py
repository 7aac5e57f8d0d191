"""People service web application; gunicorn runs `create_app()`."""
from services.people.api.contacts import blp as contacts_blp
from services.people.api.organisation import blp as organisation_blp
from services.people.api.persons import blp as persons_blp
from services.people.spec import SPEC
from shared.web.app import create_service_app


def create_app(settings=None, clock=None):
    return create_service_app(
        SPEC, "Circles people", "Persons, network maps, consent, crisis plans and assessments.",
        [organisation_blp, persons_blp, contacts_blp], settings=settings, clock=clock,
    )
