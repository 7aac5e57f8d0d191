"""The session's fault table: one row per scenario, every figure measured during the run."""
from __future__ import annotations

import dataclasses
from pathlib import Path

ARTIFACT = Path(__file__).resolve().parents[1] / "artifacts" / "faults-summary.md"
HEADER = ("scenario", "operations", "faults injected", "lost", "duplicated", "dead-lettered",
          "resent, same id", "seconds")


@dataclasses.dataclass
class Row:
    scenario: str
    operations: int = 0
    faults: int = 0
    lost: int = 0
    duplicated: int = 0
    dead_lettered: int = 0
    resent: int = 0  # provider-level repeats of a delivery id, added during the scenario
    seconds: float = 0.0

    def cells(self) -> tuple[str, ...]:
        return (self.scenario, str(self.operations), str(self.faults), str(self.lost), str(self.duplicated),
                str(self.dead_lettered), str(self.resent), f"{self.seconds:.1f}")


ROWS: list[Row] = []
NOTES: list[str] = []


def record(row: Row, mismatches=()) -> Row:
    """Add the scenario's row, with the losses and duplicates its final check measured."""
    row.lost = sum(m.lost for m in mismatches)
    row.duplicated = sum(m.duplicated for m in mismatches)
    ROWS.append(row)
    return row


def markdown() -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in ROWS]
    return "\n".join(lines + [""] + [f"- {note}" for note in NOTES]) + "\n"


def plain() -> list[str]:
    widths = [max(len(HEADER[i]), *(len(r.cells()[i]) for r in ROWS)) for i in range(len(HEADER))]
    fmt = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths))  # noqa: E731
    return [fmt(HEADER), fmt(tuple("-" * w for w in widths))] + [fmt(r.cells()) for r in ROWS] + NOTES


def write() -> None:
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text("# Fault suite summary\n\n" + markdown())
