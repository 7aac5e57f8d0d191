"""Why someone reads a person's data: every read is audited with one of these purposes,
and consents are granted for some of them (see ../shared/reference/consent.md)."""

PURPOSES = ("treatment", "care_coordination", "crisis_response", "family_support", "funder_reporting", "research")
DEFAULT_PURPOSE = "care_coordination"
PURPOSE_HEADER = "X-Access-Purpose"
