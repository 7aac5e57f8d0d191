"""B3 (bench/api.py), the pure parts: wrk's output parsed, the Lua script's body valid, the
saturation knee, the ratio and the verdict. No processes, no database."""
import json
import re
import os

import pytest

from bench import api_cpu, api_report
from bench.api_server import new_row_problems
from bench.api_wrk import PERSONS, lua_script, parse_wrk
from services.checkins.api.schemas import CheckinIn

# Captured from Debian's wrk 4.1.0 (-t2 -c8 --latency) against B3's check-ins app under load;
# note the trailing blank wrk leaves after a latency in whole seconds.
REAL = """Running 3s test @ http://127.0.0.1:36331/checkins
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   276.48ms  392.02ms   1.38s    83.08%
    Req/Sec    66.91     24.20   121.00     79.41%
  Latency Distribution
     50%   67.03ms
     75%  342.12ms
     90%  965.77ms
     99%    1.38s \n  235 requests in 3.01s, 227.19KB read
Requests/sec:     78.01
Transfer/sec:     75.42KB
"""

# Captured against the bare app on a path it does not have: every answer a 404.
FAILING = """Running 1s test @ http://127.0.0.1:56007/nowhere
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.34ms    1.16ms  20.38ms   95.19%
    Req/Sec     3.25k   188.58     3.44k    72.73%
  Latency Distribution
     50%    1.24ms
     75%    1.48ms
     90%    1.83ms
     99%    4.85ms
  3552 requests in 1.10s, 1.26MB read
  Non-2xx or 3xx responses: 3552
Requests/sec:   3229.06
Transfer/sec:      1.15MB
"""


def test_a_clean_wrk_run_is_parsed_with_its_latencies_in_seconds():
    result = parse_wrk(REAL)
    assert result["requests"] == 235 and result["seconds"] == pytest.approx(3.01)
    assert result["rps"] == pytest.approx(78.01)
    assert result["p50"] == pytest.approx(0.06703) and result["p90"] == pytest.approx(0.96577)
    assert result["p99"] == pytest.approx(1.38)
    assert result["non2xx"] == 0 and result["socket_errors"] == {"connect": 0, "read": 0, "write": 0, "timeout": 0}


def test_failed_requests_and_socket_errors_are_counted_not_hidden():
    result = parse_wrk(FAILING)
    assert result["non2xx"] == 3552 and result["rps"] == pytest.approx(3229.06)
    # wrk prints this line, in this place, when any socket error happened.
    with_errors = FAILING.replace("  Non-2xx", "  Socket errors: connect 0, read 3, write 0, timeout 12\n  Non-2xx")
    assert parse_wrk(with_errors)["socket_errors"] == {"connect": 0, "read": 3, "write": 0, "timeout": 12}


def test_output_without_totals_or_latency_distribution_is_refused():
    with pytest.raises(ValueError, match="no totals"):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")
    with pytest.raises(ValueError, match="latency distribution"):
        parse_wrk(re.sub(r"  Latency Distribution\n(.*%.*\n)+", "", FAILING))


def test_the_lua_script_posts_a_valid_check_in_with_both_headers():
    script = lua_script(PERSONS[:3], "TOKEN")
    assert 'wrk.method = "POST"' in script and 'wrk.headers["Authorization"] = "Bearer TOKEN"' in script
    assert 'wrk.headers["Content-Type"] = "application/json"' in script
    template = "".join(re.findall(r"'([^']*)'", script.split("string.format(", 1)[1].split("persons[n", 1)[0]))
    body = json.loads(template % (PERSONS[1], 10, 30))  # Lua's %s/%d as Python's, the extremes of the counter
    assert CheckinIn().load(body)["wellbeing"] == 10


def test_the_knee_is_where_the_next_connection_count_adds_less_than_ten_percent():
    assert api_report.knee({8: {"rps": 100.0}, 16: {"rps": 140.0}, 32: {"rps": 146.0}, 64: {"rps": 150.0}}) == 16
    assert api_report.knee({16: {"rps": 880.0}, 8: {"rps": 900.0}}) == 8
    assert api_report.knee({8: {"rps": 100.0}, 16: {"rps": 200.0}, 32: {"rps": 400.0}}) == 32  # never stopped


def _side(rps: float, p50: float, app_cpu: float, db_cpu: float | None) -> dict:
    return {"rps": rps, "p50": p50, "p99": p50 * 4, "cpu": {"gunicorn": app_cpu, "postgres": db_cpu}}


def _run(real_rps: float, bare_rps: float, floor_rps: float = 500.0, db_cpu: float | None = 0.5) -> dict:
    return {"real": _side(real_rps, 0.05, 5.0, db_cpu), "bare": _side(bare_rps, 0.002, 0.3, 0.0 if db_cpu else None),
            "floor": _side(floor_rps, 0.01, 1.0, db_cpu)}


def test_the_ratio_is_the_median_of_the_per_repetition_ratios_and_decides_the_verdict():
    table = api_report.rows([_run(100, 1000), _run(150, 1000), _run(90, 300)])
    assert [row["ratio"] for row in table] == pytest.approx([0.1, 0.15, 0.3])
    assert [row["floor_ratio"] for row in table] == pytest.approx([0.5, 0.5, 500 / 300])
    assert [row["real_of_floor"] for row in table] == pytest.approx([0.2, 0.3, 0.18])
    median = api_report.medians(table)
    assert median["ratio"] == pytest.approx(0.15) and median["real_p50"] == pytest.approx(50.0)
    assert api_report.verdict(median["ratio"]) == "FAIL"
    assert api_report.verdict(0.40) == "PASS" and api_report.verdict(0.399) == "FAIL"


def test_the_ceiling_compares_each_sides_cpu_with_what_the_target_leaves_per_request():
    median = api_report.medians(api_report.rows([_run(100, 1000), _run(120, 1100)]))
    cap = api_report.ceiling(median)
    assert cap["bare"] == pytest.approx(0.3) and cap["budget"] == pytest.approx(0.3 / api_report.TARGET)
    assert cap["floor"] == pytest.approx(1.5) and cap["real"] == pytest.approx(5.5)


def test_a_database_on_another_host_leaves_its_cpu_unmeasured_not_zero():
    median = api_report.medians(api_report.rows([_run(100, 1000, db_cpu=None), _run(120, 1100, db_cpu=0.4)]))
    assert median["real_db_cpu"] is None and median["real_app_cpu"] == pytest.approx(5.0)
    assert api_report.ceiling(median)["floor"] is None
    assert api_report._cell("real_db_cpu", None) == "n/a"


def test_cpu_per_request_counts_this_process_session_and_divides_by_the_requests():
    before = api_cpu.sample(os.getsid(0))
    sum(i * i for i in range(3_000_000))  # spend some CPU in this session
    after = api_cpu.sample(os.getsid(0))
    assert after["gunicorn"] > before["gunicorn"]
    per = api_cpu.per_request({"gunicorn": 1.0, "postgres": None}, {"gunicorn": 3.0, "postgres": 2.0}, 1000)
    assert per == {"gunicorn": pytest.approx(2.0), "postgres": None}


def test_every_completed_request_must_have_written_its_rows():
    assert new_row_problems({"records": 105}, requests=100, connections=8) == []  # 5 were in flight
    assert new_row_problems({"records": 99}, requests=100, connections=8)  # one request lost its row
    assert new_row_problems({"records": 109}, requests=100, connections=8)  # more than could be in flight
    assert new_row_problems({"records": 100, "outbox": 99}, requests=100, connections=8)  # an event missing
    assert new_row_problems({"records": 100, "outbox": 100}, requests=100, connections=8) == []
