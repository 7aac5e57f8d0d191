"""B8 results: verdicts, medians, the B8 section of bench/RESULTS.md and the progress lines."""
from __future__ import annotations

import collections
import datetime as dt
import re
import statistics

from bench import results
from bench.report import machine

RSS_TARGET_MB, READY_TARGET_S = 800.0, 30.0
PHASES = ("start-up", "demo load", "idle")
SERVICES = ("people", "checkins", "notifications", "resources", "reporting")


def mb(kb: float) -> float:
    return kb / 1024  # MiB: /proc counts kB of 1024 bytes


def verdict(peak_mb: float, ready_s: float) -> tuple[str, str]:
    return ("PASS" if peak_mb <= RSS_TARGET_MB else "FAIL", "PASS" if ready_s <= READY_TARGET_S else "FAIL")


def headline(peak_mb: float, ready_s: float) -> str:
    rss, ready = verdict(peak_mb, ready_s)
    return (f"**Peak RSS {peak_mb:.0f} MB, target <= {RSS_TARGET_MB:.0f} MB: {rss}; "
            f"ready in {ready_s:.1f} s, target <= {READY_TARGET_S:.0f} s: {ready}**")


def peak(run: dict) -> dict:
    """The sample with the highest summed RSS over all phases."""
    return max(run["peaks"].values(), key=lambda p: p["rss_kb"])


def figures(run: dict) -> dict[str, float]:
    top = peak(run)
    row = {"ready_s": run["ready_s"], "loaded_s": run["loaded_s"], "peak_mb": mb(top["rss_kb"]),
           "pss_mb": mb(sum(run["pss"]["pss"].values())), "pss_rss_mb": mb(run["pss"]["rss_kb"]),
           "processes": len(top["rows"]), "idle_end_mb": mb(run["idle_end"]["rss_kb"]),
           "stop_s": run["stop"]["stop_s"], "killed": len(run["stop"]["killed"]),
           "cpu_to_ready_s": sum(r["cpu_s"] for r in run["at_ready"]["rows"]),
           "runner_ready_s": float(re.findall(r"[\d.]+", run["notes"].get("runner printed all ready", "nan"))[0]),
           "samples": run["samples"], "pss_reads": run["pss_reads"], "sampler_cpu_s": run["sampler_cpu_s"]}
    row.update({f"{phase}_mb": mb(run["peaks"][phase]["rss_kb"]) for phase in PHASES if phase in run["peaks"]})
    return row


def medians(rows: list[dict]) -> dict[str, float]:
    return {key: statistics.median(row[key] for row in rows) for key in rows[0]}


def by_role(run: dict) -> dict[str, dict[str, float]]:
    """Per role at the peak: processes, RSS and PSS (MB; PSS from the reading nearest the peak) and
    CPU seconds used until every service was ready."""
    roles: dict = collections.defaultdict(lambda: {"n": 0, "rss": 0.0, "pss": 0.0, "cpu": 0.0})
    for r in peak(run)["rows"]:
        entry = roles[r["role"]]
        entry["n"] += 1
        entry["rss"] += mb(r["rss_kb"])
        entry["pss"] += mb(run["pss"]["pss"].get(r["pid"], 0))
    for r in run["at_ready"]["rows"]:
        roles[r["role"]]["cpu"] += r["cpu_s"]
    return roles


def service_processes(run: dict) -> str:
    """Processes per service at the peak: make dev's one (web app + worker), or gunicorn's and the worker's."""
    counts = collections.Counter(re.match(r"\w+", r["role"])[0] for r in peak(run)["rows"]
                                 if r["role"].split(" ")[0].split("-")[0] in SERVICES)
    return "/".join(str(n) for n in sorted(set(counts.values()))) or "0"


def progress(index: int, run: dict) -> str:
    f = figures(run)
    return (f"B8 repetition {index}: ready in {f['ready_s']:.1f} s, demo data in {f['loaded_s']:.1f} s, peak RSS "
            f"{f['peak_mb']:.0f} MB over {f['processes']} processes (PSS {f['pss_mb']:.0f} MB), "
            f"stopped in {f['stop_s']:.1f} s, {f['killed']} killed")


def milestones(runs: list[dict]) -> list[tuple[str, float]]:
    """Median seconds after launch of what the runner printed, and of each service's first /readyz 200."""
    keys = [k for k in runs[0]["milestones"] if all(k in r["milestones"] for r in runs)]
    rows = [(k, statistics.median(r["milestones"][k] for r in runs)) for k in keys]
    rows += [(f"{s} /readyz 200 (bench poll)", statistics.median(r["ready"][s] for r in runs)) for s in SERVICES]
    return sorted(rows, key=lambda row: row[1])


def markdown(runs: list[dict], command: str, idle_s: float, warmup: bool) -> str:
    rows = [figures(run) for run in runs]
    med = medians(rows)
    info = machine("sqlite+pysqlite", None)
    lines = ["## B8: local platform footprint", "",
             f"- Date: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
             f"- Command (from the repository root): `{command}`",
             "- What: `python -m deploy.local.run` (`make dev`) with everything it starts; the RSS figures are VmRSS "
             "summed over the runner and all its descendants (/proc, every ~100 ms), as the issue asks. Forked "
             "processes share pages, which RSS counts once per process: PSS (smaps_rollup, shared pages split "
             "between their users) is read whenever the running peak grew by 3% and shown beside it. 1 MB = 1024 kB.",
             "- Ready: seconds from launching the runner until every service's /readyz answered 200 (the bench "
             "polls every ~100 ms); it includes the runner's migrations and the demo organisation's bootstrap.",
             "- Warm environment: venv installed; " + ("one unmeasured warm-up start first (imports byte-compiled, "
                                                       "files in the page cache)." if warmup else "no warm-up start."),
             "- Each repetition: a fresh temporary folder for the SQLite files, mail and SMS "
             "(CIRCLES_VAR_DIR, <SERVICE>_DATABASE_URL), free ports (the workers' fixed metrics ports 9101-9105 on a "
             f"loopback address of their own, WORKER_METRICS_ADDR), demo data loaded from scratch, {idle_s:g} s idle, "
             "then SIGINT to the runner's process group (Ctrl-C); stragglers after 30 s are killed; none survived.",
             f"- Processes per service seen: {service_processes(runs[-1])} (make dev runs each service as one "
             "process, `python -m deploy.local.service`: its web app on werkzeug's threaded server and its worker's "
             "threads)",
             f"- Repetitions: {len(runs)}; medians unless per repetition",
             f"- Sampler (a thread of the bench, nice 10): {med['samples']:.0f} samples per repetition, PSS read "
             f"{med['pss_reads']:.0f} times, {med['sampler_cpu_s']:.1f} CPU s of its own",
             *[f"- {name}: {value}" for name, value in info.items()], "",
             headline(med["peak_mb"], med["ready_s"]) + f" (medians over {len(runs)} repetitions)", "",
             "| metric | median |", "|---|---:|",
             f"| seconds to every /readyz 200 | {med['ready_s']:.1f} |",
             "| the runner's own 'all services ready in' (counted from the supervisor's start, after the migrations) | "
             f"{med['runner_ready_s']:.1f} |",
             f"| seconds to the demo data loaded (the runner's summary printed) | {med['loaded_s']:.1f} |",
             *[f"| peak RSS during {phase}, MB | {med[phase + '_mb']:.0f} |" for phase in PHASES],
             f"| peak RSS overall, MB | {med['peak_mb']:.0f} |",
             f"| PSS near the peak, MB (read at an RSS of {med['pss_rss_mb']:.0f} MB) | {med['pss_mb']:.0f} |",
             f"| RSS at the end of the idle spell, MB | {med['idle_end_mb']:.0f} |",
             f"| processes at the peak | {med['processes']:.0f} |",
             f"| CPU seconds used by the tree until ready ({info['CPUs']} CPUs) | {med['cpu_to_ready_s']:.1f} |",
             f"| seconds from SIGINT until every process had exited | {med['stop_s']:.1f} |", "",
             "### B8 per repetition", "",
             "| repetition | ready s | demo loaded s | start-up MB | demo load MB | idle MB | peak MB | PSS MB | "
             "processes | CPU s to ready | stop s | killed |", "|---|" + "---:|" * 11]
    cells = ("ready_s", "loaded_s", "start-up_mb", "demo load_mb", "idle_mb", "peak_mb", "pss_mb", "processes",
             "cpu_to_ready_s", "stop_s", "killed")
    fmt = lambda k, v: f"{v:.1f}" if k.endswith("_s") else f"{v:.0f}"  # noqa: E731
    for index, row in enumerate(rows, 1):
        lines.append(f"| {index} | " + " | ".join(fmt(k, row.get(k, 0)) for k in cells) + " |")
    lines.append("| **median** | " + " | ".join(f"**{fmt(k, med.get(k, 0))}**" for k in cells) + " |")
    lines += ["", "### B8 per process at the peak", "",
              "Medians over the repetitions of each role's sum at that repetition's peak; CPU seconds are those used "
              "from launch until every service was ready.", "",
              "| role | processes | RSS MB | PSS MB | CPU s to ready |", "|---|---:|---:|---:|---:|"]
    roles = [by_role(run) for run in runs]
    names = sorted({name for r in roles for name in r}, key=lambda n: -statistics.median(r[n]["rss"] for r in roles))
    for name in names:
        m = {k: statistics.median(r[name][k] if name in r else 0 for r in roles) for k in ("n", "rss", "pss", "cpu")}
        lines.append(f"| {name} | {m['n']:.0f} | {m['rss']:.0f} | {m['pss']:.0f} | {m['cpu']:.1f} |")
    lines += ["", "### B8 start-up timeline", "", "Median seconds after launching the runner.", "",
              "| event | seconds |", "|---|---:|", *[f"| {name} | {at:.1f} |" for name, at in milestones(runs)]]
    return "\n".join(lines)


def write(body: str) -> None:
    results.update("b8", body)
