"""KPI values and small-number suppression.

A count below 5 is shown as "<5" to every role except admin, and a rate or a mean
computed from such a count is withheld (value None, withheld True): with small groups
a number can point at a person. A rate is also withheld when 1-4 fall outside its
numerator (9 of 10 check-ins done tells everyone that 1 was missed).
"""
from __future__ import annotations

import dataclasses

SUPPRESS_BELOW = 5
SUPPRESSED = "<5"


@dataclasses.dataclass(frozen=True)
class Count:
    value: int

    def shown(self, full: bool) -> dict:
        small = self.value < SUPPRESS_BELOW and not full
        return {"value": SUPPRESSED if small else self.value, "withheld": small}


@dataclasses.dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return round(self.numerator / self.denominator, 4) if self.denominator else None

    def shown(self, full: bool) -> dict:
        """Withheld when the numerator or denominator is under 5, or when 1-4 fall outside
        the numerator: those few could be worked out from the two counts."""
        if self.denominator == 0:
            return {"value": None, "withheld": False}  # nothing to count, nothing to hide
        outside = self.denominator - self.numerator
        small = not full and (self.numerator < SUPPRESS_BELOW or self.denominator < SUPPRESS_BELOW
                              or 0 < outside < SUPPRESS_BELOW)
        if small:
            return {"value": None, "withheld": True}
        return {"value": self.value, "withheld": False, "numerator": self.numerator,
                "denominator": self.denominator}


@dataclasses.dataclass(frozen=True)
class Stat:
    """A mean or median over `n` persons."""
    value: float | None
    n: int

    def shown(self, full: bool) -> dict:
        small = 0 < self.n < SUPPRESS_BELOW and not full
        return {"value": None if small or self.value is None else round(self.value, 2), "withheld": small,
                "n": Count(self.n).shown(full)["value"]}
