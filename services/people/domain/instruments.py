"""Assessment instruments: BARC-10 and MSPSS scored from raw answers, review cadence.

Facts from reference/instruments.md: answers are stored, scores derived, the instrument
version kept with every score.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

INTAKE_DOMAINS = ("substance_use_and_treatment", "mental_and_physical_health", "practical_needs",
                  "safety_risks", "social_support")
HOUSING_STATUSES = ("stable", "temporary", "homeless", "institution", "unknown")
EMPLOYMENT_STATUSES = ("employed_full_time", "employed_part_time", "unemployed_seeking",
                       "unemployed_not_seeking", "student", "retired", "unable_to_work", "unknown")

BARC10_VERSION = "BARC-10 (Vilsaint 2017)"
BARC10_ITEMS = ("more_important_than_using", "happy_with_life", "energy_for_tasks", "proud_of_community",
                "support_from_friends", "fulfilling_life_without_substances", "living_space_helps",
                "responsible_for_actions", "comfortable_with_professionals", "progress_on_recovery")
BARC10_CUTOFF = 47  # associated with sustained remission

MSPSS_VERSION = "MSPSS (Zimet 1988)"
MSPSS_SUBSCALES = {"significant_other": (1, 2, 5, 10), "family": (3, 4, 8, 11), "friends": (6, 7, 9, 12)}
REVIEW_DAYS = (30, 90)


class InstrumentError(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclasses.dataclass(frozen=True)
class Barc10Score:
    total: int
    meets_cutoff: bool
    version: str = BARC10_VERSION

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class MspssScore:
    total_mean: float
    significant_other: float
    family: float
    friends: float
    band: str
    version: str = MSPSS_VERSION

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def _answers(raw, keys: tuple, low: int, high: int) -> list[int]:
    """Answers in item order from a list, or a dict keyed by item; every item, in range."""
    if isinstance(raw, dict):
        values = _from_dict(raw, keys)
    elif isinstance(raw, (list, tuple)):
        values = _from_list(raw, keys)
    else:
        raise InstrumentError({"answers": "give a list or an object of answers"})
    bad = {str(k): f"must be a whole number from {low} to {high}" for k, v in zip(keys, values, strict=True)
           if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high}
    if bad:
        raise InstrumentError(bad)
    return values


def _from_dict(raw: dict, keys: tuple) -> list:
    # Keys may arrive as strings from JSON ("1" for MSPSS item 1), so compare as strings.
    unknown = sorted(set(map(str, raw)) - set(map(str, keys)))
    missing = [k for k in keys if k not in raw and str(k) not in raw]
    if unknown or missing:
        raise InstrumentError({**{str(k): "unknown item" for k in unknown},
                               **{str(k): "missing answer" for k in missing}})
    return [raw[k] if k in raw else raw[str(k)] for k in keys]


def _from_list(raw: list | tuple, keys: tuple) -> list:
    # Name the items a wrong-length list leaves out (or the surplus positions, 1-based),
    # so the person entering answers sees which ones to fix, as with a dict.
    if len(raw) < len(keys):
        raise InstrumentError({str(k): "missing answer" for k in keys[len(raw):]})
    if len(raw) > len(keys):
        raise InstrumentError({str(n): "unexpected answer" for n in range(len(keys) + 1, len(raw) + 1)})
    return list(raw)


def score_barc10(answers) -> Barc10Score:
    total = sum(_answers(answers, BARC10_ITEMS, 1, 6))
    return Barc10Score(total=total, meets_cutoff=total >= BARC10_CUTOFF)


def _mean(values: list[int]) -> float:
    return float((Decimal(sum(values)) / Decimal(len(values))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def score_mspss(answers) -> MspssScore:
    values = _answers(answers, tuple(range(1, 13)), 1, 7)
    by_item = dict(zip(range(1, 13), values, strict=True))
    subscales = {name: _mean([by_item[i] for i in items]) for name, items in MSPSS_SUBSCALES.items()}
    exact_mean = sum(values) / 12
    # The published bands (1-2.9 low, 3-5 moderate, 5.1-7 high) leave gaps; apply them
    # to the unrounded mean: below 3 low, 3 to 5 inclusive moderate, above 5 high.
    band = "low" if exact_mean < 3 else "moderate" if exact_mean <= 5 else "high"
    return MspssScore(total_mean=_mean(values), band=band, **subscales)


def next_review_due(completed_at: dt.datetime, interval_days: int = 90) -> dt.datetime:
    """The guide: reassess every 30-90 days."""
    if not REVIEW_DAYS[0] <= interval_days <= REVIEW_DAYS[1]:
        raise ValueError(f"review interval must be {REVIEW_DAYS[0]}-{REVIEW_DAYS[1]} days")
    return completed_at + dt.timedelta(days=interval_days)


def is_housing_stable(status: str) -> bool | None:
    return None if status == "unknown" else status == "stable"


def is_employed(status: str) -> bool | None:
    return None if status == "unknown" else status in ("employed_full_time", "employed_part_time")
