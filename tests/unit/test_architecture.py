"""The shape every service keeps (ARCHITECTURE.md):

- services meet only through Kafka and HTTP: no service imports another, and shared/ imports no
  service;
- rule modules are pure: neither they nor anything they import from the project reaches a web
  framework, a database driver, a Kafka client or an HTTP client;
- route modules (`api.py`, `api_*.py`) never import one another; `__main__.create_app` assembles
  their routers;
- SQL lives only in repositories (a `repository` package or module);
- the console has no database and no Kafka.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("feedback", "tickets", "scoring", "notify", "console")

# --- imports ----------------------------------------------------------------------------------


def imported_names(path: Path) -> set[str]:
    """Every absolute module a file imports, and `module.name` for `from module import name`
    (the name may be a submodule)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def imported_roots(path: Path) -> set[str]:
    return {name.split(".")[0] for name in imported_names(path)}


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


def test_console_has_no_database_or_kafka() -> None:
    """The console calls the services' HTTP APIs only: no database, no Kafka, no service code."""
    found = violations(
        ROOT / "services" / "console" / "console", {"asyncpg", "aiokafka", "psycopg"}
    )
    assert found == []


# --- pure rule modules ------------------------------------------------------------------------

IMPURE = {
    "fastapi": "web",
    "starlette": "web",
    "asyncpg": "database",
    "psycopg": "database",
    "aiokafka": "Kafka",
    "httpx": "HTTP client",
}

# The rule modules of each service: plain functions and dataclasses (or pydantic models) without
# I/O. Routes (api*), use cases (*_service, intake, handlers, periodic work), repositories and
# adapters (senders, outbound, name sources) are the other layers and may do I/O.
RULE_MODULES = {
    "feedback": ["domain*.py", "images.py", "rows.py"],
    "tickets": [
        "domain.py",
        "rows.py",
        "access.py",
        "lifecycle.py",
        "sla.py",
        "routing.py",
        "tracks.py",
        "escalation.py",
        "pauses.py",
        "places.py",
        "recurring.py",
        "work.py",
        "official_calendar.py",
        "calendar_doc.py",
        "directory_sheet.py",
        "directory_sheet_out.py",
        "directory_sheet_words.py",
    ],
    "scoring": ["domain*.py", "award_*.py", "charts.py", "rendering.py", "reports.py"],
    "notify": [
        "domain.py",
        "rows.py",
        "planning.py",
        "templates.py",
        "template_sandbox.py",
        "names.py",
        "links.py",
        "examples.py",
        "samples.py",
        "redact.py",
        "signing.py",
    ],
}

# Project modules the purity check does not follow, each with the reason.
NOT_FOLLOWED: dict[str, str] = {}

# Known impure rule modules, each with the reason. Delete a line when its reason is gone.
IMPURE_RULE_MODULES: dict[str, str] = {}


def module_file(module: str) -> Path | None:
    """The project file of a dotted module name, or None (third-party, or a name in a module)."""
    parts = module.split(".")
    if parts[0] == "houqin_shared":
        base = ROOT / "shared"
    elif parts[0] in SERVICES:
        base = ROOT / "services" / parts[0]
    else:
        return None
    path = base.joinpath(*parts)
    if (path / "__init__.py").is_file():
        return path / "__init__.py"
    return path.with_suffix(".py") if path.with_suffix(".py").is_file() else None


def impure_reach(path: Path) -> dict[str, list[str]]:
    """Each impure package `path` reaches, with the chain of project modules leading to it."""
    found: dict[str, list[str]] = {}
    seen: set[Path] = set()
    stack: list[tuple[Path, list[str]]] = [(path, [])]
    while stack:
        current, chain = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        for name in sorted(imported_names(current)):
            root = name.split(".")[0]
            if root in IMPURE:
                found.setdefault(root, [*chain, name])
            if any(name == m or name.startswith(m + ".") for m in NOT_FOLLOWED):
                continue
            target = module_file(name)
            if target is not None and target not in seen:
                stack.append((target, [*chain, name]))
    return found


def rule_modules() -> Iterable[tuple[str, Path]]:
    for service, patterns in RULE_MODULES.items():
        package = ROOT / "services" / service / service
        for pattern in patterns:
            matches = sorted(package.glob(pattern))
            assert matches, f"{service}: no rule module matches {pattern}"
            for py in matches:
                yield f"{service}/{py.name}", py


def test_rule_modules_do_no_io() -> None:
    """No web framework, database driver, Kafka or HTTP client in a rule module, directly or
    through the project modules it imports."""
    offenders = []
    for name, py in rule_modules():
        if name in IMPURE_RULE_MODULES:
            continue
        for package, chain in sorted(impure_reach(py).items()):
            offenders.append(
                f"{name} reaches {package} ({IMPURE[package]}) via {' -> '.join(chain)}"
            )
    assert offenders == [], "\n".join(offenders)


def test_the_known_impure_rule_modules_still_are() -> None:
    """An exception whose reason is gone must be deleted."""
    names = dict(rule_modules())
    for name in IMPURE_RULE_MODULES:
        assert impure_reach(names[name]), f"{name} is pure now: delete it from IMPURE_RULE_MODULES"


def test_the_purity_check_follows_imports(tmp_path: Path) -> None:
    rule = ROOT / "services" / "tickets" / "tickets" / "lifecycle.py"
    assert impure_reach(rule) == {}
    leaky = tmp_path / "leaky.py"
    leaky.write_text("from houqin_shared.identity import Principal\n")
    reach = impure_reach(leaky)
    assert {"fastapi", "httpx"} <= set(reach)
    assert reach["httpx"][0] == "houqin_shared.identity"


# --- routes -----------------------------------------------------------------------------------


def is_route_module(py: Path) -> bool:
    return py.name == "api.py" or py.name.startswith("api_")


def route_imports(service: str, py: Path) -> set[str]:
    """The route modules of `service` that `py` imports."""
    found = set()
    for name in imported_names(py):
        parts = name.split(".")
        if parts[0] == service and len(parts) >= 2 and is_route_module(Path(parts[1] + ".py")):
            found.add(parts[1])
    return found - {py.stem}


def test_no_route_module_imports_another() -> None:
    """Routes share code through use cases, rules and deps, never through another route module;
    `__main__.create_app` assembles the routers. No service is excepted."""
    offenders = []
    for service in SERVICES:
        for py in sorted((ROOT / "services" / service / service).glob("*.py")):
            if not is_route_module(py):
                continue
            imports = route_imports(service, py)
            if imports:
                offenders.append(f"{service}/{py.name} imports {sorted(imports)}")
    assert offenders == [], "\n".join(offenders)


def test_the_route_check_catches_an_import(tmp_path: Path) -> None:
    route = tmp_path / "api_votes.py"
    route.write_text("from feedback import api_photos, domain\nfrom feedback.api import router\n")
    assert route_imports("feedback", route) == {"api_photos", "api"}


# --- SQL --------------------------------------------------------------------------------------

SQL = re.compile(
    r"^\s*(SELECT\s|INSERT\s+INTO\s|UPDATE\s+[\w.]+\s+SET\s|DELETE\s+FROM\s|WITH\s+\w+\s+AS\s*\()"
)


def sql_strings(py: Path) -> list[int]:
    """The lines of the string literals (f-strings too) in `py` that start an SQL statement,
    after any leading white space or newline."""
    lines = []
    for node in ast.walk(ast.parse(py.read_text(), filename=str(py))):
        text = None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                text = first.value
        if text is not None and SQL.match(text):
            lines.append(node.lineno)
    return sorted(set(lines))  # an f-string's first part is also a Constant node


def in_repository(py: Path, package: Path) -> bool:
    parts = py.relative_to(package).parts
    return "repository" in parts[:-1] or py.stem == "repository"


def test_only_repositories_hold_sql() -> None:
    """SQL statements live in repository modules (and shared plumbing), not in routes, use cases,
    handlers or rules, at any depth of the package."""
    offenders = []
    for service in SERVICES:
        package = ROOT / "services" / service / service
        for py in sorted(package.rglob("*.py")):
            if not in_repository(py, package):
                offenders += [f"{py.relative_to(ROOT)}:{line}" for line in sql_strings(py)]
    assert offenders == []


def test_the_sql_check_sees_packages_and_triple_quotes(tmp_path: Path) -> None:
    package = tmp_path / "feedback"
    (package / "pages").mkdir(parents=True)
    hidden = package / "pages" / "list.py"
    hidden.write_text(
        'Q = """\n    SELECT id\n      FROM reports"""\nW = f"""\nUPDATE t SET a = {1}"""\n'
    )
    assert sql_strings(hidden) == [1, 4]
    assert not in_repository(hidden, package)
    assert in_repository(package / "repository" / "reports.py", package)
    prose = package / "prose.py"
    prose.write_text('"""Select the reports, update their state."""\nX = "SELECTED"\n')
    assert sql_strings(prose) == []
