"""Emergency and crisis numbers per region, from the guide; organisations add more.

Shared reference data: the people service prints them on crisis plans, the check-ins
self check-in page shows them, notifications put them on every crisis message.
"""
from __future__ import annotations

import dataclasses
from typing import Mapping, Sequence


class UnknownRegion(LookupError):
    pass


@dataclasses.dataclass(frozen=True)
class EmergencyNumber:
    label: str
    number: str
    note: str = ""
    text_only: bool = False

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


DEFAULTS: dict[str, tuple[EmergencyNumber, ...]] = {
    "GB": (
        EmergencyNumber("Emergency services", "999", "Ambulance, police, fire"),
        EmergencyNumber("Samaritans", "116 123", "24/7 emotional support"),
        EmergencyNumber("Talk to FRANK", "0300 123 6600", "Drugs information"),
        EmergencyNumber("Talk to FRANK (text)", "82111", "Drugs information by text", text_only=True),
        EmergencyNumber("NHS 111", "111", "Choose the mental-health option"),
    ),
    "US": (
        EmergencyNumber("Emergency services", "911", "Ambulance, police, fire"),
        EmergencyNumber("SAMHSA National Helpline", "1-800-662-HELP (4357)", "24/7 treatment referral"),
        EmergencyNumber("988 Suicide & Crisis Lifeline", "988", "24/7 call or text"),
    ),
}


def numbers_for(region: str, extra: Mapping[str, Sequence[EmergencyNumber]] | None = None
                ) -> tuple[EmergencyNumber, ...]:
    """Numbers for an ISO 3166 region; a subdivision (US-NY) falls back to its country.
    Configured numbers for the exact region or its country replace the defaults."""
    extra = extra or {}
    region = region.strip().upper()
    country = region.split("-", 1)[0]
    for key in (region, country):
        if key in extra:
            return tuple(extra[key])
    if country in DEFAULTS:
        return DEFAULTS[country]
    raise UnknownRegion(f"No emergency numbers are known for region {region}.")
