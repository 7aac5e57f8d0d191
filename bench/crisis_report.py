"""B4 results: medians over the repetitions, the B4 section of bench/RESULTS.md and the stdout summary."""
from __future__ import annotations

import datetime as dt
import statistics

from bench import crisis, crisis_world, detector_report, report, results

STAGES = [
    ("ack", "produce → broker ack (send + flush, acks=all; part of the next stage too)"),
    ("consumed", "produce → the consumer starts on it (processed_events.processed_at): broker, fetch wait, "
                 "poll, queue behind earlier records"),
    ("planned", "→ the first email's delivery row built (deliveries.created_at): routing up to that row"),
    ("claimed", "→ a dispatcher run picks it up (deliveries.sent_at = the run's start): rest of the handler, "
                "the consumer's commit, the wait for the next dispatcher tick, earlier batches"),
    ("accepted", "→ the SMTP server accepted it: deliveries ahead of it in the same run, compose, "
                 "SMTP connection and conversation"),
]


def derive(run: dict, interval_s: float) -> dict:
    b, c = run["baseline"], run["crisis"]
    service = c["service"]
    handle_ms = service["handle"]["mean"] * 1000
    dispatch_ms = service["dispatch_s"] / service["events"] * 1000
    return {
        "baseline_p50": b["p50"], "baseline_p99": b["p99"], "baseline_max": b["max"],
        "crisis_p50": c["p50"], "crisis_p99": c["p99"], "crisis_max": c["max"],
        "ratio": c["p99"] / b["p99"],
        "offered_eps": (c["n"] - 1) / c["produced_s"] if c["produced_s"] else 1 / interval_s,
        "handle_ms": handle_ms, "dispatch_ms": dispatch_ms,
        "capacity_eps": 1000 / (handle_ms + dispatch_ms),
        "drift": c["last_decile_p50"] / c["first_decile_p50"],
    }


def verdict(ratio: float, problems: int) -> str:
    return "PASS" if ratio <= crisis.TARGET and not problems else "FAIL"


def _ms(value: float) -> str:
    return f"{value * 1000:,.1f}"


def code_versions() -> list[str]:
    """As detector_report.code_versions, for the files the crisis path runs through."""
    lines = []
    for path, data in crisis.SOURCES.items():
        name, blob, notes = path.resolve().relative_to(crisis.ROOT).as_posix(), detector_report._blob(data), []
        try:
            head = detector_report._git("rev-parse", f"HEAD:{name}")
            notes.append("as at HEAD" if head == blob else
                         f"uncommitted changes on HEAD {detector_report._git('rev-parse', '--short', 'HEAD')}")
        except Exception:  # noqa: BLE001 - git missing, or a file HEAD does not have
            notes.append("not in HEAD")
        if path.read_bytes() != data:
            notes.append(f"edited during the run, now blob {detector_report._blob(path.read_bytes())[:12]}")
        lines.append(f"{name} {blob[:12]} ({'; '.join(notes)})")
    return lines


def markdown(options: crisis.Options, command: str, info: dict[str, str], runs: list[dict], rows: list[dict],
             median: dict) -> str:
    problems = [p for run in runs for p in run["crisis"]["problems"]]
    emails_per_event: dict[int, int] = {}
    for run in runs:
        for count, events in run["crisis"]["emails_per_event"].items():
            emails_per_event[count] = emails_per_event.get(count, 0) + events
    jobs = (f"JOBS_EVERY_SECONDS={options.jobs_every_s:g} (every job, the dispatcher included, runs that often)"
            if options.jobs_every_s else "JOBS_EVERY_SECONDS unset (the dispatcher's own 1 s)")
    lines = [
        "## B4: crisis path latency", "",
        f"- Date: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- Command (from the repository root): `{command}`",
        f"- Events per repetition (N): {options.events} risk.flagged events (plus {crisis.WARMUP} warm-up events, "
        f"not measured), one every {options.interval_s * 1000:g} ms; the baseline: N records at the same pace; "
        f"repetitions: {len(rows)}; figures below are medians of the repetitions unless per repetition",
        f"- Worker: `python -m services.notifications worker` as its own process (relay, both consumers, the "
        f"three jobs), system clock, {jobs}; SMTP: tests/support/smtp_server.py (aiosmtpd) in the bench process",
        "- Code measured (git blob as the bench started): " + ", ".join(code_versions()),
        *[f"- {name}: {value}" for name, value in info.items()],
        f"- Load average (1 min) before/after each repetition: "
        + ", ".join(f"{run['load_before']:.1f}/{run['load_after']:.1f}" for run in runs)
        + " (the machine is shared; other work running at the same time shows here)", "",
        "| metric | p50 | p99 | max |", "|---|---:|---:|---:|",
        f"| Baseline: produce → consume, bare kafka-python, same broker (ms) | {_ms(median['baseline_p50'])} "
        f"| {_ms(median['baseline_p99'])} | {_ms(median['baseline_max'])} |",
        f"| Crisis path: risk.flagged produced → first email accepted by the SMTP server (ms) "
        f"| {_ms(median['crisis_p50'])} | {_ms(median['crisis_p99'])} | {_ms(median['crisis_max'])} |", "",
        f"**Ratio p99 crisis / p99 baseline: {median['ratio']:.1f}x; target <= {crisis.TARGET:.0f}x: "
        f"{verdict(median['ratio'], len(problems))}** (median of the per-repetition ratios; "
        f"{'every check passed' if not problems else 'checks failed: ' + '; '.join(problems[:5])})", "",
        f"Checks, every repetition: each of the N events produced an email to its own crisis contact, none of "
        f"them twice, no delivery id (X-Circles-Delivery) arrived twice, every email delivery of a measured event "
        f"ended `sent`. Emails per event, all repetitions: "
        + ", ".join(f"{count} emails: {events} events" for count, events in sorted(emails_per_event.items()))
        + " (expected 3: the crisis contact, the peer worker, the clinical lead; the two staff also get an "
          "inbox item each, which is not email).", "",
        "Baseline: the producer the check-ins relay uses (make_producer: acks=all, one request in flight; "
        "send + flush per record, as OutboxRelay.publish_batch does) and a consumer with make_consumer's settings "
        "(fetch_max_wait_ms=200, poll(500 ms) as ConsumerLoop), assign()ed to a fresh 3-partition topic, "
        "positioned at its end and polling before the first record; latency = the time poll() returned the "
        "record − the time send() was called. Crisis path: the same producer sends CloudEvents built with "
        "shared.events.build_event (key = person id, ce_* headers, JSON body, exactly the relay's record) to "
        "checkins.events; latency = the time the SMTP server had the whole message (DATA complete, before "
        "its 250) − the time send() was called, matched through X-Circles-Delivery → deliveries.source_event_id. "
        "Percentiles are nearest-rank over the N events of a repetition.", "",
        "Read model: N + warm-up people in one organisation, applied as people events through "
        "read_model.HANDLERS: each with a peer worker (one per "
        f"{crisis_world.PERSONS_PER_PEER_WORKER} people) and a clinical lead (one per "
        f"{crisis_world.PERSONS_PER_CLINICAL_LEAD}), both staff with an email address, one crisis contact with an "
        "email address (email preferred), a consent for crisis_contacts / crisis_plan / crisis_response and a "
        "signed crisis plan calling that contact first at any time of day. Each measured event is a distinct "
        "risk.flagged event about a different person.", "",
        "### B4 per repetition", "",
        "| repetition | baseline p50 ms | baseline p99 ms | baseline max ms | crisis p50 ms | crisis p99 ms "
        "| crisis max ms | p99 ratio | offered events/s | last/first decile p50 | checks |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for index, (run, row) in enumerate(zip(runs, rows), 1):
        checks = "ok" if not run["crisis"]["problems"] else "; ".join(run["crisis"]["problems"])
        lines.append(f"| {index} | {_ms(row['baseline_p50'])} | {_ms(row['baseline_p99'])} | "
                     f"{_ms(row['baseline_max'])} | {_ms(row['crisis_p50'])} | {_ms(row['crisis_p99'])} | "
                     f"{_ms(row['crisis_max'])} | {row['ratio']:.1f}x | {row['offered_eps']:.1f} | "
                     f"{row['drift']:.2f} | {checks} |")
    lines.append(f"| **median** | **{_ms(median['baseline_p50'])}** | **{_ms(median['baseline_p99'])}** | "
                 f"**{_ms(median['baseline_max'])}** | **{_ms(median['crisis_p50'])}** | "
                 f"**{_ms(median['crisis_p99'])}** | **{_ms(median['crisis_max'])}** | **{median['ratio']:.1f}x** "
                 f"| {median['offered_eps']:.1f} | {median['drift']:.2f} | |")
    lines += ["", "\"last/first decile p50\": the median latency of the last N/10 events over that of the first "
              "N/10; well above 1 means the worker fell behind the pace and the figures measure a queue.", "",
              "### Where the time goes", "",
              "Each event's latency split at the worker's own timestamps (its system clock, the same one as the "
              "bench's): " + "; ".join(f"**{key}** {text}" for key, text in STAGES) + ". "
              "The stages from consumed on add up to the latency. \"slowest 1%\": the mean of each stage over "
              "the N/100 slowest events.", "",
              "| repetition | stage | p50 ms | p99 ms | mean ms | slowest 1% mean ms |",
              "|---|---|---:|---:|---:|---:|"]
    for index, run in enumerate(runs, 1):
        c = run["crisis"]
        for key, _ in STAGES:
            st = c["stages"][key]
            lines.append(f"| {index} | {key} | {_ms(st['p50'])} | {_ms(st['p99'])} | {_ms(st['mean'])} "
                         f"| {_ms(c['tail'][key])} |")
    lines += ["", "First email of an event: the crisis contact's in "
              + ", ".join(f"{run['crisis']['stages']['first_is_contact']['mean'] * 100:.0f}%" for run in runs)
              + " of events (per repetition); deliveries (email and inbox) sent per dispatcher run: "
              + ", ".join(f"{run['crisis']['deliveries_per_dispatch']:.1f}" for run in runs) + ".", "",
              "#### Service times of the worker's code, nothing else running", "",
              f"After each run, in the bench process and one thread: {runs[0]['crisis']['service']['events']} "
              "more risk.flagged "
              "records through ConsumerLoop.process (decode, processed-events mark, routing, commit; no poll), "
              "then Dispatcher.run_once until nothing is due (a fresh aiosmtpd server, the email channel's send "
              "timed). \"capacity\": 1000 / (handler ms + dispatch ms per event), the events per second one "
              "worker process could route and send if its threads never waited; the offered rate must stay well "
              "below it, or the bench measures a backlog.", "",
              "| repetition | handler p50 ms | handler mean ms | dispatch ms per event | deliveries per event "
              "| SMTP send p50 ms | SMTP share of dispatch | capacity events/s |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for index, (run, row) in enumerate(zip(runs, rows), 1):
        service = run["crisis"]["service"]
        lines.append(f"| {index} | {_ms(service['handle']['p50'])} | {row['handle_ms']:.1f} | "
                     f"{row['dispatch_ms']:.1f} | {service['deliveries'] / service['events']:.1f} | "
                     f"{_ms(service['smtp']['p50'])} | {service['smtp_s'] / service['dispatch_s'] * 100:.0f}% | "
                     f"{row['capacity_eps']:.1f} |")
    lines.append(f"| **median** | | **{median['handle_ms']:.1f}** | **{median['dispatch_ms']:.1f}** | | | | "
                 f"**{median['capacity_eps']:.1f}** |")
    return "\n".join(lines) + "\n"


def write(options: crisis.Options, command: str, dialect: str, version: str, runs: list[dict]) -> str:
    rows = [derive(run, options.interval_s) for run in runs]
    median = {key: statistics.median(row[key] for row in rows) for key in rows[0]}
    info = report.machine(dialect, options.bootstrap, server_version=version)
    results.update("b4", markdown(options, command, info, runs, rows, median))
    return summary(options, runs, median)


def summary(options: crisis.Options, runs: list[dict], median: dict) -> str:
    problems = sum(len(run["crisis"]["problems"]) for run in runs)
    return "\n".join([
        f"B4 crisis path, N={options.events}, one every {options.interval_s * 1000:g} ms, "
        f"{len(runs)} repetition(s), medians:",
        f"  baseline produce→consume   p50 {_ms(median['baseline_p50']):>8} ms  "
        f"p99 {_ms(median['baseline_p99']):>8} ms",
        f"  risk.flagged → first email p50 {_ms(median['crisis_p50']):>8} ms  p99 {_ms(median['crisis_p99']):>8} ms"
        f"  max {_ms(median['crisis_max'])} ms",
        f"  ratio p99 {median['ratio']:.1f}x vs target <= {crisis.TARGET:.0f}x; checks: "
        f"{'ok' if not problems else f'{problems} problem(s)'}: {verdict(median['ratio'], problems)}",
        f"  worker capacity ~{median['capacity_eps']:.1f} events/s for {median['offered_eps']:.1f} offered; "
        f"last/first decile p50 {median['drift']:.2f}",
        f"  written to {results.RESULTS}",
    ])
