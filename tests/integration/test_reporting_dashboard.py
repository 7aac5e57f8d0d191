"""The reporting dashboard through the Flask test client on a real database, filled by the
live consumer's own handlers: exact figures for admins, "<5" and "withheld" for
coordinators, both sites compared, well-formed accessible SVG charts, and no script."""
import datetime as dt
import re
import uuid
import xml.etree.ElementTree as ET

import pytest

from services.reporting.projection.live import subscriptions
from shared.events.catalogue import load_data
from tests.support.reporting_history import SITE_NORTH, SITE_SOUTH, History, utc
from tests.support.tokens import ORG_A, bearer

SVG = "{http://www.w3.org/2000/svg}"
PEER_NORTH, PEER_SOUTH = "bbbbbbbb-0000-4000-8000-000000000001", "cccccccc-0000-4000-8000-000000000002"
MONTHS = [(2025, m) for m in range(4, 13)] + [(2026, m) for m in range(1, 4)]  # April 2025 to March 2026


def seed_history(org: str = ORG_A, last: tuple[int, int] = (2026, 2)) -> History:
    """Six persons at the north site with two check-ins, a review and a meeting every month;
    two at the south site with one check-in a month and one miss in February. Months up to
    `last`; everything from June 2025 on."""
    h = History(org)
    north = [h.person(utc(2025, 6, 2), SITE_NORTH, peer_worker=PEER_NORTH, clinical_lead=str(uuid.uuid4()))
             for _ in range(6)]
    south = [h.person(utc(2025, 6, 2), SITE_SOUTH, peer_worker=PEER_SOUTH) for _ in range(2)]
    for person in north[:5]:
        h.crisis_plan(person, utc(2025, 6, 9))
    for year, month in [m for m in MONTHS if (2025, 6) <= m <= last]:
        for i, person in enumerate(north):
            h.checkin(person, utc(year, month, 3), days_abstinent=20 + i)
            h.checkin(person, utc(year, month, 17), days_abstinent=22 + i)
            h.review(person, utc(year, month, 20))
            h.attendance(person, utc(year, month, 10))
        for person in south:
            h.checkin(person, utc(year, month, 5), days_abstinent=10)
    h.miss(south[0], utc(*last, 12))
    return h


def apply(runtime, history: History) -> None:
    """What the reporting worker does with each event, minus Kafka."""
    handlers = subscriptions(runtime)[0].handlers
    for event in history.events:
        with runtime.uow() as uow:
            handlers[event.type](uow, event, load_data(event))
            uow.commit()


@pytest.fixture(scope="module")
def history():
    return seed_history()


@pytest.fixture
def dashboard(client_for, history):
    client, app = client_for("reporting")
    apply(app.extensions["circles"], history)
    return client, app.extensions["circles"].settings


def page_as(dashboard, role: str, query: str = "?month=2026-02", **token):
    client, settings = dashboard
    client.set_cookie("circles_session", bearer(settings, role=role, **token)["Authorization"][7:])
    return client.get(f"/staff/dashboard{query}")


def html(response) -> str:
    return response.get_data(as_text=True)


def site_row(page: str, site: str) -> str:
    return re.search(rf'<tr[^>]*>\s*<th scope="row"><a href="[^"]*site={site}"[^>]*>.*?</tr>', page, re.S).group(0)


def cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r'<td class="num">(.*?)</td>', row, re.S)]


def kpi(page: str, key: str) -> str:
    """The chosen month's value of a KPI card, in words."""
    card = re.search(rf'id="kpi-{key}"(.*?)</p>', page, re.S).group(1)
    return re.search(r'<span class="fig[^"]*">(.*?)</span>', card).group(1)


def test_an_admin_sees_every_figure_exactly(dashboard):
    response = page_as(dashboard, "admin")
    page = html(response)
    assert response.status_code == 200 and "<h1>Dashboard" in page and "February 2026" in page
    assert kpi(page, "checkins_completed") == "14"  # 6 persons x 2 at north, 2 x 1 at south
    assert kpi(page, "checkin_completion_rate") == "93.3%"  # 14 of 15
    assert kpi(page, "reviews_held") == "6" and kpi(page, "mutual_help_attendances") == "6"
    assert kpi(page, "active_persons") == "8" and kpi(page, "crisis_plan_coverage") == "62.5%"  # 5 of 8
    assert kpi(page, "care_team_coverage") == "75%"  # 6 of 8 have a clinical lead and a peer worker
    south = cells(site_row(page, SITE_SOUTH))
    assert south[:2] == ["2", "66.7%"] and "&lt;5" not in page.split('id="site-comparison"')[1]
    assert '<th scope="row">bbbbbbbb</th>' in page and '<th scope="row">cccccccc</th>' in page
    assert PEER_NORTH not in page and PEER_SOUTH not in page
    assert "You are an admin: every figure on this page is shown in full." in page


def test_a_coordinator_sees_small_counts_as_under_5_and_small_rates_withheld(dashboard):
    page = html(page_as(dashboard, "coordinator", sites=[SITE_NORTH, SITE_SOUTH]))
    assert kpi(page, "checkins_completed") == "14"
    south = cells(site_row(page, SITE_SOUTH))
    assert south[0].startswith("&lt;5") and south[1].startswith("withheld")  # 2 check-ins; 2 of 3
    assert cells(site_row(page, SITE_NORTH))[0] == "12"
    assert "Counts under 5 are hidden, and rates built from them withheld, to protect privacy. " \
           "Admins see all figures." in page
    assert 'href="#privacy"' in page and "Site aaaaaaaa" in page


def test_the_site_comparison_lists_both_sites_each_linking_to_its_dashboard(dashboard):
    page = html(page_as(dashboard, "admin"))
    table = page.split('id="site-comparison"')[1].split("</table>")[0]
    links = re.findall(r'<a href="(/staff/dashboard\?month=2026-02&amp;site=[^"]+)"', table)
    assert [link.rsplit("=", 1)[1] for link in links] == [SITE_NORTH, SITE_SOUTH]
    north = html(page_as(dashboard, "admin", f"?month=2026-02&site={SITE_NORTH}"))
    assert "Site aaaaaaaa · February 2026" in north and kpi(north, "checkins_completed") == "12"
    assert 'class="chosen"' in north and 'aria-current="page">Site aaaaaaaa' in north


def test_a_coordinator_cannot_open_another_sites_dashboard(dashboard):
    response = page_as(dashboard, "coordinator", f"?site={SITE_SOUTH}", sites=[SITE_NORTH])
    assert response.status_code == 403 and "That site is not one of yours." in html(response)
    page = html(page_as(dashboard, "coordinator", "?month=2026-02", sites=[SITE_NORTH]))
    assert SITE_SOUTH not in page and "Dashboard <span class=\"muted\">· Your sites · February 2026" in page


def test_other_roles_get_a_403_page_and_no_session_goes_to_log_in(dashboard):
    response = page_as(dashboard, "peer_worker")
    assert response.status_code == 403 and response.mimetype == "text/html"
    assert "The dashboard is for admins and coordinators." in html(response)
    client, _ = dashboard
    client.delete_cookie("circles_session")
    anonymous = client.get("/staff/dashboard")
    assert anonymous.status_code == 302 and "/login?next=%2Fstaff%2Fdashboard" in anonymous.location


def test_a_bad_month_is_explained(dashboard):
    for month in ("2026-13", "0000-01", "March"):
        response = page_as(dashboard, "admin", f"?month={month}")
        assert response.status_code == 400 and "like 2026-03" in html(response)
    assert page_as(dashboard, "admin", "?site=north").status_code == 400


def test_the_trend_charts_are_well_formed_accessible_svg_and_the_page_has_no_script(dashboard):
    page = html(page_as(dashboard, "coordinator", sites=[SITE_NORTH, SITE_SOUTH]))
    assert "<script" not in page.lower()
    assert not re.search(r"<[^>]+\son[a-z]+=", page)  # no inline event handlers either
    charts = re.findall(r"<svg .*?</svg>", page, re.S)
    assert len(charts) == 6
    for chart in charts:
        svg = ET.fromstring(chart)
        assert svg.get("role") == "img" and svg.get("aria-label")
        assert svg.find(f"{SVG}title").text and svg.find(f"{SVG}desc").text
        months = [t.text for t in svg.iter(f"{SVG}text") if "month" in t.get("class", "")]
        assert months[:2] == ["Mar", "2025"] and months[-1] == "Feb"  # March 2025 to February 2026
    checkins = ET.fromstring(next(c for c in charts if 'id="chart-checkins-completed"' in c))
    assert len(checkins.findall(f"{SVG}rect")) == 9  # June 2025 on; no data before
    assert "February 2026: 14" in checkins.find(f"{SVG}desc").text
    abstinent = ET.fromstring(next(c for c in charts if 'id="chart-days-abstinent-mean"' in c))
    assert abstinent.findall(f"{SVG}polyline") and "February 2026: 20.9" in abstinent.find(f"{SVG}desc").text


def test_withheld_months_are_gaps_with_a_marker(dashboard):
    page = html(page_as(dashboard, "coordinator", f"?month=2026-02&site={SITE_SOUTH}", sites=[SITE_SOUTH]))
    chart = ET.fromstring(re.search(r'<svg [^>]*id="chart-checkins-completed".*?</svg>', page, re.S).group(0))
    assert chart.findall(f"{SVG}rect") == []  # two check-ins a month: every month is under 5
    assert len(chart.findall(f"{SVG}path[@class='gap-marker']")) == 12  # none at all before June: "<5" too
    assert "February 2026: &lt;5" in ET.tostring(chart, encoding="unicode")
    rate = ET.fromstring(re.search(r'<svg [^>]*id="chart-checkin-completion-rate".*?</svg>', page, re.S).group(0))
    assert "February 2026: withheld" in rate.find(f"{SVG}desc").text and not rate.findall(f"{SVG}polyline")


def test_the_month_defaults_to_the_current_month_by_the_service_clock(dashboard, clock):
    clock.set(dt.datetime(2026, 2, 20, 8, 0, tzinfo=dt.timezone.utc))
    page = html(page_as(dashboard, "admin", ""))
    assert "Dashboard <span class=\"muted\">· The whole organisation · February 2026" in page
    assert 'value="2026-02"' in page and "20 February 2026, 08:00 UTC" in page
