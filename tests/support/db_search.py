"""Search a whole database for strings: every column of every table, as text."""
from __future__ import annotations

from sqlalchemy import MetaData, String, cast, func, or_, select
from sqlalchemy.engine import Engine


def occurrences(engine: Engine, needles: list[str]) -> dict[str, list[str]]:
    """{needle: ["table.column", ...]} for every needle found anywhere; {} when none is."""
    metadata = MetaData()
    metadata.reflect(engine)
    found: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            for column in table.c:
                text = cast(column, String)
                for needle in needles:
                    hits = conn.execute(select(func.count()).select_from(table).where(
                        or_(text.contains(needle, autoescape=True)))).scalar_one()
                    if hits:
                        found.setdefault(needle, []).append(f"{table.name}.{column.name}")
    return found
