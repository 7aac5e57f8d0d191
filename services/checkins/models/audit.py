"""Who read which person's checkins data, when and why (the shared read audit, shared/audit.py)."""
from services.checkins.models.base import Base
from shared.db.tables import read_audit_table

read_audit = read_audit_table(Base.metadata)
