"""Server-rendered pages of the check-ins service."""
