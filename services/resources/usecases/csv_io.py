"""The directory as CSV (RFC 4180): export every active listing, one row each with stable
columns, and import a sheet by upserting on slug within the caller's organisation, with
the Meeting Guide import's change report.

Lists share a cell: types by spaces, slots as "day HH:MM-HH:MM; …" (0 = Sunday), phones
as "type:number; …", dates, topics and languages by ";". A meeting has one time on all
its days, as in Meeting Guide. Text cells that a spreadsheet would run as a formula are
written with a leading "'", which the import takes off again.

An import is one transaction and never retires anything. A bad row is reported with its
row number (the header is row 1) and reasons, and changes nothing: an existing listing
with that slug is kept as it was. A column left out of the sheet keeps its current value.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable

import marshmallow as ma
from sqlalchemy import select

from services.resources.models import Listing
from services.resources.usecases import listings
from services.resources.usecases.feed import Report
from shared.auth import Principal
from shared.db.uow import UnitOfWork
from shared.errors import Forbidden, Invalid

COLUMNS = ("id", "kind", "slug", "name", "status", "fellowship", "category", "types", "timezone", "slots",
           "closed_dates", "location", "formatted_address", "address", "city", "state", "postal_code", "country",
           "region", "sub_region", "latitude", "longitude", "approximate", "conference_url", "conference_phone",
           "phones", "area_served", "topics", "languages", "notes", "location_notes", "group", "group_notes",
           "conference_url_notes", "conference_phone_notes", "url", "feedback_url")
NUMBERS = ("latitude", "longitude")  # a minus sign here is a number, not a formula
REQUIRED = ("kind", "slug", "name", "timezone")
IGNORED = ("id", "status")  # the slug is the key; an import never retires
LISTS = {"types": " ", "closed_dates": ";", "topics": ";", "languages": ";"}
# A leading "'" is escaped too, so taking one "'" off on import is always the inverse.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
MAX_BYTES = 10 * 1024 * 1024


class Rejected(ValueError):
    """Why one row cannot be imported."""

    def __init__(self, *reasons: str):
        super().__init__("; ".join(reasons))
        self.reasons = list(reasons)


def export(uow: UnitOfWork, organisation_id: str | None = None, kind: str | None = None) -> str:
    query = select(Listing).where(Listing.status == "active")
    if organisation_id:
        query = query.where(Listing.organisation_id == organisation_id)
    if kind:
        query = query.where(Listing.kind == kind)
    out = io.StringIO()
    writer = csv.writer(out)  # excel dialect: RFC 4180 quoting and CRLF line ends
    writer.writerow(COLUMNS)
    for listing in uow.session.scalars(query.order_by(Listing.slug)):
        writer.writerow(_escape(column, value) for column, value in cells(listing).items())
    return out.getvalue()


def cells(listing: Listing) -> dict[str, str]:
    """A listing's row, unescaped."""
    row = {column: getattr(listing, column) for column in COLUMNS}
    row.update({column: sep.join(getattr(listing, column) or []) for column, sep in LISTS.items()})
    row["slots"] = "; ".join(f"{s['day']} {s['opens']}-{s['closes']}" for s in listing.slots or [])
    row["phones"] = "; ".join(f"{p.get('type', 'voice')}:{p['number']}" for p in listing.phones or [])
    row["approximate"] = "yes" if listing.approximate else "no"
    return {column: "" if value is None else str(value) for column, value in row.items()}


def _escape(column: str, value: str) -> str:
    return f"'{value}" if column not in NUMBERS and value.startswith(FORMULA_STARTS) else value


def _unescape(column: str, value: str) -> str:
    escaped = column not in NUMBERS and value.startswith("'") and value[1:].startswith(FORMULA_STARTS)
    return value[1:] if escaped else value


def import_csv(uow: UnitOfWork, principal: Principal, text: str, load: Callable[[dict], dict],
               site_id: str | None = None) -> Report:
    """Upsert each row; `load` validates a row's listing fields (the API's ListingIn)."""
    if site_id and not principal.can_see_site(site_id):
        raise Forbidden("That site is not yours.")
    reader = _reader(text)
    existing = {listing.slug: listing for listing in uow.session.scalars(
        select(Listing).where(Listing.organisation_id == principal.organisation_id))}
    report, seen = Report(), {}
    for number, row in enumerate(reader, start=2):
        slug = _unescape("slug", (row.get("slug") or "").strip())
        try:
            _check_row(row, seen.get(slug), principal, existing.get(slug))
            fields = _fields(row, existing.get(slug), load)
        except Rejected as exc:
            report.rejected.append({"row": number, "slug": slug or None, "reasons": exc.reasons})
            continue
        finally:
            if slug:
                seen.setdefault(slug, number)
        _upsert(uow, principal, existing, fields, site_id, report)
    uow.commit()
    return report


def _reader(text: str) -> csv.DictReader:
    if len(text.encode()) > MAX_BYTES:
        raise Invalid("The CSV is larger than 10 MB.", "csv")
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))  # Excel adds a BOM
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise Invalid(f"The CSV cannot be read: {exc}", "csv") from exc
    unknown, missing = set(header) - set(COLUMNS), set(REQUIRED) - set(header)
    if unknown or missing or len(set(header)) != len(header):
        raise Invalid(f"The header must name each column once; unknown: {sorted(unknown) or 'none'}, "
                      f"missing: {sorted(missing) or 'none'}.", "csv")
    return _rows(reader)


def _rows(reader: csv.DictReader):
    try:
        yield from reader
    except csv.Error as exc:
        raise Invalid(f"The CSV cannot be read at line {reader.line_num}: {exc}", "csv") from exc


def _check_row(row: dict, first_seen: int | None, principal: Principal, listing: Listing | None) -> None:
    if None in row or None in row.values():
        raise Rejected("the row does not have one cell per column of the header")
    if first_seen is not None:
        raise Rejected(f"slug already used on row {first_seen}")
    if listing is not None and not principal.can_see_site(listing.site_id):
        raise Rejected("that listing belongs to another site")


def _fields(row: dict, listing: Listing | None, load: Callable[[dict], dict]) -> dict:
    """Listing fields from a row, or Rejected naming every reason."""
    given = {column: _unescape(column, value.strip()) for column, value in row.items() if column not in IGNORED}
    if listing is not None:  # columns the sheet leaves out keep their values
        given = {**cells(listing), **given}
    try:
        data = load(_raw(given))
    except ma.ValidationError as exc:
        raise Rejected(*_reasons(exc.messages)) from None
    fields = {**data, "closed_dates": [d.isoformat() for d in data["closed_dates"]]}
    fields.pop("site_id", None)
    if fields["kind"] == "meeting":
        try:
            checked = listings.check_meeting(fields, fields["timezone"])
        except Invalid as exc:  # its cause, the Meeting Guide RowError, keeps each reason
            raise Rejected(*getattr(exc.__cause__, "reasons", [str(exc)])) from None
        fields.update(days=checked["days"], time=checked["time"], end_time=checked["end_time"])
        del fields["slots"]  # derived from days and times
    return fields


def _raw(cell: dict) -> dict:
    """The row as ListingIn's input: empty cells absent, lists split, slots parsed."""
    raw = {column: value for column, value in cell.items() if value != "" and column not in IGNORED}
    for column, sep in LISTS.items():
        if column in raw:
            raw[column] = [part.strip() for part in raw[column].split(sep) if part.strip()]
    raw["phones"] = [_phone(part) for part in cell.get("phones", "").split(";") if part.strip()]
    slots = [_slot(part) for part in raw.pop("slots", "").split(";") if part.strip()]
    if raw.get("kind") != "meeting":
        raw["slots"] = slots
    elif slots:  # Meeting Guide's one time on several days
        raw["days"] = [slot["day"] for slot in slots]
        raw["time"], raw["end_time"] = slots[0]["opens"], slots[0]["closes"]
        if any((s["opens"], s["closes"]) != (raw["time"], raw["end_time"]) for s in slots):
            raise Rejected("slots: a meeting has the same time on all its days")
    return raw


def _slot(text: str) -> dict:
    day, _, hours = text.strip().partition(" ")
    opens, _, closes = hours.strip().partition("-")
    if not (day and opens and closes):
        raise Rejected("slots: write each as 'day HH:MM-HH:MM' (0 = Sunday), separated by ';'")
    return {"day": day, "opens": opens.strip(), "closes": closes.strip()}


def _phone(text: str) -> dict:
    kind, colon, number = text.strip().partition(":")
    return {"type": kind.strip(), "number": number.strip()} if colon else {"number": kind}


def _reasons(messages, prefix: str = "") -> list[str]:
    """marshmallow's nested messages as "slots.0.opens: Use HH:MM, 24-hour." lines."""
    if isinstance(messages, str):
        return [f"{prefix.rstrip('.')}: {messages}"]
    if isinstance(messages, dict):
        return [r for key, value in messages.items() for r in _reasons(value, f"{prefix}{key}.")]
    return [r for message in messages for r in _reasons(message, prefix)]


def _upsert(uow: UnitOfWork, principal: Principal, existing: dict, fields: dict, site_id, report: Report) -> None:
    listing = existing.get(fields["slug"])
    if listing is None:
        listing = Listing(organisation_id=principal.organisation_id, site_id=site_id, status="active", version=1)
        listings.apply(listing, fields, principal.subject, uow.clock.now())
        uow.session.add(listing)
        uow.session.flush()
        listings.publish(uow, listing, "published")
        existing[listing.slug] = listing
        report.added.append(listing.slug)
        return
    if listing.status == "active" and all(getattr(listing, k) == v for k, v in fields.items()):
        report.unchanged.append(listing.slug)
        return
    listings.apply(listing, {**fields, "status": "active"}, principal.subject, uow.clock.now())
    listing.version += 1
    listings.publish(uow, listing, "updated")
    report.updated.append(listing.slug)
