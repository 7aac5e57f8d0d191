"""Every KPI reporting computes: key, name, unit, group and definition. The API, the
dashboard, the CSV export, the thresholds and the README all read this one list."""
from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class KpiInfo:
    key: str
    name: str
    unit: str  # count | percent | number
    group: str  # process | coverage | outcome | sustainability
    definition: str


_P = "process"
_O = "outcome"
KPIS = [KpiInfo(*row) for row in (
    ("checkins_completed", "Completed check-ins", "count", _P,
     "checkin.completed events whose completed_at falls in the period (staff and self check-ins)."),
    ("checkins_missed", "Missed check-ins", "count", _P,
     "checkin.missed events (weekly or custom sessions) whose session started in the period."),
    ("checkin_completion_rate", "Check-in completion rate", "percent", _P,
     "Completed check-ins / (completed check-ins + missed check-ins) in the period."),
    ("reviews_held", "Monthly reviews held", "count", _P, "review.completed events in the period."),
    ("reviews_missed", "Monthly reviews missed", "count", _P,
     "checkin.missed events for monthly-review sessions that started in the period."),
    ("mutual_help_attendances", "Mutual-help attendances", "count", _P,
     "attendance.recorded events attended in the period (in person and online)."),
    ("persons_attending_mutual_help", "Persons attending mutual help", "count", _P,
     "Distinct persons with at least one mutual-help attendance in the period."),
    ("risk_flags_high", "High risk flags", "count", _P, "risk.flagged (high) events raised in the period."),
    ("notifications_sent", "Notifications sent", "count", _P,
     "notification.sent events in the period (organisation-wide only: deliveries have no site)."),
    ("notifications_failed", "Notifications failed", "count", _P, "notification.failed events in the period."),
    ("active_persons", "Active persons", "count", "coverage",
     "Persons registered and not discharged, now."),
    ("crisis_plan_coverage", "Signed crisis plan", "percent", "coverage",
     "Share of active persons with a signed crisis plan (any version), now."),
    ("care_team_coverage", "Clinical lead and peer worker", "percent", "coverage",
     "Share of active persons with a named clinical lead and an assigned peer worker, now."),
    ("checklist_coverage", "Guide's checklist met", "percent", "coverage",
     "Share of active persons meeting all five items of the guide's final checklist, now: clinical lead and "
     "peer worker; signed crisis plan naming someone to call first; an active weekly check-in and monthly "
     "review rhythm; a trusted mutual-help option and sober social activity on the map; practical support "
     "in place (a trusted contact for housing, transport, benefits or work) or a written plan for it."),
    ("retention_30", "Retention at 30 days", "percent", _O,
     "Of persons whose intake fell in the period and whose day 30 has passed: not discharged before day 30 "
     "and at least one completed check-in in the 30 days before day 30."),
    ("retention_90", "Retention at 90 days", "percent", _O, "As retention at 30 days, at day 90."),
    ("retention_180", "Retention at 180 days", "percent", _O, "As retention at 30 days, at day 180."),
    ("days_abstinent_mean", "Days abstinent in last 30 (mean)", "number", _O,
     "Mean over persons of their latest self-reported days abstinent (0-30) in the period; check-ins "
     "without a report are left out."),
    ("days_abstinent_median", "Days abstinent in last 30 (median)", "number", _O,
     "Median of the same latest reports."),
    ("barc10_change", "BARC-10 change from baseline", "number", _O,
     "Mean of (latest BARC-10 total in the period - first BARC-10 total ever) over persons with both."),
    ("barc10_remission", "BARC-10 at 47 or above", "percent", _O,
     "Share of persons with a BARC-10 in the period whose latest total is 47 or more."),
    ("mspss_change", "MSPSS change from baseline", "number", _O,
     "Mean of (latest MSPSS mean in the period - first MSPSS mean ever) over persons with both."),
    ("housing_improved", "Moved into stable housing", "count", _O,
     "Persons whose latest assessment in the period says stable housing and whose first did not "
     "(assessments recording housing as unknown are left out)."),
    ("housing_worsened", "Lost stable housing", "count", _O,
     "Persons whose first assessment said stable housing and whose latest in the period does not."),
    ("housing_stable_share", "Stably housed (followed up)", "percent", _O,
     "Of persons with a follow-up assessment in the period, the share stably housed at the latest one."),
    ("employment_improved", "Moved into work", "count", _O,
     "Persons employed (full or part time) at their latest assessment in the period but not at their first "
     "(assessments recording employment as unknown are left out)."),
    ("employment_worsened", "Left work", "count", _O,
     "Persons employed at their first assessment and not at their latest in the period."),
    ("employment_share", "In work (followed up)", "percent", _O,
     "Of persons with a follow-up assessment in the period, the share employed at the latest one."),
    ("peer_workers", "Peer workers with a caseload", "count", "sustainability",
     "Peer workers assigned to at least one active person, now."),
    ("caseload_per_peer_worker", "Caseload per peer worker", "number", "sustainability",
     "Mean number of active persons per peer worker with a caseload, now."),
)]
BY_KEY = {k.key: k for k in KPIS}
