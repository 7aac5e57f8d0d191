"""schema.org JSON-LD for the directory pages: an Event per meeting or drop-in found (its
next occurrence) and a ContactPoint per helpline, so search engines and assistants can
read times and numbers without scraping the page."""
from __future__ import annotations

import json

from markupsafe import Markup

from services.resources.pages.wording import DAYS, dial, local_iso

SCHEMA = "https://schema.org/"
MODES = {"in_person": "OfflineEventAttendanceMode", "online": "OnlineEventAttendanceMode",
         "hybrid": "MixedEventAttendanceMode"}


def script(helplines, hits) -> Markup:
    """The <script type="application/ld+json"> element, safe to put in the page as is."""
    graph = [event for hit in hits if (event := _event(hit))] + [_contact_point(hit.listing) for hit in helplines]
    text = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False)
    # "</script>" or "<!--" in a listing's name must not end or bend the script element.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">{text}</script>')


def _event(hit) -> dict | None:
    listing = hit.listing
    if hit.next_opens is None or listing.attendance not in MODES:
        return None  # no date to give, or not meeting at the moment
    return _compact({
        "@type": "Event", "name": listing.name, "description": listing.notes,
        "startDate": local_iso(hit.next_opens, listing.timezone),
        "endDate": local_iso(hit.next_closes, listing.timezone),
        "eventStatus": SCHEMA + "EventScheduled",
        "eventAttendanceMode": SCHEMA + MODES[listing.attendance],
        "location": _locations(listing), "url": listing.url,
        "organizer": {"@type": "Organization", "name": listing.fellowship} if listing.fellowship else None,
    })


def _locations(listing) -> dict | list[dict]:
    place = {"in_person": [_place(listing)], "online": [_virtual(listing)],
             "hybrid": [_place(listing), _virtual(listing)]}[listing.attendance]
    return place[0] if len(place) == 1 else place


def _place(listing) -> dict:
    address = _compact({"@type": "PostalAddress", "streetAddress": listing.address or listing.formatted_address,
                        "addressLocality": listing.city, "addressRegion": listing.state or listing.region,
                        "postalCode": listing.postal_code, "addressCountry": listing.country})
    geo = {"@type": "GeoCoordinates", "latitude": listing.latitude, "longitude": listing.longitude} \
        if listing.latitude is not None and listing.longitude is not None else None
    return _compact({"@type": "Place", "name": listing.location or listing.name,
                     "address": address if len(address) > 1 else None, "geo": geo})


def _virtual(listing) -> dict:
    url = listing.conference_url or f"tel:{dial(listing.conference_phone)}"
    return {"@type": "VirtualLocation", "url": url}


def _contact_point(listing) -> dict:
    voice = [p["number"] for p in listing.phones or [] if p.get("type", "voice") == "voice"]
    texts = [p["number"] for p in listing.phones or [] if p.get("type") == "text"]
    return _compact({
        "@type": "ContactPoint", "name": listing.name, "telephone": (voice or texts or [None])[0],
        "contactType": ", ".join(listing.topics or []) or "helpline",
        "areaServed": listing.area_served, "availableLanguage": list(listing.languages or []) or None,
        "description": " ".join(filter(None, [f"Text {', '.join(texts)}." if texts else None, listing.notes])),
        "hoursAvailable": _hours(listing.slots or []),
    })


def _hours(slots: list[dict]) -> list[dict]:
    """One OpeningHoursSpecification per distinct opening time, listing its days."""
    days: dict[tuple[str, str], list[str]] = {}
    for slot in sorted(slots, key=lambda s: s["day"]):
        days.setdefault((slot["opens"], slot["closes"]), []).append(SCHEMA + DAYS[slot["day"]])
    return [{"@type": "OpeningHoursSpecification", "dayOfWeek": names, "opens": opens, "closes": closes}
            for (opens, closes), names in days.items()]


def _compact(values: dict) -> dict:
    """Leave out what is unknown: empty strings and lists say nothing to a reader."""
    return {key: value for key, value in values.items() if value not in (None, "", [], {})}
