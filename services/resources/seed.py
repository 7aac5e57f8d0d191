"""Starter listings, shaped as `POST /listings` bodies (the API's ListingIn).

`helplines()` are the guide's UK and US numbers, which any organisation may publish as
they are; `demo_listings()` are made-up Manchester meetings and café drop-ins plus one
online meeting, for the local demo (the addresses are fictional).
"""
from __future__ import annotations

LONDON, NEW_YORK = "Europe/London", "America/New_York"


def _every_day_all_day() -> list[dict]:
    return [{"day": day, "opens": "00:00", "closes": "23:59"} for day in range(7)]


def _helpline(slug: str, name: str, timezone: str, area: str, phones: list[tuple[str, str]], topics: list[str],
              languages: list[str], url: str, notes: str | None = None) -> dict:
    return {"kind": "helpline", "slug": slug, "name": name, "timezone": timezone, "area_served": area,
            "slots": _every_day_all_day(), "phones": [{"number": n, "type": t} for n, t in phones],
            "topics": topics, "languages": languages, "url": url, "notes": notes}


def helplines() -> list[dict]:
    """The guide's helplines: Samaritans, FRANK and NHS 111 (UK); SAMHSA and 988 (US)."""
    return [
        _helpline("samaritans", "Samaritans", LONDON, "GB", [("116 123", "voice")],
                  ["emotional support", "suicidal thoughts"], ["en"], "https://www.samaritans.org",
                  "Free from any phone, 24 hours a day."),
        _helpline("talk-to-frank", "Talk to FRANK", LONDON, "GB", [("0300 123 6600", "voice"), ("82111", "text")],
                  ["drugs information"], ["en"], "https://www.talktofrank.com"),
        _helpline("nhs-111-mental-health", "NHS 111 (mental-health option)", LONDON, "GB", [("111", "voice")],
                  ["mental health crisis", "urgent medical help"], ["en"], "https://111.nhs.uk",
                  "Call 111 and choose the mental-health option for urgent help."),
        _helpline("samhsa-national-helpline", "SAMHSA National Helpline", NEW_YORK, "US",
                  [("1-800-662-4357", "voice")], ["treatment referral", "substance use", "mental health"],
                  ["en", "es"], "https://www.samhsa.gov/find-help/national-helpline",
                  "1-800-662-HELP: free, confidential, 24/7 treatment referral and information."),
        _helpline("988-lifeline", "988 Suicide & Crisis Lifeline", NEW_YORK, "US", [("988", "voice"), ("988", "text")],
                  ["suicidal thoughts", "crisis", "substance use"], ["en", "es"], "https://988lifeline.org",
                  "Call or text 988, 24/7."),
    ]


MANCHESTER = {"city": "Manchester", "country": "UK", "region": "Manchester"}


def _meeting(slug: str, name: str, fellowship: str, days: list[int], time: str, end_time: str, types: list[str],
             location: str, address: str, postal_code: str, latitude: float, longitude: float) -> dict:
    return {"kind": "meeting", "slug": slug, "name": name, "fellowship": fellowship, "timezone": LONDON,
            "days": days, "time": time, "end_time": end_time, "types": types, "location": location,
            "address": address, "postal_code": postal_code, "latitude": latitude, "longitude": longitude,
            **MANCHESTER}


def demo_listings() -> list[dict]:
    """Meeting Guide-valid demo meetings and drop-ins in Manchester, and one online meeting."""
    return [
        _meeting("riverside-step", "Riverside Step Meeting", "AA", [2, 4], "19:00", "20:00", ["O", "ST", "D", "X"],
                 "Riverside Community Centre", "12 Mill Lane", "M1 2AB", 53.4808, -2.2426),
        _meeting("beginners-big-book", "Beginners' Big Book Study", "AA", [1], "18:30", "19:30", ["C", "BE", "B"],
                 "St Anne's Parish Room", "3 Chapel Walk", "M2 1HN", 53.4817, -2.2451),
        _meeting("saturday-womens", "Saturday Women's Meeting", "NA", [6], "10:30", "11:30", ["O", "W", "D", "X"],
                 "Northside Recovery Hub", "40 Ancoats Road", "M4 6BF", 53.4843, -2.2279),
        _meeting("young-peoples-speaker", "Young People's Speaker Meeting", "CA", [5], "19:30", "21:00",
                 ["O", "Y", "SP"], "Oxford Road Studios", "101 Oxford Road", "M1 7ED", 53.4723, -2.2401),
        {"kind": "dropin", "slug": "riverside-cafe", "name": "Riverside Recovery Café", "timezone": LONDON,
         "slots": [{"day": d, "opens": "10:00", "closes": "16:00"} for d in range(1, 6)]
         + [{"day": 6, "opens": "11:00", "closes": "15:00"}],
         "closed_dates": ["2026-12-25", "2026-12-26"], "location": "Riverside Recovery Café",
         "address": "14 Mill Lane", "postal_code": "M1 2AB", "latitude": 53.4806, "longitude": -2.2430,
         "languages": ["en", "pl"], "notes": "Peer support, hot drinks and practical help; no appointment needed.",
         **MANCHESTER},
        {"kind": "dropin", "slug": "northside-evening-dropin", "name": "Northside Hub Evening Drop-in",
         "timezone": LONDON, "slots": [{"day": 3, "opens": "17:00", "closes": "20:00"}],
         "location": "Northside Recovery Hub", "address": "40 Ancoats Road", "postal_code": "M4 6BF",
         "latitude": 53.4843, "longitude": -2.2279, "languages": ["en"],
         "notes": "Sober social evening: games, food and a peer worker on hand.", **MANCHESTER},
        {"kind": "meeting", "slug": "smart-online-uk", "name": "SMART Recovery Online (UK evenings)",
         "fellowship": "SMART Recovery", "timezone": LONDON, "days": [0, 3], "time": "20:00", "end_time": "21:30",
         "types": ["O", "D", "ONL"], "conference_url": "https://meet.example.org/smart-uk",
         "conference_url_notes": "Meeting ID and passcode are in the link.", "approximate": True, **MANCHESTER},
    ]
