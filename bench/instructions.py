"""``python -m bench.instructions [--requests N] [--tree PATH | --commit REV] [KEYS]``:
instructions per request of bench.cpu's page scenarios, counted by valgrind's callgrind.

Wall and CPU seconds on the shared 2-core machine move ±30-100 % between runs (the tenth
round's Jinja2 list measured 0.53-0.67 of DTL by bench.cpu and 0.92 by a per-request
timer); the number of instructions the process executes does not depend on the load.
So this runs the tree's own ``python -m bench.cpu N KEYS`` (its clients, roles and
scenarios; nothing here repeats them) under ``valgrind --tool=callgrind`` twice, with N
and with 2N requests per scenario. ``--dump-before=time_process_time`` makes callgrind
write a profile part at every ``time.process_time()`` call, and bench.cpu calls it just
before and just after each scenario's timed loop, so part 2k holds exactly scenario k's
loop: its warm-up request, Django's setup and the imports are in other parts. Per
request = (part at 2N - part at N) / N, which also takes out whatever the loop costs
once (the timer calls, a first-request cache fill that fell inside it).

Another tree (an old commit) runs the same way from its own directory: ``--commit REV``
exports it with ``git archive`` into /tmp, links this worktree's ``.venv`` and runs
``collectstatic --no-input`` and ``compile_catalogues`` (bench settings run DEBUG off
with the static manifest); ``--tree PATH`` runs an already prepared one.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bench.run import DEFAULT_DB
from bench.run import _environment as bench_environment

ROOT = Path(__file__).resolve().parent.parent
# bench.cpu's timer around each scenario's loop; a C function of libpython (its symbols
# are there: pyenv's build is not stripped).
TIMER = "time_process_time"
# The request log's line (operations/requests.py, since 1d70b58's ancestors; not in
# 305ef6e): late instrumentation waits for it.
REQUEST_LOG = '"logger": "sportello.request"'
# bench.cpu's line per scenario: "1a  200  cpu   12.3 ms  wall   15.0 ms  /agent/..."
_CPU_LINE = re.compile(r"^(?P<key>\S+)\s+(?P<status>\d{3})\s+cpu\s.*?ms\s+(?P<path>/\S*)\s*$")
_TOTALS = re.compile(r"^(?:totals|summary):\s*(\d+)", re.MULTILINE)


@dataclass(frozen=True)
class Scenario:
    key: str
    status: int
    path: str


@dataclass(frozen=True)
class Count:
    """One scenario's instructions: its loop at N and at 2N requests."""

    scenario: Scenario
    single: int
    double: int
    requests: int

    @property
    def per_request(self) -> float:
        return (self.double - self.single) / self.requests

    @property
    def mean_at_single(self) -> float:
        return self.single / self.requests

    @property
    def mean_at_double(self) -> float:
        return self.double / (2 * self.requests)

    @property
    def estimate(self) -> float:
        """The median of the three: the difference cancels what a loop costs once, but a
        full garbage collection (tens of millions of instructions, every few requests)
        falls in one run's loop and not the other's; one such event moves one of the three
        estimates, not the median. Their spread is the measure's uncertainty."""
        return sorted((self.per_request, self.mean_at_single, self.mean_at_double))[1]


def parse_cpu_output(text: str) -> list[Scenario]:
    """bench.cpu's scenarios in the order it ran them."""
    found = []
    for line in text.splitlines():
        if match := _CPU_LINE.match(line.strip()):
            found.append(Scenario(match["key"], int(match["status"]), match["path"]))
    return found


def parse_total(text: str) -> int:
    """A callgrind output file's instruction count (its ``totals:`` line, else ``summary:``)."""
    match = _TOTALS.search(text)
    if match is None:
        raise ValueError("no totals or summary line: not a callgrind output file")
    return int(match.group(1))


def loop_numbers(parts: Iterable[int], scenarios: int) -> list[int]:
    """The last ``scenarios`` loops, counted from the last part: callgrind numbers a part
    by the timer call that ends it, and the last timer call ends the last loop. With
    instrumentation from the start the k-th loop is part 2k (part 1 is the start-up);
    switched on later (``late``), whatever came before the first counted loop is dropped."""
    parts = set(parts)
    last = max(parts, default=0)
    if last < 2 * scenarios:
        raise ValueError(f"{last} parts for {scenarios} loops: was the first loop cut?")
    wanted = [last - 2 * (scenarios - k) for k in range(1, scenarios + 1)]
    if missing := [n for n in wanted if n not in parts]:
        raise ValueError(f"callgrind wrote no part {missing}: did bench.cpu time its loops?")
    return wanted


def loop_parts(totals: dict[int, int], scenarios: int) -> list[int]:
    """Each counted loop's instructions."""
    return [totals[n] for n in loop_numbers(totals, scenarios)]


def callgrind_command(
    *, python: str, out_file: Path, requests: int, keys: str, perf: bool = False, late: bool = False
) -> list[str]:
    command = ["valgrind", "--tool=callgrind", f"--dump-before={TIMER}"]
    # late: the start-up (2/3 of a run's instructions) runs uninstrumented, ~10x faster.
    command += ["--instr-atstart=no"] if late else []
    command += [f"--callgrind-out-file={out_file}", python]
    # -X perf: each Python function is entered through a trampoline of its own, named in
    # /tmp/perf-<pid>.map, which callgrind sees as a function (costs a little more).
    command += ["-X", "perf"] if perf else []
    return command + ["-m", "bench.cpu", str(requests)] + ([keys] if keys else [])


def _call(command: list[str], check: bool = True, **kwargs) -> subprocess.CompletedProcess[str]:
    # valgrind, git, tar, callgrind_annotate and the tree's own Python, on our own files.
    return subprocess.run(command, check=check, capture_output=True, text=True, **kwargs)  # noqa: S603


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    # Same string hashes, so the same dict and set orders, in every run.
    env["PYTHONHASHSEED"] = "0"
    # The sidebar's counts are cached 30 s; under callgrind a loop lasts minutes, and an
    # expiry at a moment that depends on the machine's load would move the count. Natively
    # bench.cpu's loop is shorter than 30 s, so every timed request reads them cached.
    env.setdefault("VIEW_COUNT_CACHE_SECONDS", "86400")
    return env


def _run(
    tree: Path, requests: int, keys: str, out_dir: Path, perf: bool = False, late: bool = False
) -> tuple[list[Scenario], dict[int, int]]:
    out_file = out_dir / f"callgrind.{requests}{'.perf' if perf else ''}.out"
    python = str(tree / ".venv" / "bin" / "python")
    if late:  # the first scenario once more, first: its loop absorbs the switch's delay
        keys = f"{keys.split(',')[0]},{keys}"
    command = callgrind_command(
        python=python, out_file=out_file, requests=requests, keys=keys, perf=perf, late=late
    )
    process = subprocess.Popen(  # noqa: S603 - valgrind on the tree's own Python
        command,
        cwd=tree,
        env=_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if late:
        for line in process.stderr:  # type: ignore[union-attr]  # a pipe
            if REQUEST_LOG in line:  # the first (warm) request is served: start-up is over
                _call(["callgrind_control", "--instr=on", str(process.pid)])
                break
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        sys.stderr.write(stdout + stderr[-4000:])
        raise SystemExit(f"bench.cpu under callgrind failed ({process.returncode})")
    totals = {}
    for part in out_dir.glob(f"{out_file.name}.*"):
        totals[int(part.suffix[1:])] = parse_total(part.read_text(errors="replace"))
    scenarios = parse_cpu_output(stdout)
    return (scenarios[1:] if late else scenarios), totals


def measure(*, tree: Path, requests: int, keys: str, out_dir: Path, late: bool) -> list[Count]:
    """The two runs, at once: their counts do not depend on sharing the cores."""
    with ThreadPoolExecutor(2) as pool:
        single_run = pool.submit(_run, tree, requests, keys, out_dir, False, late)
        double_run = pool.submit(_run, tree, 2 * requests, keys, out_dir, False, late)
        (scenarios, single), (again, double) = single_run.result(), double_run.result()
    if [s.key for s in scenarios] != [s.key for s in again]:
        raise SystemExit(f"the two runs ran different scenarios: {scenarios} / {again}")
    pairs = zip(loop_parts(single, len(scenarios)), loop_parts(double, len(scenarios)), strict=True)
    return [Count(s, one, two, requests) for s, (one, two) in zip(scenarios, pairs, strict=True)]


def export_tree(commit: str) -> Path:
    """The commit's files in /tmp, run by this worktree's virtualenv."""
    sha = _call(["git", "rev-parse", "--short=10", commit], cwd=ROOT).stdout.strip()
    tree = Path(tempfile.gettempdir()) / f"sportello-tree-{sha}"
    if not (tree / "manage.py").exists():
        tree.mkdir(exist_ok=True)
        _call(["git", "archive", f"--output={tree}.tar", sha], cwd=ROOT)
        _call(["tar", "-x", "-f", f"{tree}.tar", "-C", str(tree)])
        Path(f"{tree}.tar").unlink()
    if not (tree / ".venv").exists():
        (tree / ".venv").symlink_to(ROOT / ".venv")
    return tree


def prepare_tree(tree: Path) -> None:
    """DEBUG off (bench settings) serves static files through the manifest, and the pages
    are translated: both built once per tree."""
    if (tree / "staticfiles" / "staticfiles.json").exists():
        return
    env = _environment() | bench_environment(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    for step in (["collectstatic", "--no-input"], ["compile_catalogues"]):
        python = str(tree / ".venv" / "bin" / "python")
        _call([python, "manage.py", *step], cwd=tree, env=env)


PERF_MAP = "/tmp/perf-{pid}.map"  # noqa: S108 - where CPython's -X perf writes it
_PID = re.compile(r"^pid:\s*(\d+)", re.MULTILINE)
# callgrind_annotate --inclusive=yes: "2,918,185 (45.24%)  ???:0x00000000053a8cc0 [???]";
# a deeper level of a recursion ("0x...'2") is left out, its cost is in the outer call's.
_ANNOTATED = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*?)\s*$")
_ADDRESS = re.compile(r"\?\?\?:0x([0-9a-f]+) \[\?\?\?\]$")


def parse_perf_map(text: str) -> dict[int, str]:
    """The perf map: "<start hex> <size hex> py::<function>:<file>" per trampoline."""
    names = {}
    for line in text.splitlines():
        start, _size, name = line.split(" ", 2)
        names[int(start, 16)] = name.removeprefix("py::")
    return names


def parse_inclusive(text: str, names: dict[int, str]) -> list[tuple[str, int]]:
    """Python functions and their inclusive instructions, from callgrind_annotate's lines
    whose function is a trampoline's address."""
    found = []
    for line in text.splitlines():
        row = _ANNOTATED.match(line)
        address = _ADDRESS.search(row[2]) if row else None
        if row and address and (name := names.get(int(address[1], 16))) is not None:
            found.append((name, int(row[1].replace(",", ""))))
    return found


def short_name(name: str, tree: Path) -> str:
    """``function:/path/file.py`` with the path from the tree or from site-packages."""
    function, _, path = name.partition(":")
    path = path.removeprefix(f"{tree}/").split("site-packages/")[-1]
    return f"{path}:{function}"


def python_functions(
    *, tree: Path, requests: int, keys: str, out_dir: Path, top: int, late: bool
) -> str:
    """Each scenario's loop as Python functions' inclusive instructions per request (a
    function that recurses counts its inner calls again: shares of nested functions add
    up to more than 100 %)."""
    scenarios, totals = _run(tree, requests, keys, out_dir, perf=True, late=late)
    lines = []
    for scenario, number in zip(scenarios, loop_numbers(totals, len(scenarios)), strict=True):
        part = out_dir / f"callgrind.{requests}.perf.out.{number}"
        pid = _PID.search(part.read_text(errors="replace"))[1]  # type: ignore[index]  # callgrind writes it
        names = parse_perf_map(Path(PERF_MAP.format(pid=pid)).read_text())
        annotated = _call(["callgrind_annotate", "--inclusive=yes", "--threshold=100", str(part)])
        total, per = totals[number], requests * 1e6
        lines.append(f"{scenario.key} {scenario.path}: {total / per:.1f}M Ir/request with -X perf")
        for name, inclusive in parse_inclusive(annotated.stdout, names)[:top]:
            where = short_name(name, tree)
            lines.append(f"  {inclusive / total:6.1%} {inclusive / per:8.2f}M  {where}")
    return "\n".join(lines)


def table(counts: list[Count]) -> str:
    """Millions of instructions per request: the estimate, then (2N - N) / N, the mean
    at N and the mean at 2N it was taken from."""
    head = ["key", "status", "Ir/request", "(2N-N)/N", "mean N", "mean 2N"]
    lines = ["{:4} {:6} {:>11} {:>9} {:>9} {:>9}  path".format(*head)]
    for c in counts:
        s, m = c.scenario, 1e6
        values = (c.estimate / m, c.per_request / m, c.mean_at_single / m, c.mean_at_double / m)
        numbers = "{:10.2f}M {:8.2f}M {:8.2f}M {:8.2f}M".format(*values)
        lines.append(f"{s.key:4} {s.status:<6} {numbers}  {s.path}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.instructions", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "keys", nargs="?", default="", help="bench.cpu's scenario keys, e.g. 0,1a,2 (default: all)"
    )
    parser.add_argument(
        "--requests", type=int, default=5, help="N: the runs make N and 2N requests per scenario"
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--tree", type=Path, help="a prepared tree to run (default: this one)")
    where.add_argument("--commit", help="export this commit into /tmp and run it")
    parser.add_argument(
        "--python-functions",
        type=int,
        metavar="TOP",
        help="instead: one run under -X perf, each scenario's TOP Python functions "
        "by inclusive instructions",
    )
    parser.add_argument(
        "--late",
        action="store_true",
        help="start-up uninstrumented, switched on at the first request's log line "
        "(trees with the request log only)",
    )
    parser.add_argument(
        "--out", type=Path, help="where callgrind's files go (default: a new /tmp directory)"
    )
    args = parser.parse_args(argv)
    tree = export_tree(args.commit) if args.commit else (args.tree or ROOT).resolve()
    prepare_tree(tree)
    out_dir = args.out or Path(tempfile.mkdtemp(prefix="bench-instructions-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    if args.python_functions:
        print(
            python_functions(
                tree=tree,
                requests=args.requests,
                keys=args.keys,
                out_dir=out_dir,
                top=args.python_functions,
                late=args.late,
            )
        )
        return 0
    if args.late and not args.keys:
        parser.error("--late needs the scenario keys (the first one runs twice)")
    counts = measure(
        tree=tree, requests=args.requests, keys=args.keys, out_dir=out_dir, late=args.late
    )
    print(f"tree {tree}  N={args.requests}  callgrind files in {out_dir}")
    print(table(counts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
