"""Every table of the check-ins service; importing this registers them all on metadata."""
from services.checkins.models.base import Base, metadata, outbox, processed_events  # noqa: F401
from services.checkins.models.audit import read_audit  # noqa: F401
from services.checkins.models.links import CalendarToken, SelfCheckinLink  # noqa: F401
from services.checkins.models.plans import PlanTask, StarterPlan  # noqa: F401
from services.checkins.models.read_model import KnownContact, KnownPerson, KnownStaff  # noqa: F401
from services.checkins.models.records import ActionItem, Attendance, CheckinRecord, Review, RiskFlag  # noqa: F401
from services.checkins.models.schedule import MissStreak, OrganisationSettings, Rhythm, Session  # noqa: F401
