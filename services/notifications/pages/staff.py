"""Staff pages of the notifications service, server-rendered: a person's delivery log and
the caller's inbox (the rules and quiet-hours page is in `staff_settings`).

Every page reads through the use cases in `usecases.queries`, with their access rules: a
person the caller may not see, or someone else's message, is a 404 page, as in the API.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, redirect, request
from werkzeug.exceptions import Forbidden as ForbiddenHttp

from shared.web.audited import audited, person_ids
from services.notifications.models import Person
from services.notifications.pages import delivery_log, wording
from services.notifications.usecases import queries
from shared.auth.caseload import STAFF_WITH_CASELOAD
from shared.errors import Forbidden, NotFound
from shared.web.auth import current_principal, require_roles
from shared.web.common import unit_of_work
from shared.web.pages import environment, render, require_same_origin

blp = Blueprint("notifications_staff", __name__)
ENV = environment(Path(__file__).resolve().parents[1] / "templates")
ENV.filters.update(local=wording.local)
ENV.globals.update(wording=wording, CASELOAD_ROLES=STAFF_WITH_CASELOAD)
INBOX_ROLES = (*STAFF_WITH_CASELOAD, "operator")
PAGE_SIZE = 50
# How many unread messages the inbox heading counts before it says "or more".
UNREAD_COUNTED = 200


def install_error_pages(blueprint: Blueprint) -> None:
    """Pages answer errors with a page, not a problem document; a missing role (the
    decorator's 403) included."""
    blueprint.register_error_handler(NotFound, lambda error: _error_page(404, "Not found", str(error)))
    blueprint.register_error_handler(Forbidden, lambda error: _error_page(403, "Not allowed", str(error)))
    blueprint.register_error_handler(ForbiddenHttp, lambda error: _error_page(
        403, "Not allowed", getattr(error, "data", {}).get("message") or "This page is not open to your role."))


def _error_page(status: int, title: str, detail: str):
    return render(ENV, "staff_error.html", status=status, title=title, detail=detail)


install_error_pages(blp)



def _offset() -> int:
    try:
        return max(0, int(request.args.get("offset", "0")))
    except ValueError:
        return 0


@blp.route("/staff/persons/<uuid:person_id>/deliveries")
@require_roles(*STAFF_WITH_CASELOAD)
def deliveries(person_id):
    offset = _offset()
    with unit_of_work() as uow:
        # The query applies the API's access rule: someone else's person raises NotFound.
        rows = queries.delivery_log(uow, current_principal(), str(person_id), PAGE_SIZE, offset)
        person = uow.session.get(Person, str(person_id))
        groups = delivery_log.grouped(uow, rows, person.timezone)
        audited(uow, [person.person_id], "deliveries_page")
    return render(ENV, "staff_deliveries.html", person=person, groups=groups, offset=offset,
                  older=offset + PAGE_SIZE if len(rows) == PAGE_SIZE else None,
                  newer=max(0, offset - PAGE_SIZE) if offset else None)


@blp.route("/staff/inbox")
@require_roles(*INBOX_ROLES)
def inbox():
    principal, offset, unread_only = current_principal(), _offset(), request.args.get("unread") == "1"
    with unit_of_work() as uow:
        items = queries.inbox(uow, principal, unread_only, PAGE_SIZE, offset)
        unread = len(queries.inbox(uow, principal, True, UNREAD_COUNTED, 0))
        zones = _zones(uow, items)
        audited(uow, person_ids(items), "inbox_page", "list")  # messages about persons
    return render(ENV, "staff_inbox.html", items=items, zones=zones, unread=unread, counted=UNREAD_COUNTED,
                  unread_only=unread_only, offset=offset, marked=request.args.get("read"),
                  older=offset + PAGE_SIZE if len(items) == PAGE_SIZE else None,
                  newer=max(0, offset - PAGE_SIZE) if offset else None)


def _zones(uow, items) -> dict[str, str]:
    """Each message's times in its person's zone (staff work where their persons live)."""
    zones = {}
    for item in items:
        person = uow.session.get(Person, item.person_id) if item.person_id else None
        zones[item.id] = person.timezone if person else "UTC"
    return zones


@blp.route("/staff/inbox/<uuid:item_id>/read", methods=["POST"])
@require_roles(*INBOX_ROLES)
def mark_read(item_id):
    require_same_origin()
    with unit_of_work() as uow:
        # Pressed twice, or in two tabs: the first read time stays.
        queries.mark_read(uow, current_principal(), str(item_id))
    back = "&unread=1" if request.form.get("unread") == "1" else ""
    return redirect(f"/staff/inbox?read={item_id}{back}#item-{item_id}", code=303)
