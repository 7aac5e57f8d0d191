"""People service web application; gunicorn runs `create_app()`."""
from services.people.api.assessments import blp as assessments_blp
from services.people.api.consents import blp as consents_blp
from services.people.api.contacts import blp as contacts_blp
from services.people.api.crisis_plans import blp as crisis_plans_blp
from services.people.api.network_health import blp as network_health_blp
from services.people.api.organisation import blp as organisation_blp
from services.people.api.persons import blp as persons_blp
from services.people.api.privacy import blp as privacy_blp
from services.people.my_plan import blp as my_plan_blp
from services.people.pages import blp as pages_blp
from services.people.spec import SPEC
from shared.web.app import create_service_app


def create_app(settings=None, clock=None):
    return create_service_app(
        SPEC, "Circles people", "Persons, network maps, consent, crisis plans and assessments.",
        [organisation_blp, persons_blp, contacts_blp, consents_blp, assessments_blp, crisis_plans_blp,
         network_health_blp, privacy_blp],
        settings=settings, clock=clock, page_blueprints=(pages_blp, my_plan_blp),
    )
