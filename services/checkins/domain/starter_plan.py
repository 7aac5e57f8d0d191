"""The guide's 30-day starter plan: its tasks, phases and due days."""
from __future__ import annotations

import dataclasses
import datetime as dt


@dataclasses.dataclass(frozen=True)
class TaskTemplate:
    code: str
    phase: str
    due_day: int  # plan day (1 = the first day) by the end of which it should be done
    title: str


PHASES = ("day_1", "days_2_3", "days_4_7", "week_2", "week_3", "week_4")

TASKS: tuple[TaskTemplate, ...] = (
    TaskTemplate("safety-check", "day_1", 1,
                 "Safety check: overdose and suicide risk, emergency numbers, naloxone if required."),
    TaskTemplate("network-map", "days_2_3", 3, "Network map."),
    TaskTemplate("intake-assessment", "days_2_3", 3, "Intake assessment."),
    TaskTemplate("core-supports", "days_4_7", 7,
                 "Identify and contact 3 core supports (clinician, peer, one family member or friend)."),
    TaskTemplate("first-checkin-arranged", "days_4_7", 7, "Arrange the first weekly check-in."),
    TaskTemplate("first-weekly-checkin", "week_2", 14, "Hold the first 15-minute weekly check-in."),
    TaskTemplate("crisis-plan", "week_2", 14, "Create the crisis plan."),
    TaskTemplate("psychosocial-appointment", "week_2", 14,
                 "Book one psychosocial appointment (CBT, CRA or a family session)."),
    TaskTemplate("meeting-lists", "week_2", 14,
                 "Give meeting lists (in person and online); encourage trying one mutual-help meeting."),
    TaskTemplate("emergency-support", "week_3", 21, "Apply for any emergency housing or benefits support."),
    TaskTemplate("appointment-transport", "week_3", 21, "Arrange transport or a buddy for appointments."),
    TaskTemplate("social-activity", "week_3", 21,
                 "Peer coach introduces a social activity that is not substance-based (recovery café, gym, walk)."),
    TaskTemplate("monthly-review", "week_4", 28, "Monthly care-team review."),
    TaskTemplate("measure-kpis", "week_4", 28, "Measure simple KPIs: attendance, days abstinent, medication adherence."),
    TaskTemplate("adjust-network", "week_4", 28, "Adjust network roles and supports."),
)


def due_on(starts_on: dt.date, template: TaskTemplate) -> dt.date:
    return starts_on + dt.timedelta(days=template.due_day - 1)


def is_overdue(due: dt.date, today_local: dt.date) -> bool:
    """Overdue once the person's local day has passed the due day."""
    return today_local > due
