"""Where the test suite's time goes, from pytest's own reports.

Usage:
    python scripts/suite_time.py JUNIT_XML [--log PYTEST_LOG]

`make test` writes both: the JUnit XML (`pytest --junitxml`, one <testcase> per test with its
time: setup + call + teardown, so a fixture's cost lands on the first test that needs it) and
pytest's output with `--durations=30` (the slowest setups, calls and teardowns, each apart:
a setup is a fixture being built). Prints Markdown: the suite's wall time and counts, time per
test file, the slowest tests and the slowest fixture setups; scripts/bench.py puts the same
tables into docs/performance.md (`--suite-junit`).
"""

from __future__ import annotations

import argparse
import re
import xml.etree.ElementTree as ET  # noqa: S405 (pytest's own report, not untrusted input)
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

# "12.34s setup    tests/test_x.py::test_y[param]" in pytest's "slowest durations" list
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s+(setup|call|teardown)\s+(\S.*?)\s*$")


@dataclass(frozen=True)
class TestTime:
    file: str
    name: str
    seconds: float
    outcome: str  # passed, failed, error, skipped


@dataclass(frozen=True)
class PhaseTime:
    phase: str  # setup, call, teardown
    test: str
    seconds: float


def read_junit(path: Path) -> tuple[float, list[TestTime]]:
    """The suite's wall time (s) and every test's time."""
    root = ET.parse(path).getroot()  # noqa: S314
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    wall = sum(float(s.get("time", 0.0)) for s in suites)
    tests = []
    for case in root.iter("testcase"):
        file = case.get("file") or _module_file(case.get("classname", ""))
        outcome = "passed"
        for child in case:
            if child.tag in {"failure", "error", "skipped"}:
                outcome = {"failure": "failed"}.get(child.tag, child.tag)
        tests.append(TestTime(file, case.get("name", ""), float(case.get("time", 0.0)), outcome))
    return wall, tests


def _module_file(classname: str) -> str:
    """ "tests.test_x" or "tests.test_x.TestClass" -> "tests/test_x.py"."""
    parts = classname.split(".")
    for end, part in enumerate(parts):
        if part.startswith("test_"):
            return "/".join(parts[: end + 1]) + ".py"
    return "/".join(parts) + ".py"


def read_durations(log: Path) -> list[PhaseTime]:
    """pytest's `--durations` lines from its output."""
    found = []
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        match = _DURATION.match(line)
        if match:
            found.append(PhaseTime(match.group(2), match.group(3), float(match.group(1))))
    return found


def _table(headers: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in rows:
        cells = [f"{v:,.1f}" if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def suite_tables(junit: Path, log: Path | None = None, *, top: int = 15) -> str:
    """Markdown: totals, per file, slowest tests, slowest fixture setups."""
    wall, tests = read_junit(junit)
    summed = sum(t.seconds for t in tests)
    outcomes: dict[str, int] = defaultdict(int)
    for t in tests:
        outcomes[t.outcome] += 1
    per_file: dict[str, list[TestTime]] = defaultdict(list)
    for t in tests:
        per_file[t.file].append(t)
    files = sorted(per_file.items(), key=lambda item: -sum(t.seconds for t in item[1]))
    parts = [
        f"{len(tests)} tests ("
        + ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items()))
        + f") in {wall / 60:.1f} min wall time; the tests' own times add up to "
        f"{summed / 60:.1f} min (`{junit.name}`).",
        "Time per test file (setup + call + teardown; a shared fixture is counted on the "
        f"first test that builds it), the {top} slowest files:\n\n"
        + _table(
            ["file", "tests", "seconds", "share", "slowest test (s)"],
            [
                [
                    file,
                    len(items),
                    sum(t.seconds for t in items),
                    f"{sum(t.seconds for t in items) / (summed or 1):.0%}",
                    max(t.seconds for t in items),
                ]
                for file, items in files[:top]
            ],
        ),
        f"The {top} slowest tests:\n\n"
        + _table(
            ["test", "seconds"],
            [
                [f"{t.file}::{t.name}", t.seconds]
                for t in sorted(tests, key=lambda t: -t.seconds)[:top]
            ],
        ),
    ]
    if log is not None and log.exists():
        phases = read_durations(log)
        setups = [p for p in phases if p.phase == "setup"]
        if setups:
            parts.append(
                f"Fixture setups among pytest's slowest durations (`{log.name}`, "
                "`--durations=30`): a setup is a fixture being built for that test.\n\n"
                + _table(
                    ["setup of", "seconds"],
                    [[p.test, p.seconds] for p in sorted(setups, key=lambda p: -p.seconds)],
                )
            )
    return "\n\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("junit", type=Path, help="pytest --junitxml output")
    parser.add_argument("--log", type=Path, default=None, help="pytest output with --durations")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    print(suite_tables(args.junit, args.log, top=args.top))


if __name__ == "__main__":
    main()
