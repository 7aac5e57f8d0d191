"""B5 results: derived figures, medians, the B5 section of bench/RESULTS.md and the stdout summary."""
from __future__ import annotations

import datetime as dt
import subprocess

from bench import detector_report, replay, report, results
from bench.replay_history import BULK_MIX, EVENTS_PER_PERSON, ORGANISATIONS, SITES_PER_ORGANISATION
from bench.tables import repetition_table

# (title, seconds key, value key); values are events/s unless the key is "ratio".
HEADLINE = [
    ("Baseline: bare KafkaConsumer, fresh group, subscribe() to the four topics, poll until N records",
     "baseline_s", "baseline_eps"),
    ("Replay: Replay(engine, consumer, clock).run(), fresh tables to swap, on a fresh migrated database",
     "replay_s", "replay_eps"),
    ("Ratio: replay events/s / baseline events/s", None, "ratio"),
]
DETAILS = [
    ("Replay, time inside consumer.poll (kafka-python fetching and parsing; waiting for the broker)",
     "replay_poll_s", None),
    ("Replay, the rest: N / (replay - poll) (decode, validate, claim, handlers, SQL, commits, tables, swap)",
     "replay_work_s", "replay_work_eps"),
    ("Baseline, first records after subscribe() (group join, first fetch)", "baseline_first_s", None),
    ("Replay, first records after run() started (fresh tables, group join, first fetch)", "replay_first_s", None),
]


def derive(run: dict[str, float], n: int) -> dict[str, float]:
    d = dict(run, replay_work_s=run["replay_s"] - run["replay_poll_s"])
    for name in ("baseline", "replay", "replay_work"):
        d[f"{name}_eps"] = n / d[f"{name}_s"]
    d["ratio"] = d["replay_eps"] / d["baseline_eps"]
    return d


def verdict(ratio: float, failed_checks: int = 0) -> str:
    if failed_checks:
        return "FAIL (checks)"
    return "PASS" if ratio >= replay.TARGET else "FAIL"


def _fmt(key: str, value: float) -> str:
    return f"{value:.3f}" if key == "ratio" else f"{value:,.0f}"


def _cell(key: str, value: float) -> str:
    return f"{value:.2f}" if key.endswith("_s") else _fmt(key, value)


def _table(title: str, seconds: str | None, value: str | None, rows, median) -> list[str]:
    return repetition_table(title, seconds, value, rows, median, _cell, "events/s")


def code_versions() -> list[str]:
    """Per file the replay runs: its git blob as imported, and how that relates to HEAD and to the file now."""
    lines = []
    for path, data in replay.SOURCES.items():
        name, blob, notes = path.resolve().relative_to(detector_report.ROOT).as_posix(), detector_report._blob(data), []
        try:
            at_head = detector_report._git("rev-parse", f"HEAD:{name}") == blob
        except (OSError, subprocess.SubprocessError):
            at_head = False
        if at_head:
            notes.append("as at HEAD")
        else:
            try:
                detector_report._git("cat-file", "-e", blob)
                notes.append(f"committed; HEAD {detector_report._git('rev-parse', '--short', 'HEAD')} has another")
            except (OSError, subprocess.SubprocessError):
                notes.append("uncommitted")
        if path.read_bytes() != data:
            notes.append(f"edited during the run, now blob {detector_report._blob(path.read_bytes())[:12]}")
        lines.append(f"{name} {blob[:12]} ({'; '.join(notes)})")
    return lines


def _history_lines(n: int, history: dict) -> list[str]:
    expected = history["expected"]
    by_type = sorted(expected.by_type.items(), key=lambda item: -item[1])
    topics = ", ".join(f"{key.split(':', 1)[1]} {value:,}" for key, value in sorted(history.items())
                       if key.startswith("topic:"))
    mix = ", ".join(f"{name.split('.', 2)[2].rsplit('.', 1)[0]} {share:.1%}" for name, share in BULK_MIX)
    return [
        f"History (bench/replay_history.py, seeded, produced once for all repetitions; setup, not timed): "
        f"{n:,} events, {topics}; 3 partitions per topic, keyed by person id (listings by listing id). "
        f"{expected.persons:,} people (one per {EVENTS_PER_PERSON} events, at most 5,000) in {ORGANISATIONS} "
        f"organisations with {SITES_PER_ORGANISATION} sites each; over the first four weeks each is registered, "
        "gets a peer worker and a clinical lead, 2-6 contacts, a crisis plan (80%), a weekly check-in rhythm "
        "(and a monthly review rhythm for 60%) and an intake assessment; then two years of everyday traffic, "
        f"each event about a random person: {mix}. Real CloudEvents in binary mode (the services' payload "
        "shapes, shared.events.CloudEvent's headers() and body(); one template per type validated by "
        f"build_event, {expected.validated:,} of the events validated again with the schemas). "
        f"Produced with a bare KafkaProducer (acks=1, linger 20 ms, 512 KiB batches, 5 in flight) in "
        f"{history['produce_s']:.1f}s ({n / history['produce_s']:,.0f} events/s, generation included).", "",
        "| event type | events |", "|---|---:|",
        *[f"| {name} | {count:,} |" for name, count in by_type], "",
    ]


def _profile_lines(profile: dict | None) -> list[str]:
    if not profile:
        return ["### B5 profile", "", "Not run (--replay-profile-events 0).", ""]
    total = profile["total_s"]
    categories = profile["categories"]
    parts = [c for c in categories if not c["title"].startswith(("swap", "of which"))]
    rest = total - sum(c["seconds"] for c in parts)
    ranked = sorted(parts, key=lambda c: -c["seconds"])
    top = "; ".join(f"{c['title'].split(':')[0]} {c['seconds'] / total:.0%}" for c in ranked[:3])
    lines = ["### B5 profile", "",
             f"One more replay of {profile['events']:,} events (its own broker and history, same generator) "
             f"under cProfile: {profile['seconds']:.2f}s, {profile['events'] / profile['seconds']:,.0f} events/s "
             "with the profiler's overhead (which inflates Python-heavy parts the most). cProfile sees only the "
             "replay's thread: kafka-python's I/O thread shows as time waiting inside consumer.poll. "
             f"Largest shares of Replay.run's {total:.2f}s (cumulative): **{top}**.", "",
             "| where | cumulative s | share of Replay.run | calls |", "|---|---:|---:|---:|"]
    for c in categories:
        lines.append(f"| {c['title']} | {c['seconds']:.2f} | {c['seconds'] / total:.1%} | {c['calls']:,} |")
    lines += [f"| everything else (Replay._apply's loop, SqlStore setup, ...; not counting the 'of which' and "
              f"swap rows, which overlap the others: the swap's catch-up polls once) | {rest:.2f} | "
              f"{rest / total:.1%} | |",
              f"| **Replay.run** | **{total:.2f}** | **100%** | |", "",
              "Top cumulative entries (pstats, sorted by cumulative time):", "", "```",
              *profile["listing"], "```", ""]
    return lines


def markdown(n: int, command: str, info: dict[str, str], rows, median, outcome: replay.Outcome) -> str:
    failed = sum(len(found) for found in outcome.problems)
    lines = ["## B5: projection replay", "",
             f"- Date: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
             f"- Command (from the repository root): `{command}`",
             f"- Events per repetition (N): {n:,}; repetitions: {len(rows)}; figures below are medians unless "
             "per repetition",
             f"- Code measured (git blob as the bench started): {', '.join(code_versions())}",
             *[f"- {name}: {value}" for name, value in info.items()],
             "- Load average (1 min) before/after each repetition: "
             + ", ".join(f"{row['load_before']:.1f}/{row['load_after']:.1f}" for row in rows)
             + " (2 cores shared by the bench process and the broker; other work shows here)", "",
             "| metric | median |", "|---|---:|",
             *[f"| {t} | {_fmt(v, median[v])}{'' if v == 'ratio' else ' events/s'} |" for t, _, v in HEADLINE],
             "", f"**Ratio replay/baseline: {median['ratio']:.3f}; target >= {replay.TARGET:.2f}: "
             f"{verdict(median['ratio'], failed)}** (median of the per-repetition ratios; "
             + ("every check passed)" if not failed else f"{failed} failed check(s), listed below)"), "",
             *[f"- Repetition {index}, failed check: {problem}"
               for index, found in enumerate(outcome.problems, 1) for problem in found],
             *([""] if failed else []),
             *_history_lines(n, outcome.history),
             "Baseline: a kafka-python KafkaConsumer in a fresh consumer group, subscribe() to people.events, "
             "checkins.events, notifications.events and resources.events (as the replay does, so the group join "
             "is in both timings), auto_offset_reset earliest, the replay command's fetch settings (max_poll_records "
             "5000, fetch_max_bytes 64 MiB, max_partition_fetch_bytes 16 MiB, fetch_max_wait_ms 200), poll(500 ms, "
             "max_records=5000) until it has counted N records, doing nothing with them. Seconds: subscribe() to "
             "the N-th record.", "",
             "Replay: per repetition a fresh database (SQLite file; a fresh PostgreSQL database with "
             "--database-url) migrated with the reporting migrations (not timed), then "
             "`Replay(engine, consumer, clock).run()` with the consumer `python -m services.reporting replay` "
             "makes (make_consumer, a fresh group, the fetch settings above, not yet subscribed) and the "
             "reporting Runtime's engine: fresh `_r<token>` tables, the four topics read from the start, a "
             "transaction per poll batch (decode, load_data, claim in applied_events, handlers, one executemany "
             "per table and shape), then the swap. Seconds: the report's own (run() start to the swap's "
             "commit). The order of baseline and replay alternates between repetitions "
             f"(repetition 1: {'baseline first' if rows[0]['baseline_first'] else 'replay first'}).", "",
             "Checked after every replay, outside the timing: the report counts N records, N applied, no "
             "duplicates, ignored or poison records, generation 2; every live projection table holds exactly "
             "the rows the history implies (e.g. rp_checkins = the checkin.completed events, rp_persons = the "
             "people, rp_applied_events = N, rp_daily_counts = the distinct organisation/site/day/metric keys "
             "of the risk flags and notifications) and the daily counts add up per metric.", "",
             "### B5 per repetition", ""]
    for title, seconds, value in HEADLINE + DETAILS:
        lines += _table(title, seconds, value, rows, median)
    lines += ["#### Python CPU time of the bench process (the broker is another process)", "",
              "| repetition | baseline CPU s | replay CPU s |", "|---|---:|---:|"]
    for index, row in enumerate(rows, 1):
        lines.append(f"| {index} | {row['baseline_cpu_s']:.2f} | {row['replay_cpu_s']:.2f} |")
    lines += [f"| **median** | **{median['baseline_cpu_s']:.2f}** | **{median['replay_cpu_s']:.2f}** |", ""]
    lines += _profile_lines(outcome.profile)
    return "\n".join(lines)


def write(n: int, command: str, bootstrap: str | None, outcome: replay.Outcome) -> str:
    rows = [derive(run, n) for run in outcome.runs]
    median = report.medians(rows)
    info = report.machine(outcome.dialect, bootstrap, server_version=outcome.version)
    if not bootstrap:
        info["Broker"] = info["Broker"].replace("fresh per repetition",
                                                "one for all repetitions (the history is produced once)")
    results.update("b5", markdown(n, command, info, rows, median, outcome))
    return summary(n, len(rows), median, outcome.profile, sum(len(found) for found in outcome.problems))


def summary(n: int, repeat: int, median: dict[str, float], profile: dict | None, failed: int = 0) -> str:
    lines = [
        f"B5 projection replay, N={n}, {repeat} repetition(s), medians:",
        f"  baseline (bare consumer)  {median['baseline_eps']:>10,.0f} events/s  ({median['baseline_s']:.2f}s)",
        f"  replay (Replay.run)       {median['replay_eps']:>10,.0f} events/s  ({median['replay_s']:.2f}s, "
        f"{median['replay_poll_s']:.2f}s in poll)",
        f"  ratio {median['ratio']:.3f} vs target {replay.TARGET:.2f}: {verdict(median['ratio'], failed)}"
        + (f" ({failed} failed check(s), see RESULTS.md)" if failed else ""),
    ]
    if profile:
        ranked = sorted((c for c in profile["categories"] if not c["title"].startswith(("swap", "of which"))),
                        key=lambda c: -c["seconds"])
        lines.append(f"  profile ({profile['events']} events): " + "; ".join(
            f"{c['title'].split(':')[0]} {c['seconds'] / profile['total_s']:.0%}" for c in ranked[:4]))
    lines.append(f"  written to {results.RESULTS}")
    return "\n".join(lines)
