"""The guide's three concentric circles as an accessible SVG picture.

Each contact is a marker in its ring, coloured by label (a colour-blind-safe palette) and
lettered by role, so colour is never the only cue. <title> and <desc> describe the map
for screen readers, and text_list() gives the same facts as plain lines to show beside it.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Sequence
from xml.sax.saxutils import escape

RINGS = ("inner", "middle", "outer")
LABEL_COLOURS = {"helpful": "#1b9e77", "risky": "#d95f02", "mixed": "#7570b3", "unknown": "#999999"}
ROLE_MARKS = {"family": "F", "partner": "P", "friend": "Fr", "peer": "Pe", "sponsor": "Sp", "peer_worker": "PW",
              "clinician": "C", "practical_support": "Pr", "mutual_help_group": "MH", "service": "S"}


@dataclasses.dataclass(frozen=True)
class MapContact:
    ref: str
    name: str
    role: str
    circle: str
    label: str


def _ring_bounds(size: int) -> dict[str, tuple[float, float]]:
    """Inner and outer radius of each ring; the centre disc is the person."""
    step = size * 0.42 / 3
    centre = size * 0.06
    return {ring: (centre + i * step, centre + (i + 1) * step) for i, ring in enumerate(RINGS)}


def _placements(contacts: Sequence[MapContact], size: int) -> list[tuple[MapContact, float, float, float]]:
    """(contact, x, y, marker radius): spread evenly by angle on each ring's mid-line,
    shrinking markers as a ring fills so they never overlap."""
    bounds, centre, placed = _ring_bounds(size), size / 2, []
    for ring in RINGS:
        members = sorted((c for c in contacts if c.circle == ring), key=lambda c: (c.name.lower(), c.ref))
        if not members:
            continue
        inner, outer = bounds[ring]
        middle = (inner + outer) / 2
        spacing = 2 * math.pi * middle / len(members)
        radius = min((outer - inner) / 2 * 0.8, spacing / 2 * 0.85)
        for n, contact in enumerate(members):
            angle = -math.pi / 2 + 2 * math.pi * n / len(members) + (RINGS.index(ring) * 0.35)
            placed.append((contact, centre + middle * math.cos(angle), centre + middle * math.sin(angle), radius))
    return placed


def _describe(contacts: Sequence[MapContact]) -> str:
    parts = []
    for ring in RINGS:
        members = [c for c in contacts if c.circle == ring]
        labels = [f"{sum(1 for c in members if c.label == label)} {label}" for label in LABEL_COLOURS
                  if any(c.label == label for c in members)]
        parts.append(f"{ring.title()} circle: {len(members)}" + (f" ({', '.join(labels)})" if labels else "") + ".")
    return " ".join(parts)


def _marker(contact: MapContact, x: float, y: float, r: float) -> str:
    mark = ROLE_MARKS.get(contact.role, "?")
    title = f"{contact.name}: {contact.role.replace('_', ' ')}, {contact.circle} circle, {contact.label}"
    return (f'<g class="contact"><title>{escape(title)}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{LABEL_COLOURS[contact.label]}" '
            f'stroke="#222" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{max(r * 0.8, 6):.1f}" text-anchor="middle" '
            f'dominant-baseline="central" fill="#fff" font-family="sans-serif">{mark}</text></g>')


def _legend(size: int) -> str:
    rows = [f'<g transform="translate({size + 10},{20 + 20 * i})"><rect width="12" height="12" fill="{colour}"/>'
            f'<text x="18" y="11" font-size="14" font-family="sans-serif">{label}</text></g>'
            for i, (label, colour) in enumerate(LABEL_COLOURS.items())]
    top = 20 + 20 * len(LABEL_COLOURS) + 14
    rows += [f'<text x="{size + 10}" y="{top + 17 * i}" font-size="13" font-family="sans-serif">'
             f'{mark} {role.replace("_", " ")}</text>' for i, (role, mark) in enumerate(ROLE_MARKS.items())]
    return '<g class="legend">' + "".join(rows) + "</g>"


def render_svg(person_name: str, contacts: Sequence[MapContact], size: int = 480) -> str:
    centre, bounds = size / 2, _ring_bounds(size)
    rings = "".join(f'<circle cx="{centre}" cy="{centre}" r="{bounds[ring][1]:.1f}" fill="{fill}" stroke="#888"/>'
                    for ring, fill in zip(reversed(RINGS), ("#f4f4f4", "#e9eef4", "#dde6f0"), strict=True))
    markers = "".join(_marker(c, x, y, r) for c, x, y, r in _placements(contacts, size))
    title = f"Support network map for {person_name}"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 {size + 190} {size}" '
            f'width="{size + 190}" height="{size}" role="img" aria-labelledby="map-title map-desc">'
            f'<title id="map-title">{escape(title)}</title><desc id="map-desc">{escape(_describe(contacts))}</desc>'
            f'{rings}<circle cx="{centre}" cy="{centre}" r="{size * 0.05:.1f}" fill="#333"/>'
            f'<text x="{centre}" y="{centre}" font-size="10" fill="#fff" text-anchor="middle" '
            f'dominant-baseline="central" font-family="sans-serif">{escape(person_name[:8])}</text>'
            f"{markers}{_legend(size)}</svg>")


def text_list(contacts: Sequence[MapContact]) -> list[str]:
    lines = []
    for ring in RINGS:
        for c in sorted((c for c in contacts if c.circle == ring), key=lambda c: (c.name.lower(), c.ref)):
            lines.append(f"{ring.title()} circle: {c.name} ({c.role.replace('_', ' ')}, {c.label})")
    return lines


