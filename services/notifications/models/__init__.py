"""Every table of the notifications service; importing this registers them all on metadata."""
from services.notifications.models.base import Base, metadata, outbox, processed_events  # noqa: F401
from services.notifications.models.audit import read_audit  # noqa: F401
from services.notifications.models.deliveries import Delivery, DeliveryAttempt, InboxItem  # noqa: F401
from services.notifications.models.read_model import Consent, Contact, CrisisPlan, Person, Staff  # noqa: F401
from services.notifications.models.settings import OrganisationRules, RecipientPreferences  # noqa: F401
