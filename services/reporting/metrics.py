"""Reporting's own Prometheus metrics, set by the worker's jobs.

Labels are organisation and site ids only (`site="all"` for the whole organisation),
never a person or a member of staff. A count below 5 or a rate or mean built from one
is not exported at all: the same small-number rule as the dashboard for non-admins.
"""
from prometheus_client import Gauge

KPI = Gauge("circles_kpi", "Aggregate KPIs for the current calendar month (rates as ratios 0-1; "
            "retention_* over the intakes of the last 365 days)",
            ["organisation", "site", "kpi"], multiprocess_mode="livemax")
FRESHNESS = Gauge("circles_projection_freshness_seconds",
                  "Seconds since reporting last applied an event from this topic", ["topic"],
                  multiprocess_mode="livemax")
EVENTS_APPLIED = Gauge("circles_projection_events_applied", "Events applied to the projections, per topic",
                       ["topic"], multiprocess_mode="livemax")
GAUGED = ("checkins_completed", "checkins_missed", "checkin_completion_rate", "reviews_held",
          "mutual_help_attendances", "risk_flags_high", "active_persons", "crisis_plan_coverage",
          "care_team_coverage", "checklist_coverage", "days_abstinent_mean",
          "retention_30", "retention_90", "retention_180")
