"""Benchmark B6, directory search: the nearest open-now listings around a point among
20,000 listings, through the service's search use case, against a full scan in Python
(load every listing, compute distance and open-now for each, sort) in the same run.

Listings are spread over Great Britain with weekly slots in Europe/London (a realistic mix
of meetings, drop-ins and 24/7 helplines); queries are random points in the same area with
a 10 km radius, open now, nearest first, first page of 10. Both paths must return the same
listings in the same order for every query (checked).

`python -m bench.directory [--listings N] [--queries Q] [--repeat R] [--database-url URL]`
"""
from __future__ import annotations

import argparse
import datetime as dt
import math
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from bench import results
from bench.infra import Databases
from services.resources.domain import geo
from services.resources.domain.opening import Opening, Slot
from services.resources.models import Listing
from services.resources.spec import SPEC
from services.resources.usecases.search import Query, search
from shared.clock import FixedClock
from shared.db.migrations import upgrade
from shared.runtime import Runtime
from shared.settings import load_settings

NOW = dt.datetime(2026, 3, 3, 18, 30, tzinfo=dt.timezone.utc)  # a Tuesday evening in London
BOX = (50.5, 55.5, -4.5, 0.5)  # lat_min, lat_max, lon_min, lon_max
RADIUS_KM, PAGE = 10.0, 10
TARGET = 20.0


def seed(runtime: Runtime, count: int, rng: random.Random) -> None:
    rows = [_listing(i, rng) for i in range(count)]
    with runtime.engine.begin() as conn:
        conn.execute(Listing.__table__.insert(), rows)
    with runtime.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")


def _listing(i: int, rng: random.Random) -> dict:
    kind = rng.choices(("meeting", "dropin", "helpline"), (70, 25, 5))[0]
    if kind == "helpline":
        slots = [{"day": d, "opens": "00:00", "closes": "23:59"} for d in range(7)]
    elif kind == "dropin":
        slots = [{"day": d, "opens": "10:00", "closes": "16:00"} for d in range(1, 6)]
    else:
        start = rng.choice(("07:00", "12:30", "18:00", "19:00", "20:00"))
        end = f"{int(start[:2]) + 1:02d}{start[2:]}"
        slots = [{"day": d, "opens": start, "closes": end} for d in rng.sample(range(7), rng.randint(1, 3))]
    return {"id": f"00000000-0000-4000-8000-{i:012d}", "organisation_id": "11111111-1111-4111-8111-111111111111",
            "slug": f"listing-{i}", "kind": kind, "name": f"Listing {i:05d}", "status": "active",
            "types": ["O"], "attendance": "in_person", "timezone": "Europe/London", "slots": slots,
            "closed_dates": [], "days": [], "latitude": rng.uniform(BOX[0], BOX[1]),
            "longitude": rng.uniform(BOX[2], BOX[3]), "approximate": False, "phones": [], "topics": [],
            "languages": ["en"], "version": 1, "updated_at": NOW, "updated_by": "bench"}


def real(runtime: Runtime, point: tuple[float, float]) -> list[str]:
    with runtime.uow() as uow:
        hits, _ = search(uow, Query(open_now=True, sort="distance", near=point, radius_km=RADIUS_KM, per_page=PAGE))
        return [hit.listing.id for hit in hits]


def full_scan(runtime: Runtime, point: tuple[float, float]) -> list[str]:
    """What a search without the index and the bounding box does: every row, every time."""
    with runtime.uow() as uow:
        found = []
        for listing in uow.session.scalars(select(Listing).where(Listing.status == "active")):
            if listing.latitude is None:
                continue
            distance = geo.distance_km(*point, listing.latitude, listing.longitude)
            opening = Opening(tuple(Slot(s["day"], s["opens"], s["closes"]) for s in listing.slots), listing.timezone)
            if distance <= RADIUS_KM and opening.is_open(NOW):
                found.append((distance, listing.name, listing.id))
        return [listing_id for _, _, listing_id in sorted(found)[:PAGE]]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)]


def repetition(databases: Databases, listings: int, queries: int, seed_value: int) -> dict:
    url = databases.fresh(f"b6_{seed_value}")
    upgrade(SPEC.migrations_dir, url)
    runtime = Runtime(SPEC, settings=load_settings("resources", {}).with_overrides(database_url=url),
                      clock=FixedClock(NOW))
    try:
        rng = random.Random(seed_value)
        seed(runtime, listings, rng)
        points = [(rng.uniform(BOX[0] + 0.5, BOX[1] - 0.5), rng.uniform(BOX[2] + 0.5, BOX[3] - 0.5))
                  for _ in range(queries)]
        timings = {"real": [], "scan": []}
        for point in points:
            outcomes = {}
            for name, path in (("real", real), ("scan", full_scan)):
                started = time.perf_counter()
                outcomes[name] = path(runtime, point)
                timings[name].append(time.perf_counter() - started)
            if outcomes["real"] != outcomes["scan"]:
                raise AssertionError(f"paths disagree at {point}: {outcomes}")
        return {name: {"p50": percentile(v, 0.5), "p95": percentile(v, 0.95)} for name, v in timings.items()}
    finally:
        runtime.dispose()
        databases.drop(url)


def report(runs: list[dict], command: str, listings: int, queries: int, dialect: str) -> str:
    med = {path: {p: statistics.median(r[path][p] for r in runs) for p in ("p50", "p95")} for path in ("real", "scan")}
    ratio = med["scan"]["p95"] / med["real"]["p95"]
    lines = ["## B6: directory search, nearest open now", "",
             f"- Date: {dt.datetime.now(dt.timezone.utc).isoformat(timespec='seconds')}",
             f"- Command (from the repository root): `{command}`",
             f"- {listings} listings over Great Britain; {queries} queries per repetition (random points, "
             f"{RADIUS_KM:g} km, open now, nearest first, first {PAGE}); repetitions: {len(runs)}; medians below",
             f"- Machine: {platform.platform()}, Python {platform.python_version()}; database: {dialect}", "",
             "| path | p50 ms | p95 ms |", "|---|---:|---:|"]
    for path, label in (("real", "search use case (bounding box on the index, exact checks on the few left)"),
                        ("scan", "full scan in Python (every listing: distance, open now, sort)")):
        lines.append(f"| {label} | {med[path]['p50'] * 1000:.2f} | {med[path]['p95'] * 1000:.2f} |")
    lines += ["", f"**Speed-up at p95: {ratio:.1f}x; target >= {TARGET:g}x: {'PASS' if ratio >= TARGET else 'FAIL'}**",
              "", "Both paths returned the same listings in the same order for every query (checked).", "",
              "| repetition | real p95 ms | scan p95 ms | ratio |", "|---:|---:|---:|---:|"]
    for i, r in enumerate(runs, 1):
        lines.append(f"| {i} | {r['real']['p95'] * 1000:.2f} | {r['scan']['p95'] * 1000:.2f} | "
                     f"{r['scan']['p95'] / r['real']['p95']:.1f}x |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.directory", description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-b6-") as tmp:
        databases = Databases(args.database_url, Path(tmp))
        runs = [repetition(databases, args.listings, args.queries, seed_value=i + 1) for i in range(args.repeat)]
        command = ".venv/bin/python -m bench.directory " + " ".join(argv if argv is not None else __import__("sys").argv[1:])
        body = report(runs, command.strip(), args.listings, args.queries, databases.dialect)
    results.update("b6", body)
    print(body)


if __name__ == "__main__":
    main()
