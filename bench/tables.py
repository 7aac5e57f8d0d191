"""The per-repetition Markdown table every benchmark report writes."""
from __future__ import annotations

from typing import Callable


def repetition_table(title: str, seconds: str | None, value: str | None, rows: list[dict], median: dict,
                     cell: Callable[[str, float], str], rate_unit: str) -> list[str]:
    """A table of `seconds` and/or `value` (a rate, or "ratio") per repetition, then the median."""
    columns = [c for c in (seconds, value) if c]
    names = {seconds: "seconds", value: "ratio" if value == "ratio" else rate_unit}
    lines = [f"#### {title}", "", "| repetition | " + " | ".join(names[c] for c in columns) + " |",
             "|---|" + "---:|" * len(columns)]
    for index, row in enumerate(rows, 1):
        lines.append(f"| {index} | " + " | ".join(cell(c, row[c]) for c in columns) + " |")
    lines.append("| **median** | " + " | ".join(f"**{cell(c, median[c])}**" for c in columns) + " |")
    return lines + [""]
