"""The KPI dashboard, server-rendered: `GET /staff/dashboard?site=&month=YYYY-MM`.

For admins and coordinators (a coordinator sees their own sites). It reads only through
the report use cases, `kpi_report` (the chosen month and the eleven before it, for the
trends) and `site_comparison`, so the suppression of small numbers is theirs. Charts are
inline SVG drawn here; the page has no script.
"""
from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, current_app, request
from werkzeug.exceptions import Forbidden as ForbiddenHttp

from services.reporting.pages import view
from services.reporting.pages.charts import MONTHS_LONG, month_words
from services.reporting.pages.figures import site_label
from services.reporting.usecases import kpis
from shared.auth import Principal
from shared.errors import Forbidden, Invalid, NotFound
from shared.web.auth import current_principal, require_roles
from shared.web.common import unit_of_work
from shared.web.pages import environment, render

blp = Blueprint("reporting_dashboard", __name__)
ENV = environment(Path(__file__).resolve().parents[1] / "templates")
ROLES = ("admin", "coordinator")
TREND_MONTHS = 12
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
PATH = "/staff/dashboard"


def _error_page(status: int, title: str, detail: str):
    return render(ENV, "dashboard_error.html", status=status, title=title, detail=detail)


# Pages answer errors with a page, not a problem document; a missing role (the
# decorator's 403) included.
blp.register_error_handler(NotFound, lambda error: _error_page(404, "Not found", str(error)))
blp.register_error_handler(Forbidden, lambda error: _error_page(403, "Not allowed", str(error)))
blp.register_error_handler(Invalid, lambda error: _error_page(400, "Please check the address", str(error)))
blp.register_error_handler(ForbiddenHttp, lambda error: _error_page(
    403, "Not allowed", "The dashboard is for admins and coordinators."))


def shift(first_day: dt.date, months: int) -> dt.date:
    index = first_day.year * 12 + first_day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def link(month: dt.date, site: str | None = None) -> str:
    args = {"month": f"{month:%Y-%m}", **({"site": site} if site else {})}
    return f"{PATH}?{urlencode(args)}"


def chosen_month(today: dt.date) -> dt.date:
    text = request.args.get("month", "").strip()
    if not text:
        return today.replace(day=1)
    found = MONTH.match(text)
    if not found or not 1900 <= int(found[1]) <= 9998:  # the trend's first month must be a date too
        raise Invalid("Choose a month as year and month, like 2026-03.", "month")
    return dt.date(int(found[1]), int(found[2]), 1)


def chosen_site(principal: Principal) -> str | None:
    text = request.args.get("site", "").strip()
    if not text:
        return None
    try:
        site = str(uuid.UUID(text))
    except ValueError:
        raise Invalid("That is not a site of your organisation.", "site") from None
    if not principal.can_see_site(site):
        raise Forbidden("That site is not one of yours.")
    return site


def scope_words(principal: Principal, site: str | None) -> str:
    if site:
        return site_label(site)
    return "your sites" if principal.site_ids else "the whole organisation"


@blp.route(PATH)
@require_roles(*ROLES)
def dashboard():
    principal = current_principal()
    site = chosen_site(principal)
    today = current_app.extensions["circles"].clock.now().date()
    month = chosen_month(today)
    last_day = shift(month, 1) - dt.timedelta(days=1)
    with unit_of_work() as uow:
        query = kpis.Query(shift(month, 1 - TREND_MONTHS), last_day, "month", site)
        report = kpis.kpi_report(uow, principal, query)
        comparison = kpis.site_comparison(uow, principal, month)
    return render(ENV, "dashboard.html", **view.sections(report, comparison), report=report, site=site,
                  scope=scope_words(principal, site), month=f"{month:%Y-%m}", link=link,
                  previous=link(shift(month, -1), site), following=link(shift(month, 1), site),
                  all_sites=link(month), admin=principal.role == "admin", month_first=month,
                  as_of=as_of_words(report["as_of"]))


def as_of_words(moment: dt.datetime) -> str:
    moment = moment.astimezone(dt.timezone.utc)
    return f"{moment.day} {MONTHS_LONG[moment.month - 1]} {moment.year}, {moment:%H:%M} UTC"
