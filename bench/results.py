"""bench/RESULTS.md, one section per benchmark: a run replaces only its own section.

Each section sits between `<!-- bench:<key> -->` and `<!-- /bench:<key> -->`, so
`python -m bench --only b7` rewrites B7 and leaves the B1 and B4 figures as they were.
"""
from __future__ import annotations

import re
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")
ORDER = ("b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8")
HEADER = ["# Benchmark results", "",
          "Written by `python -m bench` (bench/report.py for B1, bench/relay.py for B2, bench/api_report.py for "
          "B3, bench/crisis_report.py for B4, bench/replay_report.py for B5, bench/directory.py for B6, "
          "bench/detector_report.py for B7, bench/footprint_report.py for B8); do not edit by hand. A run rewrites "
          "only the sections of the benchmarks it ran (`--only b1|b2|...|b8`); each section names its own date, "
          "command and machine.", ""]
_SECTION = re.compile(r"<!-- bench:(?P<key>\w+) -->\n(?P<body>.*?)\n<!-- /bench:(?P=key) -->", re.S)


def update(key: str, body: str, path: Path = RESULTS) -> None:
    """Replace (or add) the section `key`, keeping every other section verbatim."""
    sections = read_sections(path)
    sections[key] = body.strip("\n")
    keys = [k for k in ORDER if k in sections] + sorted(k for k in sections if k not in ORDER)
    blocks = [f"<!-- bench:{k} -->\n{sections[k]}\n<!-- /bench:{k} -->" for k in keys]
    path.write_text("\n".join(HEADER) + "\n" + "\n\n".join(blocks) + "\n")


def read_sections(path: Path = RESULTS) -> dict[str, str]:
    if not path.exists():
        return {}
    text = path.read_text()
    sections = {m["key"]: m["body"] for m in _SECTION.finditer(text)}
    if not sections and "## B1: event pipeline" in text:
        sections["b1"] = _legacy_b1(text)
    return sections


def _legacy_b1(text: str) -> str:
    """The single-benchmark RESULTS.md written before B7 existed, as a B1 section: the same
    lines and figures, with the run's header bullets moved under the B1 heading."""
    lines = text.splitlines()
    bullets = [line for line in lines[:lines.index("## B1: event pipeline")] if line.startswith("- ")]
    body, seen_heading = [], False
    for line in lines[lines.index("## B1: event pipeline"):]:
        if line == "## B1: event pipeline" and not seen_heading:
            body += [line, "", *bullets]
            seen_heading = True
        elif line == "## Per repetition":
            body.append("### B1 per repetition")
        elif line.startswith("### "):
            body.append("#" + line)
        else:
            body.append(line)
    return "\n".join(body).strip("\n")
