"""The legal-basis check an erasure request records (UK GDPR / GDPR Article 17).

Erasure goes ahead only on one of the Art. 17(1) grounds and only when every Art. 17(3)
exemption has been considered and none applies: a record kept to meet a legal duty (a
clinical-records retention rule, a safeguarding inquiry) or for legal claims is not erased.
"""
from __future__ import annotations

import dataclasses

GROUNDS = {
    "no_longer_necessary": "Art. 17(1)(a): no longer necessary for the purposes it was collected for",
    "consent_withdrawn": "Art. 17(1)(b): consent withdrawn and no other lawful basis",
    "objection": "Art. 17(1)(c): the person objects and there are no overriding legitimate grounds",
    "unlawful_processing": "Art. 17(1)(d): the data was processed unlawfully",
    "legal_obligation_to_erase": "Art. 17(1)(e): erasure is required by law",
    "retention_period_elapsed": "Art. 17(1)(a): the organisation's retention period after discharge has passed",
}
EXEMPTIONS = {
    "freedom_of_expression": "Art. 17(3)(a): freedom of expression and information",
    "legal_obligation": "Art. 17(3)(b): a legal obligation to keep the record (e.g. clinical records retention)",
    "public_health": "Art. 17(3)(c): public interest in public health",
    "archiving_or_research": "Art. 17(3)(d): archiving, research or statistics that erasure would seriously impair",
    "legal_claims": "Art. 17(3)(e): establishing, exercising or defending legal claims",
}


@dataclasses.dataclass(frozen=True)
class Check:
    erase: bool
    reason: str


def check(ground: str, exemptions: dict[str, bool]) -> Check:
    """Whether to erase; raises ValueError when the check itself is incomplete."""
    if ground not in GROUNDS:
        raise ValueError(f"Unknown ground {ground!r}: one of {', '.join(GROUNDS)}.")
    missing = sorted(set(EXEMPTIONS) - set(exemptions))
    if missing:
        raise ValueError(f"Every exemption must be considered; missing: {', '.join(missing)}.")
    unknown = sorted(set(exemptions) - set(EXEMPTIONS))
    if unknown:
        raise ValueError(f"Unknown exemptions: {', '.join(unknown)}.")
    applying = sorted(name for name, applies in exemptions.items() if applies)
    if applying:
        return Check(False, "Not erased: an exemption applies (" + "; ".join(EXEMPTIONS[n] for n in applying) + ").")
    return Check(True, GROUNDS[ground])


def retention_check() -> dict[str, bool]:
    """The check the retention job records: its policy was set with every exemption
    considered, so each is recorded as not applying."""
    return dict.fromkeys(EXEMPTIONS, False)
