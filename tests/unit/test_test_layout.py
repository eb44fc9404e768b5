"""Every test module has a basename of its own: pytest imports test modules by basename (the
test folders are not packages), so a unit and an integration test of one name stop the whole
collection with "import file mismatch" (it happened twice on 2026-12-04)."""

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_test_module_names_are_unique() -> None:
    names = Counter(p.name for p in TESTS.rglob("*.py") if p.name != "__init__.py")
    twice = {name: n for name, n in names.items() if n > 1 and name != "conftest.py"}
    assert twice == {}, f"rename one of each: {twice}"
