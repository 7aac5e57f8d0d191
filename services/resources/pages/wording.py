"""Plain words for the directory pages: days, meeting types, attendance options, times
in a listing's own zone, and numbers a phone can dial."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from services.resources.usecases.search import local_label

DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")  # 0 = Sunday
# The Meeting Guide codes people filter by most, in the order the filter offers them.
TYPES = {"O": "Open", "C": "Closed", "D": "Discussion", "SP": "Speaker", "ST": "Step", "B": "Big Book",
         "BE": "Beginners", "W": "Women", "M": "Men", "Y": "Young people", "LGBTQ": "LGBTQ",
         "X": "Wheelchair access", "ONL": "Online"}
ATTENDANCE = {"in_person": "In person", "online": "Online only", "hybrid": "In person and online",
              "inactive": "Not meeting at the moment"}
AREAS = {"GB": "UK", "US": "USA"}  # area_served is an ISO code; people read a country's name
KINDS = {"meeting": "Meeting", "dropin": "Drop-in", "helpline": "Helpline", "service": "Practical service"}
KEYPAD = {letter: digit for digit, letters in {"2": "ABC", "3": "DEF", "4": "GHI", "5": "JKL", "6": "MNO",
                                               "7": "PQRS", "8": "TUV", "9": "WXYZ"}.items() for letter in letters}
WHOLE_DAY = ("00:00", "23:59")


def dial(number: str | None) -> str:
    """What the phone dials: "1-800-662-HELP (4357)" -> "18006624357", "116 123" -> "116123".
    A one-tap conference number keeps its pauses (,) and tones (*, # as %23)."""
    spelled = (number or "").split("(", 1)[0]
    digits = "".join(KEYPAD.get(c, c) for c in spelled.upper() if c.isalnum() or c in "+,*#")
    return digits.replace("#", "%23")


def local_time(moment: dt.datetime | None, timezone: str) -> str:
    """The next occurrence where the listing is, with the zone's abbreviation (BST, EST)."""
    if moment is None:
        return ""
    return f"{local_label(moment, timezone)} {moment.astimezone(ZoneInfo(timezone)).tzname()}"


def local_iso(moment: dt.datetime | None, timezone: str) -> str | None:
    """ISO 8601 with the listing zone's offset, as schema.org and <time datetime> want it."""
    return moment.astimezone(ZoneInfo(timezone)).isoformat() if moment else None


def hours(slots: list[dict]) -> str:
    """"24 hours, every day", or runs of days with the same hours: "Monday to Friday
    10:00–16:00; Saturday 11:00–15:00"."""
    if len(slots) >= 7 and {s["day"] for s in slots} == set(range(7)) and \
            all((s["opens"], s["closes"]) == WHOLE_DAY for s in slots):
        return "24 hours, every day"
    runs: list[list] = []  # [first day, last day, opens, closes]
    for slot in sorted(slots, key=_week_order):
        last = runs[-1] if runs else None
        if last and last[2:] == [slot["opens"], slot["closes"]] and (last[1] + 1) % 7 == slot["day"]:
            last[1] = slot["day"]
        else:
            runs.append([slot["day"], slot["day"], slot["opens"], slot["closes"]])
    return "; ".join(f"{DAYS[first]}{'' if first == end else ' to ' + DAYS[end]} {opens}–{closes}"
                     for first, end, opens, closes in runs)


def _week_order(slot: dict) -> tuple:
    return ((slot["day"] - 1) % 7, slot["opens"])  # Monday first, as people read a week


def address(listing) -> str:
    """The address as one line; "Online" when there is no place to go."""
    if listing.attendance == "online":
        return "Online"
    if listing.kind == "helpline":
        return "By phone"
    if listing.formatted_address:
        return listing.formatted_address
    parts = (listing.location, listing.address, listing.city, listing.postal_code)
    return ", ".join(p for p in parts if p) or "Address not given"


def type_names(codes: list[str]) -> list[str]:
    return [TYPES.get(code, code) for code in codes or []]


def map_url(listing) -> str | None:
    """A link to the place on OpenStreetMap (a link only: nothing is loaded from there)."""
    if listing.latitude is None or listing.longitude is None or listing.attendance == "online":
        return None
    lat, lng = listing.latitude, listing.longitude
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lng}#map=17/{lat}/{lng}"


def install(env) -> None:
    env.filters.update(dial=dial, local_time=local_time, local_iso=local_iso, hours=hours, address=address,
                       type_names=type_names, map_url=map_url)
    env.globals.update(DAYS=DAYS, TYPES=TYPES, ATTENDANCE=ATTENDANCE, KINDS=KINDS, AREAS=AREAS)
