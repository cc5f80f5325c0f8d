"""The whole test suite, as `make test` runs it.

1. Static checks: ruff, mypy, Django's system checks, no missing migrations.
2. pytest on SQLite (the embedded default).
3. pytest on PostgreSQL, in a database created for the run. Without a reachable PostgreSQL the
   pass is skipped with a loud message; under CI (CI=true) that is a failure instead.

Each pass spreads its tests over one pytest-xdist worker per CPU (at most four; set
KEFU_TEST_WORKERS to choose, 1 for a single process). Arguments are passed on to pytest.

The last line totals both passes as "total: N passed, N failed, N skipped".
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "var" / "test-results"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
POSTGRES_URL = os.environ.get(
    "KEFU_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/kefu_suite"
)


def banner(text: str) -> None:
    print(f"\n{'=' * 20} {text} {'=' * 20}", flush=True)


def run(cmd: list[str], env: dict[str, str] | None = None) -> int:
    print("$", " ".join(cmd), flush=True)
    return subprocess.call(cmd, cwd=ROOT, env={**os.environ, **(env or {})})  # noqa: S603


def postgres_reachable() -> str | None:
    """None if PostgreSQL answers, else the reason it does not."""
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - psycopg is a dependency
        return str(exc)
    admin_url = POSTGRES_URL.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(admin_url, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


def counts(junit: Path) -> tuple[int, int, int]:
    if not junit.exists():
        return (0, 1, 0)
    root = ET.parse(junit).getroot()  # noqa: S314 - our own file
    suites = [root] if root.tag == "testsuite" else list(root)
    tests = sum(int(s.get("tests", 0)) for s in suites)
    failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    return (tests - failed - skipped, failed, skipped)


def workers() -> int:
    """pytest-xdist workers per pass: one per CPU the suite may use, at most four (each worker
    has its own test database and, for the browser tests, its own Chromium)."""
    configured = os.environ.get("KEFU_TEST_WORKERS", "").strip()
    if configured:
        return max(1, int(configured))
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cpus or 1, 4))


def pytest_pass(name: str, env: dict[str, str]) -> tuple[int, tuple[int, int, int]]:
    junit = RESULTS / f"{name}.xml"
    junit.unlink(missing_ok=True)
    # "--dist load" hands each worker the tests in collection order, so each worker still runs
    # pytest-django's order: the tests rolled back in a transaction first, the transactional
    # ones (which empty the database, migration data included) after them. "loadfile" and
    # "loadscope" reorder whole files and would not.
    count = workers()
    parallel = ["-n", str(count), "--dist", "load"] if count > 1 else []
    code = run([str(BIN / "pytest"), f"--junitxml={junit}", *parallel, *sys.argv[1:]], env)
    return code, counts(junit)


def main() -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []

    banner("static checks")
    checks = {
        "ruff": [str(BIN / "ruff"), "check", "."],
        "mypy": [str(BIN / "mypy"), "kefu", "config"],
        "django check": [str(BIN / "kefu"), "check", "--fail-level", "WARNING"],
        "migrations": [str(BIN / "kefu"), "makemigrations", "--check", "--dry-run"],
    }
    test_env = {"DJANGO_SETTINGS_MODULE": "config.settings_test"}
    for label, cmd in checks.items():
        if run(cmd, test_env) != 0:
            failures.append(label)

    banner("tests on SQLite")
    code, sqlite_counts = pytest_pass("sqlite", {"KEFU_DATABASE_URL": ""})
    if code != 0:
        failures.append("tests on SQLite")

    banner("tests on PostgreSQL")
    postgres_counts = (0, 0, 0)
    reason = postgres_reachable()
    if reason is None:
        code, postgres_counts = pytest_pass("postgres", {"KEFU_DATABASE_URL": POSTGRES_URL})
        if code != 0:
            failures.append("tests on PostgreSQL")
    elif IN_CI:
        print(f"PostgreSQL is not reachable under CI: {reason}")
        failures.append("PostgreSQL unreachable")
    else:
        print("*" * 72)
        print(f"PostgreSQL pass SKIPPED: no PostgreSQL at {POSTGRES_URL} ({reason}).")
        print("Set KEFU_TEST_POSTGRES_URL to a server where the user may create databases.")
        print("*" * 72)

    banner("summary")
    passed, failed, skipped = sqlite_counts
    print(f"SQLite:     {passed} passed, {failed} failed, {skipped} skipped")
    if reason is None:
        print(
            f"PostgreSQL: {postgres_counts[0]} passed, {postgres_counts[1]} failed, "
            f"{postgres_counts[2]} skipped"
        )
    else:
        print("PostgreSQL: SKIPPED (not reachable)")
    if failures:
        print("FAILED:", ", ".join(failures))
    total = [a + b for a, b in zip(sqlite_counts, postgres_counts, strict=True)]
    failed_total = total[1] + (len(failures) if total[1] == 0 and failures else 0)
    print(f"total: {total[0]} passed, {failed_total} failed, {total[2]} skipped")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
