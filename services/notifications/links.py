"""Where messages point staff to: the public base URLs of the people, check-ins and
reporting pages."""
from __future__ import annotations

import dataclasses
import os
from typing import Mapping
from urllib.parse import urlencode


@dataclasses.dataclass(frozen=True)
class Links:
    people: str = "http://127.0.0.1:8001"
    checkins: str = "http://127.0.0.1:8002"
    reporting: str = "http://127.0.0.1:8005"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Links":
        env = os.environ if environ is None else environ
        return cls(people=env.get("NOTIFICATIONS_PEOPLE_URL", cls.people).rstrip("/"),
                   checkins=env.get("NOTIFICATIONS_CHECKINS_URL", cls.checkins).rstrip("/"),
                   reporting=env.get("NOTIFICATIONS_REPORTING_URL", cls.reporting).rstrip("/"))

    def person(self, person_id: str) -> str:
        return f"{self.people}/staff/persons/{person_id}"

    def sessions(self, person_id: str) -> str:
        return f"{self.checkins}/staff/persons/{person_id}/sessions"

    def action_items(self, person_id: str) -> str:
        return f"{self.checkins}/staff/persons/{person_id}/action-items"

    def starter_plan(self, person_id: str) -> str:
        return f"{self.checkins}/staff/persons/{person_id}/starter-plan"

    def reporting_dashboard(self, site_id: str | None, period: str) -> str:
        # No site: the organisation-wide dashboard for the month.
        query = {"site": site_id, "month": period} if site_id else {"month": period}
        return f"{self.reporting}/staff/dashboard?{urlencode(query)}"
