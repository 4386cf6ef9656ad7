"""bench.instructions' reading of bench.cpu's lines and callgrind's files, and its
arithmetic (the counts themselves are measured, never asserted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.instructions import (
    Count,
    Scenario,
    callgrind_command,
    loop_parts,
    parse_cpu_output,
    parse_inclusive,
    parse_perf_map,
    parse_total,
    short_name,
)

CPU_OUTPUT = """\
{"time": "2026-12-07T16:51:46.800+00:00", "level": "INFO", "message": "GET portal:search 200"}
0   200  cpu    3.6 ms  wall   13.5 ms  /agent/tickets/new/requester/search/?q=
1a  200  cpu   15.6 ms  wall   67.8 ms  /agent/views/3/
{"time": "2026-12-07T16:51:47.195+00:00", "level": "INFO", "message": "GET tickets:home 200"}
1b  404  cpu  113.8 ms  wall 1060.4 ms  /agent/views/3/?page=6&cursor=WyJhIiwiMjAy
"""

CALLGRIND_PART = """\
# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 15446
cmd:  python3.13 -m bench.cpu 5 0,1a
part: 2

desc: Trigger: --dump-before=time_process_time
positions: line
events: Ir
summary: 737848

fl=(1) ???
fn=(1) 0x0000000000001080
0 5
totals: 737848
"""


def test_reads_each_scenario_line_of_bench_cpu_between_log_lines():
    assert parse_cpu_output(CPU_OUTPUT) == [
        Scenario("0", 200, "/agent/tickets/new/requester/search/?q="),
        Scenario("1a", 200, "/agent/views/3/"),
        Scenario("1b", 404, "/agent/views/3/?page=6&cursor=WyJhIiwiMjAy"),
    ]


def test_reads_a_callgrind_parts_instruction_total():
    assert parse_total(CALLGRIND_PART) == 737848


def test_falls_back_on_the_summary_line_without_totals():
    assert parse_total(CALLGRIND_PART.replace("totals: 737848\n", "")) == 737848


def test_refuses_a_file_that_is_not_callgrinds():
    with pytest.raises(ValueError):
        parse_total("0   200  cpu 3.6 ms\n")


def test_scenario_k_is_the_part_between_its_two_timer_calls():
    # part 1: start-up up to the first timer call; 2: scenario 1's loop; 3: its print and
    # scenario 2's warm request; 4: scenario 2's loop; no suffix: the rest.
    totals = {1: 8_000_000_000, 2: 21_000_000, 3: 999_000_000, 4: 345_000_000}
    assert loop_parts(totals, 2) == [21_000_000, 345_000_000]


def test_switched_on_late_the_loops_are_counted_from_the_last_part():
    # on during the repeated first scenario's loop: part 1 is its rest, 2 a gap, 3 and
    # 5 the counted loops; on between two loops: part 1 is the gap.
    assert loop_parts({1: 7, 2: 99, 3: 30, 4: 98, 5: 50}, 2) == [30, 50]
    assert loop_parts({1: 99, 2: 30, 3: 98, 4: 50}, 2) == [30, 50]


def test_a_loop_cut_by_a_late_switch_is_an_error_not_a_count():
    with pytest.raises(ValueError, match="3 parts for 2 loops"):
        loop_parts({1: 10, 2: 20, 3: 30}, 2)


def test_the_difference_of_n_and_2n_cancels_what_the_loop_costs_once():
    once, per_request, n = 1_740_000, 10_110_000, 5
    count = Count(
        Scenario("0", 200, "/"),
        single=once + n * per_request,
        double=once + 2 * n * per_request,
        requests=n,
    )
    assert count.per_request == per_request
    assert count.mean_at_double == per_request + once / (2 * n)


def test_one_collection_in_one_loop_moves_one_estimate_not_the_median():
    # 3 requests of 47.6M each; a 54M collection fell in the N run's loop only.
    count = Count(Scenario("4b", 200, "/hc/"), single=197_000_000, double=285_600_000, requests=3)
    assert round(count.per_request) == 29_533_333
    assert round(count.mean_at_single) == 65_666_667
    assert count.estimate == count.mean_at_double == 47_600_000


def test_runs_the_trees_own_bench_cpu_with_a_dump_at_its_timer():
    command = callgrind_command(
        python="/t/.venv/bin/python", out_file=Path("/o/cg.5.out"), requests=5, keys="0,1a"
    )
    assert command[:2] == ["valgrind", "--tool=callgrind"]
    assert "--dump-before=time_process_time" in command
    assert "--callgrind-out-file=/o/cg.5.out" in command
    assert command[-5:] == ["/t/.venv/bin/python", "-m", "bench.cpu", "5", "0,1a"]


def test_no_keys_lets_bench_cpu_run_all_its_scenarios():
    command = callgrind_command(python="python", out_file=Path("cg"), requests=3, keys="")
    assert command[-3:] == ["-m", "bench.cpu", "3"]


PERF_MAP = """\
53a8cc0 b py::work:/tmp/t2.py
53a8cd0 b py::inner:/tmp/t2.py
53a8ce0 b py::render:/w/.venv/lib/python3.13/site-packages/django/template/base.py
"""

ANNOTATED_INCLUSIVE = """\
6,450,871 (100.0%)  ???:(below main) [/root/.pyenv/versions/3.13.0/bin/python3.13]
6,450,871 (100.0%)  ???:0x00000000053a8cb0 [???]
3,526,223 (54.66%)  ???:0x00000000053a8ce0 [???]
2,918,185 (45.24%)  ???:0x00000000053a8cc0 [???]
  773,915 ( 2.00%)  ???:0x00000000053a8cd0 [???]
  173,915 ( 0.50%)  ???:0x00000000053a8cc0'2 [???]
"""


def test_names_each_trampoline_address_by_its_python_function():
    names = parse_perf_map(PERF_MAP)
    assert parse_inclusive(ANNOTATED_INCLUSIVE, names) == [
        ("render:/w/.venv/lib/python3.13/site-packages/django/template/base.py", 3_526_223),
        ("work:/tmp/t2.py", 2_918_185),
        ("inner:/tmp/t2.py", 773_915),
    ]


def test_a_function_is_named_from_its_tree_or_its_package():
    tree = Path("/w")
    assert short_name("inner:/w/tickets/views/lists.py", tree) == "tickets/views/lists.py:inner"
    site = "render:/w/.venv/lib/python3.13/site-packages/django/template/base.py"
    assert short_name(site, tree) == "django/template/base.py:render"
