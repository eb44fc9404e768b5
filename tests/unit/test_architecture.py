"""Services meet only through Kafka and HTTP: no service imports another, and shared/ imports
no service."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("feedback", "tickets", "scoring", "notify", "console")


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def violations(package_dir: Path, forbidden: set[str]) -> list[str]:
    return [
        f"{py} imports {sorted(imported_roots(py) & forbidden)}"
        for py in sorted(package_dir.rglob("*.py"))
        if imported_roots(py) & forbidden
    ]


def test_no_service_imports_another() -> None:
    found = []
    for service in SERVICES:
        others = set(SERVICES) - {service}
        found += violations(ROOT / "services" / service / service, others)
    assert found == []


def test_shared_imports_no_service() -> None:
    assert violations(ROOT / "shared" / "houqin_shared", set(SERVICES)) == []


def test_the_check_catches_a_cross_import(tmp_path: Path) -> None:
    bad = tmp_path / "tickets"
    bad.mkdir()
    (bad / "leak.py").write_text("from feedback.repository import get_report\nimport scoring.api\n")
    assert imported_roots(bad / "leak.py") >= {"feedback", "scoring"}
    assert violations(bad, {"feedback", "scoring"}) != []


def test_only_repositories_hold_sql() -> None:
    """SQL statements live in repository modules (and shared plumbing), not in APIs or handlers."""
    keywords = ("SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM")
    offenders = []
    for service in SERVICES:
        for py in (ROOT / "services" / service / service).glob("*.py"):
            if py.name == "repository.py":
                continue
            text = py.read_text()
            if any(f'"{k}' in text or f"'{k}" in text for k in keywords):
                offenders.append(str(py.relative_to(ROOT)))
    assert offenders == []


def test_console_has_no_database_or_kafka() -> None:
    """The console calls the services' HTTP APIs only: no database, no Kafka, no service code."""
    found = violations(
        ROOT / "services" / "console" / "console", {"asyncpg", "aiokafka", "psycopg"}
    )
    assert found == []
