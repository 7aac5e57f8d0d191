"""Errors a use case raises; the web layer turns each into a problem+json response.

Use cases stay free of HTTP: they say what went wrong, not which status code it is.
"""


class NotFound(LookupError):
    """The record does not exist for this caller (another organisation's included)."""


class Forbidden(PermissionError):
    """The caller may see the record but may not do this to it."""


class Invalid(ValueError):
    """The request is well-formed but breaks a rule; `field` names the culprit."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class Conflict(RuntimeError):
    """The change clashes with the current state (a duplicate, a stale version)."""
