"""A small, readable people-service world for the integration tests."""
from __future__ import annotations

import json

from sqlalchemy import select

from services.people.usecases.organisations import create_organisation

PASSWORD = "correct horse battery staple"


class PeopleWorld:
    """One organisation with two sites and staff in each role, driven through the API."""

    def __init__(self, client, app, name: str = "Northside Recovery"):
        self.client, self.app = client, app
        runtime = app.extensions["circles"]
        with runtime.uow() as uow:
            admin = create_organisation(uow, name, f"admin@{_slug(name)}.example", "Ada Admin", PASSWORD)
        self.org_id = admin.organisation_id
        self.admin = self.login(admin.email)
        self.hub = self.post("/sites", self.admin, {"name": "Hub", "kind": "hub", "timezone": "Europe/London"})["id"]
        self.cafe = self.post("/sites", self.admin, {"name": "Café", "kind": "cafe", "timezone": "Europe/London"})["id"]
        self.staff_ids = {}
        for role, sites in (("coordinator", [self.hub]), ("peer_worker", [self.hub]), ("clinician", [self.hub]),
                            ("operator", [])):
            email = f"{role}@{_slug(name)}.example"
            self.staff_ids[role] = self.post("/staff", self.admin, {
                "email": email, "display_name": role.title(), "role": role, "site_ids": sites,
                "password": PASSWORD})["id"]
            setattr(self, role, self.login(email))

    def login(self, email: str) -> dict:
        response = self.client.post("/auth/token", json={"email": email, "password": PASSWORD})
        assert response.status_code == 200, response.json
        return {"Authorization": f"Bearer {response.json['access_token']}"}

    def post(self, path: str, headers: dict, body: dict, status: int = 201) -> dict:
        response = self.client.post(path, json=body, headers=headers)
        assert response.status_code == status, response.json
        return response.json

    def person(self, headers: dict | None = None, **fields) -> dict:
        body = {"display_name": "Sam", "timezone": "Europe/London", "region": "GB", "site_id": self.hub, **fields}
        return self.post("/persons", headers or self.coordinator, body)

    def events(self, event_type: str | None = None) -> list[dict]:
        runtime = self.app.extensions["circles"]
        outbox = runtime.spec.outbox
        with runtime.engine.connect() as conn:
            rows = conn.execute(select(outbox).order_by(outbox.c.id)).all()
        return [json.loads(r.payload) | {"type": r.event_type} for r in rows
                if event_type is None or r.event_type == event_type]


def _slug(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalnum())
