"""The listing form (new and edit). A post is loaded with the API's own `ListingIn` schema
and stored by the same use cases, so the page and the API accept exactly the same
listings; a refused post shows the form again (422) with what was typed."""
from __future__ import annotations

import marshmallow as ma
from flask import Blueprint, redirect, request
from werkzeug.datastructures import MultiDict

from services.resources.api.directory import listing_fields  # the API's own body -> fields step
from services.resources.api.schemas import ListingIn
from services.resources.pages import wording
from services.resources.pages.staff import EDITORS, ENV, install_error_pages
from services.resources.usecases import listings
from shared.errors import Conflict, Invalid
from shared.web.auth import current_principal, require_roles
from shared.web.common import unit_of_work
from shared.web.pages import render, require_same_origin

blp = Blueprint("resources_listing_form", __name__)
install_error_pages(blp)
TEXT = ("name", "slug", "fellowship", "timezone", "location", "address", "city", "state", "postal_code", "country",
        "region", "latitude", "longitude", "conference_url", "conference_phone", "area_served", "notes", "url")
REQUIRED = ("kind", "name", "slug", "timezone")  # sent as typed, even empty, so the schema names them
LISTS = ("languages", "topics", "other_types")
SLOT_ROWS, PHONE_ROWS = 7, 3
# Messages written for people, in place of the schema's, where the schema's would puzzle.
MESSAGES = {"kind": "Choose what this listing is.", "name": "Give the listing a name (up to 255 characters).",
            "slug": "Use lower-case letters, digits, - and _ (up to 64), starting with a letter or digit.",
            "timezone": "Give an IANA time zone, such as Europe/London or America/New_York.",
            "latitude": "Give a latitude between -90 and 90, or leave it empty.",
            "longitude": "Give a longitude between -180 and 180, or leave it empty."}
# What the error summary calls each field, so its links make sense on their own.
LABELS = {"kind": "Kind", "name": "Name", "slug": "Slug", "fellowship": "Fellowship", "types": "Types",
          "timezone": "Time zone", "days": "Days", "time": "Starts at", "end_time": "Ends at",
          "latitude": "Latitude", "longitude": "Longitude", "conference_url": "Link to join",
          "conference_phone": "Phone number to join", "url": "Website", "languages": "Languages",
          "area_served": "Area served", "postal_code": "Postcode"}
ROW_LABELS = {"slot": "Opening {n}: {field}", "phone": "Phone number {n}"}


@blp.route("/staff/listings/new", methods=["GET"])
@require_roles(*EDITORS)
def new():
    return _form_page(None, MultiDict({"kind": "meeting", "timezone": "Europe/London"}))


@blp.route("/staff/listings/new", methods=["POST"])
@require_roles(*EDITORS)
def create():
    require_same_origin()
    return _save(None, {}, lambda uow, fields: listings.create(uow, current_principal(), fields))


@blp.route("/staff/listings/<uuid:listing_id>/edit", methods=["GET"])
@require_roles(*EDITORS)
def edit(listing_id):
    with unit_of_work() as uow:
        listing = listings.require_own(uow, current_principal(), str(listing_id))
    return _form_page(listing, as_form(listing))


@blp.route("/staff/listings/<uuid:listing_id>/edit", methods=["POST"])
@require_roles(*EDITORS)
def update(listing_id):
    require_same_origin()
    lid = str(listing_id)
    with unit_of_work() as uow:
        listing = listings.require_own(uow, current_principal(), lid)  # out of reach: a 404 page, not a form
    # Fields the form does not show (closures, feedback URL, group notes...) keep their values.
    kept = {name: getattr(listing, name) for name in ListingIn().fields}
    return _save(listing, kept, lambda uow, fields: listings.update(uow, current_principal(), lid, fields))


def _save(listing, kept: dict, store):
    body, rows = form_body(request.form, kept)
    try:
        fields = listing_fields(ListingIn().load(body))
        with unit_of_work() as uow:
            saved = store(uow, fields)
            slug = saved.slug
    except ma.ValidationError as invalid:
        return _form_page(listing, request.form, 422, field_errors(invalid.messages, rows))
    except Invalid as invalid:  # the Meeting Guide rules, which may name several fields at once
        return _form_page(listing, request.form, 422, {"form": str(invalid)})
    except Conflict as conflict:
        return _form_page(listing, request.form, 409, {"slug": str(conflict)})
    return redirect(f"/staff/listings?saved={slug}", code=303)


def form_body(form, kept: dict) -> tuple[dict, dict]:
    """The form as a ListingIn body over the kept values; empty answers become nothing.
    Also returns, for each slot and phone sent, the form row it came from."""
    body = {**kept, "kind": form.get("kind", "")}
    for name in TEXT:
        value = form.get(name, "").strip()
        body[name] = value if value or name in REQUIRED else None
    body["types"] = sorted(set(form.getlist("types")) | set(_split(form.get("other_types"))))
    body["languages"], body["topics"] = _split(form.get("languages")), _split(form.get("topics"))
    body["approximate"] = form.get("approximate") == "yes"
    meeting = body["kind"] == "meeting"
    # A meeting's hours are its day and time (Meeting Guide's); other kinds have weekly slots.
    rows = {"slots": [] if meeting else _rows(form, "slot", ("day", "opens", "closes")),
            "phones": _rows(form, "phone", ("number",))}
    body["days"] = form.getlist("days") if meeting else []
    body["time"] = (form.get("time", "").strip() or None) if meeting else None
    body["end_time"] = (form.get("end_time", "").strip() or None) if meeting else None
    body["slots"] = [{k: form.get(f"slot-{r}-{k}", "").strip() for k in ("day", "opens", "closes")}
                     for r in rows["slots"]]
    body["phones"] = [{"number": form.get(f"phone-{r}-number", "").strip(),
                       "type": form.get(f"phone-{r}-type", "voice")} for r in rows["phones"]]
    return body, rows


def _rows(form, prefix: str, names: tuple[str, ...]) -> list[int]:
    """The rows (slot-0-..., slot-1-...) the visitor filled in; blank rows are spare ones."""
    return [r for r in range(_row_count(form, prefix)) if any(form.get(f"{prefix}-{r}-{n}", "").strip() for n in names)]


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def field_errors(messages: dict, rows: dict) -> dict[str, str]:
    """Schema errors keyed by the id of the form field at fault."""
    errors = {}
    for name, problem in messages.items():
        if name in rows and isinstance(problem, dict):
            prefix = name[:-1]  # slots -> slot, phones -> phone
            for index, fields in problem.items():
                first = "day" if name == "slots" else "number"  # a row-wide error is shown at its first field
                for field, text in (fields.items() if isinstance(fields, dict) else [(first, fields)]):
                    errors[f"{prefix}-{rows[name][int(index)]}-{field}"] = " ".join(_flatten(text))
        else:
            key = name if name in (*TEXT, *REQUIRED, *LISTS, "types", "days", "time", "end_time") else "form"
            text = MESSAGES.get(name) or " ".join(_flatten(problem))
            if key == "form":  # a kept field the form does not show (from the API or a feed): name it
                text = f"{name.replace('_', ' ').capitalize()}: {text}"
            errors[key] = f"{errors[key]} {text}" if key in errors else text
    return errors


def _flatten(problem) -> list[str]:
    if isinstance(problem, dict):
        return [text for value in problem.values() for text in _flatten(value)]
    return [str(text) for text in problem] if isinstance(problem, list) else [str(problem)]


def as_form(listing) -> MultiDict:
    """A stored listing as the form would post it."""
    pairs = [(name, "" if getattr(listing, name) is None else str(getattr(listing, name))) for name in TEXT]
    pairs += [("kind", listing.kind), ("time", listing.time or ""), ("end_time", listing.end_time or "")]
    pairs += [("types", code) for code in listing.types or [] if code in wording.TYPES]
    pairs += [("other_types", ", ".join(c for c in listing.types or [] if c not in wording.TYPES)),
              ("languages", ", ".join(listing.languages or [])), ("topics", ", ".join(listing.topics or []))]
    pairs += [("days", str(day)) for day in listing.days or []]
    pairs += [("approximate", "yes")] if listing.approximate else []
    for r, slot in enumerate(listing.slots or [] if listing.kind != "meeting" else []):
        pairs += [(f"slot-{r}-{k}", str(slot[k])) for k in ("day", "opens", "closes")]
    for r, phone in enumerate(listing.phones or []):
        pairs += [(f"phone-{r}-number", phone["number"]), (f"phone-{r}-type", phone.get("type", "voice"))]
    return MultiDict(pairs)


def _form_page(listing, form, status: int = 200, errors: dict | None = None):
    slot_rows = max(SLOT_ROWS, _row_count(form, "slot") + 2)
    phone_rows = max(PHONE_ROWS, _row_count(form, "phone") + 1)
    return render(ENV, "staff_listing_form.html", status=status, listing=listing, form=form, errors=errors or {},
                  labels={key: _label(key) for key in errors or {}},
                  slot_rows=range(slot_rows), phone_rows=range(phone_rows))


def _label(key: str) -> str | None:
    prefix, _, rest = key.partition("-")
    if prefix in ROW_LABELS and rest:
        row, _, field = rest.partition("-")
        return ROW_LABELS[prefix].format(n=int(row) + 1, field=field)
    return LABELS.get(key)


def _row_count(form, prefix: str) -> int:
    return 1 + max((int(key.split("-")[1]) for key in form if key.startswith(f"{prefix}-")
                    and key.split("-")[1].isdigit()), default=-1)
