"""python -m scripts.mutation [--only ID ...] [--jobs N] [--baseline] [--report FILE]

Each mutant: a copy of the repository's tracked files (as they are in the working tree), the
mutant planted, its tests run there with pytest. The result is one of
  caught    the tests failed (or could not be collected: the suite still stops the change)
  survived  the tests passed with the regression in place
  error     the mutant no longer applies, or its tests did not run (none selected, a timeout)
`--baseline` first runs each distinct selection on an unmutated copy: it must pass, or a
"caught" would mean nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from scripts.mutation import ROOT, Mutant, load_mutants

# Not tracked by git but needed by the tests: reused through symlinks, never copied.
SHARED = (".venv", "tests/tools/node_modules")
# pytest's exit codes: 0 passed, 1 some failed, 2 interrupted (collection errors count: a
# mutant that breaks an import is stopped by the suite), 5 no tests collected.
CAUGHT_CODES = {1, 2}
TIMEOUT = 30 * 60


@dataclass(frozen=True)
class Outcome:
    mutant: Mutant
    result: str  # caught, survived, error
    seconds: float
    detail: str = ""


def tracked_files() -> list[str]:
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return [name for name in listing.split("\0") if name and (ROOT / name).is_file()]


def clean_copy(destination: Path, files: Iterable[str]) -> None:
    for name in files:
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    for name in SHARED:
        if (ROOT / name).exists():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            (destination / name).symlink_to((ROOT / name).resolve())


def pytest_command(tree: Path, tests: Sequence[str]) -> list[str]:
    python = ROOT / ".venv" / "bin" / "python"
    return [
        str(python if python.exists() else sys.executable),
        "-m",
        "pytest",
        "-x",
        "-q",
        "-p",
        "no:cacheprovider",
        # Temporary folders of its own: sessions running side by side would otherwise clean up
        # each other's under /tmp/pytest-of-<user>, and fail for that rather than for the mutant.
        f"--basetemp={tree / '.pytest-tmp'}",
        *tests,
    ]


def reports_failures(last_line: str) -> bool:
    """Whether pytest's summary line reports failed tests or errors (collection errors included),
    rather than a crash of pytest itself, which says nothing about the mutant."""
    return re.search(r"\b\d+ (failed|errors?)\b", last_line) is not None


def run_tests(tree: Path, tests: Sequence[str]) -> tuple[int | None, str]:
    """pytest's exit code (None on a timeout) and the end of its output. pytest runs in a session
    of its own, so that a timeout or Ctrl+C ends it with everything it started (servers, builds)."""
    with subprocess.Popen(
        pytest_command(tree, tests),
        cwd=tree,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            output, _ = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return None, f"timed out after {TIMEOUT} s"
        except BaseException:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    lines = output.strip().splitlines()
    return process.returncode, lines[-1] if lines else ""


def try_mutant(mutant: Mutant, files: list[str]) -> Outcome:
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"mutant-{mutant.id}-") as folder:
        tree = Path(folder)
        clean_copy(tree, files)
        path = tree / mutant.file
        try:
            path.write_text(mutant.apply(path.read_text(encoding="utf-8")), encoding="utf-8")
        except (OSError, ValueError) as problem:
            return Outcome(mutant, "error", time.monotonic() - start, str(problem))
        code, last_line = run_tests(tree, mutant.tests)
    seconds = time.monotonic() - start
    if code == 0 and " passed" not in last_line:
        # Everything selected was skipped (no Docker engine, say): the mutant was never tried.
        return Outcome(mutant, "error", seconds, f"no test ran: {last_line}")
    if code == 0:
        return Outcome(mutant, "survived", seconds, last_line)
    if code in CAUGHT_CODES and reports_failures(last_line):
        return Outcome(mutant, "caught", seconds, last_line)
    return Outcome(mutant, "error", seconds, f"pytest exit code {code}: {last_line}")


def baseline(mutants: Sequence[Mutant], files: list[str], jobs: int) -> list[tuple[tuple[str, ...], str]]:
    """The selections that fail on the unmutated tree, with pytest's last line."""
    selections = sorted({mutant.tests for mutant in mutants})

    def check(tests: tuple[str, ...]) -> tuple[tuple[str, ...], int | None, str]:
        with tempfile.TemporaryDirectory(prefix="mutant-baseline-") as folder:
            clean_copy(Path(folder), files)
            return (tests, *run_tests(Path(folder), tests))

    with ThreadPoolExecutor(jobs) as pool:
        results = list(pool.map(check, selections))
    for tests, code, last_line in results:
        print(f"baseline {'ok    ' if code == 0 else 'FAILED'} {' '.join(tests)}: {last_line}", flush=True)
    return [(tests, last_line) for tests, code, last_line in results if code != 0]


def score(outcomes: Sequence[Outcome]) -> float:
    """Caught among all mutants: an error counts as not caught."""
    return sum(outcome.result == "caught" for outcome in outcomes) / len(outcomes)


def table_cell(text: str) -> str:
    return text.replace("|", "\\|")


def report(outcomes: Sequence[Outcome], minutes: float) -> str:
    """docs/mutation.md: the score, the kept survivors and why, and every mutant's result."""
    caught = sum(outcome.result == "caught" for outcome in outcomes)
    survivors = [outcome for outcome in outcomes if outcome.result == "survived"]
    lines = [
        "# Mutation testing: the score",
        "",
        "Written by `python -m scripts.mutation --report docs/mutation.md` (docs/maintaining.md,",
        '"Mutation testing"): each planted regression of `scripts/mutation/mutants.toml` applied to',
        "a clean copy of the template, and the tests that should catch it run there.",
        "",
        f"Run on {date.today().isoformat()}: **{caught} of {len(outcomes)} caught ({score(outcomes):.0%})**, "
        f"in {minutes:.0f} minutes.",
        "",
        "## Survivors, and why they are kept",
        "",
    ]
    if survivors:
        lines += [
            f"- `{outcome.mutant.id}` ({outcome.mutant.file}): {outcome.mutant.stands_for}. "
            f"{outcome.mutant.survives or 'Not yet explained: add a test, or a `survives` reason.'}"
            for outcome in survivors
        ]
    else:
        lines.append("None.")
    lines += ["", "## Every mutant", "", "| Mutant | File | Regression | Result |", "|---|---|---|---|"]
    lines += [
        f"| `{outcome.mutant.id}` | {table_cell(outcome.mutant.file)} | {table_cell(outcome.mutant.stands_for)} "
        f"| {outcome.result} |"
        for outcome in outcomes
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.mutation", description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="ID", help="run these mutants only")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once (Docker ones: one at a time, last)")
    parser.add_argument("--no-docker", action="store_true", help="leave out the mutants whose tests need Docker")
    parser.add_argument("--baseline", action="store_true", help="first check that every selection passes unmutated")
    parser.add_argument("--report", type=Path, help="write the Markdown report here (docs/mutation.md)")
    options = parser.parse_args(argv)

    mutants = load_mutants()
    if options.only:
        unknown = set(options.only) - {mutant.id for mutant in mutants}
        if unknown:
            parser.error(f"no such mutant: {', '.join(sorted(unknown))}")
        mutants = [mutant for mutant in mutants if mutant.id in options.only]
    if options.no_docker:
        mutants = [mutant for mutant in mutants if not mutant.needs_docker]
    files = tracked_files()
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    start = time.monotonic()

    if options.baseline:
        failing = baseline(mutants, files, options.jobs)
        if failing:
            print(f"{len(failing)} selections fail unmutated: fix them before trusting a result", file=sys.stderr)
            return 1

    def run(mutant: Mutant) -> Outcome:
        outcome = try_mutant(mutant, files)
        kept = " (kept)" if outcome.result == "survived" and outcome.mutant.survives else ""
        print(f"{outcome.result:8} {mutant.id:40} {outcome.seconds:6.0f} s  {outcome.detail}{kept}", flush=True)
        return outcome

    # Docker mutants one at a time, after the others: each builds images on an engine that two
    # parallel builds would only slow down.
    with ThreadPoolExecutor(options.jobs) as pool:
        outcomes = list(pool.map(run, [mutant for mutant in mutants if not mutant.needs_docker]))
    outcomes += [run(mutant) for mutant in mutants if mutant.needs_docker]
    minutes = (time.monotonic() - start) / 60

    caught = sum(outcome.result == "caught" for outcome in outcomes)
    print(f"\n{caught} of {len(outcomes)} mutants caught ({score(outcomes):.1%}) in {minutes:.1f} minutes")
    unexplained = [o.mutant.id for o in outcomes if o.result == "survived" and not o.mutant.survives]
    stale = [o.mutant.id for o in outcomes if o.result == "caught" and o.mutant.survives]
    errors = [o.mutant.id for o in outcomes if o.result == "error"]
    for label, ids in (
        ("survived with no reason given", unexplained),
        ("caught, yet marked as a kept survivor", stale),
        ("errors", errors),
    ):
        if ids:
            print(f"{label}: {' '.join(ids)}")
    if options.report:
        options.report.write_text(report(outcomes, minutes), encoding="utf-8")
    return 1 if unexplained or stale or errors else 0


if __name__ == "__main__":
    sys.exit(main())
