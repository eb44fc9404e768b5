"""No copy-paste in production code (issue 20): pylint's duplicate-code checker over every
service package and shared/houqin_shared (not tests, not migrations), ignoring imports,
signatures, docstrings and comments. A repeated run of code becomes one helper; what is left
are declarations that look alike on purpose, each listed in ALLOWED with its reason."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MIN_LINES = 6
OPTIONS = [
    "--disable=all",
    "--enable=duplicate-code",
    f"--min-similarity-lines={MIN_LINES}",
    "--ignore-imports=y",
    "--ignore-signatures=y",
    "--ignore-docstrings=y",
    "--ignore-comments=y",
    "--ignore=migrations",
    "--recursive=y",
    "--score=n",
]
Pair = tuple[str, str, str]  # the two modules (sorted), the first shared line

# Declarations that look alike on purpose, each with its reason: (module, module, first line).
ALLOWED: dict[Pair, str] = {
    ("console.api", "feedback.presenting", "id: uuid.UUID"): "pydantic fields: the console's"
    " model of feedback's report as it reads it (services share no code but contracts)",
    ("console.clients.work", "tickets.api", "id: uuid.UUID"): "pydantic fields: the console's"
    " model of tickets' ticket",
    ("console.clients.work", "tickets.api", "accept_due_at: datetime | None = None"): "pydantic"
    " fields: the console's model of tickets' ticket (its clocks)",
    ("console.labels", "notify.names", "}"): "tables of words (zh-CN, en) each service shows",
    ("scoring.handlers", "tickets.supervision_service", '"kind",'): "field names of the"
    " InspectionRecorded event, as its producer sends them and its consumer keeps them",
    ("scoring.compute", "scoring.repository.scores", '"composite",'): "names of score fields:"
    " those announced, and those stored",
    ("scoring.repository.scores", "scoring.repository.sql", '"overdue",'): "names of totals:"
    " the integer ones, and every column of unit_totals",
}


def packages() -> list[str]:
    services = [p / p.name for p in sorted((ROOT / "services").iterdir()) if (p / p.name).is_dir()]
    return [str(p.relative_to(ROOT)) for p in [*services, ROOT / "shared" / "houqin_shared"]]


def similar(paths: list[str], cwd: Path = ROOT) -> list[tuple[Pair, str]]:
    """Each pair pylint finds: (its key, the text it reports)."""
    run = subprocess.run(
        [sys.executable, "-m", "pylint", *OPTIONS, *paths],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode in (0, 8), run.stderr  # 8: refactoring messages were issued
    found = []
    for block in run.stdout.split("R0801: Similar lines in ")[1:]:
        places = re.findall(r"^==([\w.]+):\[(\d+):(\d+)\]$", block, re.MULTILINE)
        code = [ln for ln in block.splitlines()[1:] if ln and not ln.startswith("==")]
        first = code[0].strip() if code else ""
        modules = sorted({name for name, _, _ in places})
        text = ", ".join(f"{n}:{int(a) + 1}-{b}" for n, a, b in places)
        found.append(((modules[0], modules[-1], first), text))
    return found


def test_no_production_copy_paste() -> None:
    found = similar(packages())
    copies = [f"{text}  (key {key})" for key, text in found if key not in ALLOWED]
    assert copies == [], "copy-paste, make it one helper:\n" + "\n".join(copies)
    stale = set(ALLOWED) - {key for key, _ in found}
    assert stale == set(), f"no longer found, delete from ALLOWED: {sorted(stale)}"


def test_the_detector_finds_a_copy(tmp_path: Path) -> None:
    body = "\n".join(f"    total = total * {i} + len(values) - {i}" for i in range(MIN_LINES + 1))
    for name in ("one", "two"):
        package = tmp_path / name
        package.mkdir()
        (package / "__init__.py").write_text("")
        (package / "sums.py").write_text(
            f"def {name}(values: list[int]) -> int:\n    total = 0\n{body}\n    return total\n"
        )
    [(key, text)] = similar(["one", "two"], cwd=tmp_path)
    assert key[:2] == ("one.sums", "two.sums") and "one.sums:" in text
