"""The check-ins worker's scheduled jobs, all on the injectable clock and safe to run twice."""
from services.checkins.usecases import action_items, detector, plans, rhythms
from shared.jobs import Job


def jobs(runtime) -> list[Job]:
    return [
        Job("checkins.session-planner", every_seconds=300, run_once=rhythms.plan_ahead),
        Job("checkins.missed-detector", every_seconds=30, run_once=detector.detect_missed),
        Job("checkins.reminders", every_seconds=30, run_once=detector.remind_upcoming),
        Job("checkins.action-items-overdue", every_seconds=300, run_once=action_items.announce_overdue),
        Job("checkins.plan-tasks-overdue", every_seconds=300, run_once=plans.announce_overdue),
    ]
