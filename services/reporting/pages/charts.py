"""Trend charts as inline SVG, drawn on the server: bars for counts, a line for rates and
means. No script: the page's stylesheet may restyle the classes (bigger text on phones).

A point that is withheld or under 5 is a gap with a hollow diamond on the baseline (a
count also says "<5"); a month without data is a gap with a dash. The `<title>` and
`<desc>` carry every month's value in words for screen readers.
"""
from __future__ import annotations

import dataclasses

from markupsafe import Markup, escape

WIDTH, HEIGHT = 520, 230
LEFT, RIGHT, TOP, BOTTOM = 54, 8, 24, 42
INK, MUTED, LINE, ACCENT, CURRENT = "#1d2125", "#5b6470", "#d5dae0", "#1b6e5a", "#0e3d31"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS_LONG = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")
FONT = 'font-family="system-ui, sans-serif"'


@dataclasses.dataclass(frozen=True)
class Point:
    month: str  # YYYY-MM
    value: float | None  # what is plotted; None for a gap
    text: str  # the value in words: "12", "60.5%", "<5", "withheld", "no data"
    state: str  # shown | suppressed | withheld | none
    short: str = ""  # the label on the chart, if shorter than `text` ("61%")

    @property
    def label(self) -> str:
        return self.short or self.text


@dataclasses.dataclass(frozen=True)
class Scale:
    low: float
    high: float

    def y(self, value: float) -> float:
        span = (self.high - self.low) or 1
        return TOP + (HEIGHT - TOP - BOTTOM) * (self.high - value) / span


def month_words(month: str) -> str:
    year, number = month.split("-")
    return f"{MONTHS_LONG[int(number) - 1]} {year}"


def nice_top(value: float) -> float:
    """A round top for the axis, with a round middle tick: 2, 4, 6, 8, 10, 20, 40..."""
    step = 1.0
    while True:
        for factor in (2, 4, 6, 8, 10):
            if value <= factor * step:
                return factor * step
        step *= 10


def scale_for(points: list[Point], unit: str, domain: tuple[float, float] | None) -> Scale:
    if domain:
        return Scale(*domain)
    if unit == "percent":
        return Scale(0, 1)
    values = [p.value for p in points if p.value is not None]
    low = min([0.0, *values])
    return Scale(-nice_top(-low) if low < 0 else 0, nice_top(max([1.0, *values])))


def _x(index: int, count: int) -> float:
    slot = (WIDTH - LEFT - RIGHT) / max(count, 1)
    return LEFT + slot * (index + 0.5)


def _text(x: float, y: float, body: str, css: str, anchor: str = "middle", fill: str = INK,
          size: int = 12, weight: str = "400") -> str:
    return (f'<text class="{css}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'font-weight="{weight}" fill="{fill}" {FONT}>{escape(body)}</text>')


def _axes(scale: Scale, fmt) -> list[str]:
    parts = []
    for tick in (scale.low, (scale.low + scale.high) / 2, scale.high):
        y = scale.y(tick)
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="{LINE}" stroke-width="1"/>')
        parts.append(_text(LEFT - 6, y + 4, fmt(tick), "axis", anchor="end", fill=MUTED))
    zero = scale.y(0)
    parts.append(f'<line class="baseline" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{zero:.1f}" y2="{zero:.1f}" '
                 f'stroke="{MUTED}" stroke-width="1"/>')
    return parts


def _months(points: list[Point]) -> list[str]:
    parts = []
    for i, point in enumerate(points):
        x, (year, number) = _x(i, len(points)), point.month.split("-")
        parts.append(_text(x, HEIGHT - BOTTOM + 16, MONTHS[int(number) - 1], "month", fill=MUTED))
        if i == 0 or number == "01":
            parts.append(_text(x, HEIGHT - BOTTOM + 32, year, "month year", fill=MUTED))
    return parts


def _gap(x: float, zero: float, point: Point, current: bool) -> list[str]:
    """A withheld or empty month: nothing plotted, a marker saying why."""
    css = "value current" if current else "value"
    if point.state == "none":
        return [_text(x, zero - 6, "–", css, fill=MUTED)]
    parts = [f'<path class="gap-marker" d="M{x:.1f} {zero - 5:.1f} l5 5 l-5 5 l-5 -5 z" fill="#fff" '
             f'stroke="{MUTED}" stroke-width="1.5"><title>{escape(month_words(point.month))}: '
             f'{escape(point.text)}</title></path>']
    if point.state == "suppressed":
        parts.append(_text(x, zero - 10, "<5", css, fill=MUTED))
    return parts


def _bars(points: list[Point], scale: Scale) -> list[str]:
    parts, zero = [], scale.y(0)
    width = (WIDTH - LEFT - RIGHT) / len(points) * 0.6
    for i, point in enumerate(points):
        x, current = _x(i, len(points)), i == len(points) - 1
        if point.value is None:
            parts += _gap(x, zero, point, current)
            continue
        top = scale.y(point.value)
        parts.append(f'<rect class="bar" x="{x - width / 2:.1f}" y="{min(top, zero):.1f}" width="{width:.1f}" '
                     f'height="{max(abs(zero - top), 0.5):.1f}" fill="{CURRENT if current else ACCENT}"/>')
        parts.append(_value_label(x, min(top, zero) - 5, point.label, current))
    return parts


def _value_label(x: float, y: float, body: str, current: bool) -> str:
    return _text(x, y, body, "value current" if current else "value", weight="700" if current else "400")


def _line(points: list[Point], scale: Scale) -> list[str]:
    parts, path, zero = [], [], scale.y(0)
    for i, point in enumerate(points):
        x, current = _x(i, len(points)), i == len(points) - 1
        if point.value is None:
            parts += _gap(x, zero, point, current)
            path.append(None)
            continue
        y = scale.y(point.value)
        path.append((x, y))
        parts.append(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="{5 if current else 3.5}" '
                     f'fill="{CURRENT if current else ACCENT}"/>')
        parts.append(_value_label(x, y - 9, point.label, current))
    return [*_segments(path), *parts]


def _segments(path: list[tuple[float, float] | None]) -> list[str]:
    """One polyline per run of plotted months: a gap stays a gap."""
    runs, run = [], []
    for xy in [*path, None]:
        if xy is None:
            if len(run) > 1:
                runs.append(run)
            run = []
        else:
            run.append(xy)
    return [f'<polyline class="trend" points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in r)}" fill="none" '
            f'stroke="{ACCENT}" stroke-width="2.5" stroke-linejoin="round"/>' for r in runs]


def describe(title: str, points: list[Point]) -> str:
    months = "; ".join(f"{month_words(p.month)}: {p.text}" for p in points)
    return f"{title}, month by month: {months}."


def trend_chart(chart_id: str, title: str, points: list[Point], unit: str, fmt,
                domain: tuple[float, float] | None = None) -> Markup:
    """An accessible SVG chart of `points` (oldest first; the last is the chosen month)."""
    scale = scale_for(points, unit, domain)
    body = _bars(points, scale) if unit == "count" else _line(points, scale)
    latest = points[-1]
    label = f"{title}: {latest.text} in {month_words(latest.month)}; trend over {len(points)} months"
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(label)}" '
        f'aria-describedby="{chart_id}-desc" id="{chart_id}">'
        f'<title>{escape(label)}</title><desc id="{chart_id}-desc">{escape(describe(title, points))}</desc>'
        + "".join([*_axes(scale, fmt), *_months(points), *body]) + "</svg>")
