"""Every table of the people service; importing this registers them all on metadata."""
from services.people.models.assessment import Assessment  # noqa: F401
from services.people.models.audit import AuditEntry  # noqa: F401
from services.people.models.base import Base, metadata, outbox, processed_events  # noqa: F401
from services.people.models.consent import ConsentVersion, Disclosure  # noqa: F401
from services.people.models.crisis_plan import CrisisPlan  # noqa: F401
from services.people.models.organisation import Account, Invitation, Organisation, Site  # noqa: F401
from services.people.models.person import Contact, Person, StatusChange  # noqa: F401
from services.people.models.privacy import ErasureRequest, SubjectAccessPart, SubjectAccessRequest  # noqa: F401
