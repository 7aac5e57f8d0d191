"""Issue 7's end-to-end proof: activity in the people and check-ins services (real
processes, the broker between them) shows up in reporting's KPIs within seconds, and a
KPI past its threshold reaches the site's coordinator by email through notifications."""
import datetime as dt
import re
import time
import uuid

import pytest
import requests

from tests.e2e import notifications_setup as setup
from tests.support.processes import wait_until
from tests.support.tokens import bearer


@pytest.fixture
def site_network(platform, org):
    """Sam (a full network, a signed crisis plan) plus four more persons at Sam's site."""
    network = setup.build(platform, org)
    site = requests.get(f"{platform.urls['people']}/persons/{network.person}", timeout=10,
                        headers=bearer(platform.settings, role="admin", org=org)).json()["site_id"]
    others = [platform.register_person(org, site=site) for _ in range(4)]
    return network, site, [network.person, *others]


def kpis(platform, org: str, role: str = "admin", **query) -> dict:
    month = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m")
    response = requests.get(f"{platform.urls['reporting']}/kpis", params={"from": month, "to": month, **query},
                            headers=bearer(platform.settings, role=role, org=org), timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def test_demo_activity_reaches_the_kpis_within_seconds(platform, org, site_network):
    network, site, persons = site_network
    for n, person in enumerate(persons):
        for days in (10, 20):
            response = platform.post_checkin(org, person, days_abstinent_last_30=days + n)
            assert response.status_code == 201, response.text
    written = time.monotonic()
    # 10 check-ins; latest reports 20..24 -> mean 22, median 22; 5 active persons, 1 signed plan.
    expected = {"checkins_completed": 10, "days_abstinent_mean": 22.0, "days_abstinent_median": 22.0}

    def caught_up():
        body = kpis(platform, org)
        month = body["periods"][-1]["kpis"]
        found = {key: month[key]["value"] for key in expected}
        current = body["current"]
        return found == expected and current["active_persons"]["value"] == 5 \
            and current["crisis_plan_coverage"]["value"] == 0.2 and current["care_team_coverage"]["value"] == 0.2
    wait_until(caught_up, 30, message="reporting to show the new check-ins")
    print(f"KPIs caught up {time.monotonic() - written:.1f} s after the last write")

    coordinator = kpis(platform, org, role="coordinator", site_id=site)
    assert coordinator["periods"][-1]["kpis"]["checkins_completed"]["value"] == 10
    assert coordinator["current"]["crisis_plan_coverage"] == {"value": None, "withheld": True}  # 1 of 5

    # The dashboard page shows the same figures.
    session = bearer(platform.settings, role="admin", org=org)["Authorization"][len("Bearer "):]
    page = requests.get(f"{platform.urls['reporting']}/staff/dashboard", params={"site": site}, timeout=10,
                        cookies={"circles_session": session})
    assert page.status_code == 200 and "<svg" in page.text and "<script" not in page.text
    words = " ".join(re.sub(r"<[^>]+>", " ", page.text).split())
    for figure in ("Completed check-ins 10 in", "Days abstinent in last 30 (mean) 22 in", "1 of 5 persons"):
        assert figure in words, figure


def test_a_breached_threshold_emails_the_sites_coordinator(platform, org, site_network):
    network, site, persons = site_network
    tag = uuid.uuid4().hex[:8]
    email = f"coordinator-{tag}@e2e.example"
    coordinator = platform.people_call(org, "POST", "/staff", email=email, display_name="Cory", role="coordinator",
                                       site_ids=[site], password="a long enough password")["id"]
    # Notifications must know the coordinator before the breach is routed (people.events).
    wait_until(lambda: setup.notifications_db(platform, "SELECT 1 FROM staff WHERE staff_id = :s", s=coordinator), 60,
               message="notifications to hear of the coordinator")
    wait_until(lambda: kpis(platform, org, site_id=site)["current"]["active_persons"]["value"] == 5, 30,
               message="reporting to count the five persons")
    response = requests.post(f"{platform.urls['reporting']}/thresholds", timeout=10,
                             headers=bearer(platform.settings, role="admin", org=org),
                             json={"kpi": "crisis_plan_coverage", "comparator": "below", "value": 80,
                                   "site_id": site})
    assert response.status_code == 201, response.text

    mails = wait_until(lambda: [m for m in platform.mail() if email in m["to"]], 60,
                       message="the coordinator's KPI alert")
    assert mails[0]["subject"].startswith("Signed crisis plan at site ")
    assert "was 20% in" in mails[0]["body"] and "threshold of 80%" in mails[0]["body"]
