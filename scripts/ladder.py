"""Run the tests ferry generated into each project (its tests/ folder) and count the
projects whose tests pass, pass with expected failures (xfail), or fail.

    python scripts/ladder.py [--budget SECONDS] [--test-seconds N] [--json FILE] DIR...

Every project runs in this one interpreter, one after another: ZenML is imported and
its store set up once, and each project's own modules (steps, pipelines, tests, ...)
are dropped from sys.modules before the next project is loaded. A test that takes
longer than --test-seconds is interrupted and fails; projects not started when the
--budget runs out are listed as not reached. Exit code 1 when a project fails.
"""

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest


class Outcomes:
    """A pytest plugin that records each test's outcome and its reason."""

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        self.tests: list[dict] = []
        self.errors: list[str] = []

    def pytest_runtest_setup(self, item: object) -> None:
        signal.alarm(self.seconds)

    def pytest_runtest_teardown(self, item: object) -> None:
        signal.alarm(0)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.errors.append(f"{report.nodeid}: {report.longreprtext[-2000:]}")

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        xfail = hasattr(report, "wasxfail")
        if report.when == "call" or report.outcome != "passed":
            if report.when != "call" and report.outcome == "passed":
                return
            outcome = report.outcome
            if xfail:
                outcome = "xfailed" if report.outcome == "skipped" else "xpassed"
            reason = ""
            if outcome == "skipped" and isinstance(report.longrepr, tuple):
                reason = report.longrepr[2]
            elif outcome == "xfailed":
                reason = report.wasxfail
            elif outcome == "failed":
                reason = report.longreprtext[-2000:]
            self.tests.append(
                {"test": report.nodeid, "outcome": outcome, "why": reason}
            )


def timeout(signum: int, frame: object) -> None:
    raise TimeoutError("the test took longer than the ladder allows")


PROJECT_MODULES = ("steps", "pipelines", "tests", "run", "ferry_runtime")


def forget(project: Path) -> None:
    """Drop the modules of the previous project from sys.modules."""
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None) or ""
        top = name.split(".")[0]
        if top in PROJECT_MODULES or (file and Path(file).is_relative_to(project)):
            del sys.modules[name]


def run_project(project: Path, seconds: int) -> dict:
    """Run one project's tests; its verdict and the tests' outcomes."""
    outcomes = Outcomes(seconds)
    previous = os.getcwd()
    sys.path.insert(0, str(project))
    os.chdir(project)
    started = time.monotonic()
    try:
        code = pytest.main(
            ["-q", "-p", "no:cacheprovider", "--rootdir", str(project), "tests"],
            plugins=[outcomes],
        )
    finally:
        signal.alarm(0)
        os.chdir(previous)
        sys.path.remove(str(project))
        forget(project)
    counts: dict[str, int] = {}
    for test in outcomes.tests:
        counts[test["outcome"]] = counts.get(test["outcome"], 0) + 1
    failed = outcomes.errors or counts.get("failed") or int(code) not in (0, 5)
    missing = any(
        t["outcome"] == "skipped" and "is not installed" in t["why"]
        for t in outcomes.tests
    )
    if failed:
        verdict = "fail"
    elif missing:
        verdict = "deps"
    else:
        verdict = "xfail" if counts.get("xfailed") else "pass"
    return {
        "project": project.name,
        "verdict": verdict,
        "exit": int(code),
        "seconds": round(time.monotonic() - started, 1),
        "counts": counts,
        "collection_errors": outcomes.errors,
        "tests": outcomes.tests,
    }


def main() -> None:
    """Run every project given; print one line per project and the totals."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("projects", nargs="+", type=Path)
    parser.add_argument("--budget", type=float, default=None)
    parser.add_argument("--test-seconds", type=int, default=300)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--label", default="projects")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, timeout)
    started = time.monotonic()
    results, unreached = [], []
    for project in args.projects:
        spent = time.monotonic() - started
        if args.budget is not None and spent > args.budget:
            unreached.append(project.name)
            continue
        result = run_project(project.resolve(), args.test_seconds)
        results.append(result)
        print(
            f"ladder: {result['verdict']:5} {result['project']} "
            f"{json.dumps(result['counts'], sort_keys=True)} {result['seconds']}s",
            flush=True,
        )
        for test in result["tests"]:
            if test["outcome"] in ("failed", "xpassed"):
                print(f"    {test['outcome']}: {test['test']}\n{test['why']}")
        for error in result["collection_errors"]:
            print(f"    collection error: {error}")
    totals = {"pass": 0, "xfail": 0, "fail": 0, "deps": 0}
    for result in results:
        totals[result["verdict"]] += 1
    print(
        f"ladder {args.label}: {totals['pass']} pass, {totals['xfail']} xfail, "
        f"{totals['fail']} fail, {totals['deps']} skipped (a declared dependency is "
        f"not installed), {len(unreached)} not reached (budget)"
    )
    if args.json:
        summary = {"totals": totals, "unreached": unreached, "results": results}
        args.json.write_text(json.dumps(summary, indent=1))
    sys.exit(1 if totals["fail"] else 0)


if __name__ == "__main__":
    main()
