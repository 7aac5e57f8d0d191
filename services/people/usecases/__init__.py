"""People use cases: each runs in one unit of work, state change and events together."""
from shared.errors import Conflict, Forbidden, Invalid, NotFound  # noqa: F401
