"""Every module of every service has its layer, and ARCHITECTURE.md shows them side by side
(deploy/local/module_map.py)."""

from __future__ import annotations

import re
from pathlib import Path

import module_map

ROOT = Path(__file__).resolve().parents[2]
MARKED = re.compile(r"<!-- module-map -->\n(.*?)<!-- /module-map -->", re.S)


def test_every_module_has_its_layer() -> None:
    assert module_map.problems() == []


def test_architecture_md_shows_the_current_table() -> None:
    found = MARKED.search((ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8"))
    assert found, "ARCHITECTURE.md lost its <!-- module-map --> block"
    assert found.group(1) == module_map.markdown(), (
        "out of step: uv run python deploy/local/module_map.py, and paste it between the markers"
    )


def test_rule_modules_are_the_ones_the_purity_check_reads() -> None:
    """The map's rule layer is the set test_architecture keeps free of I/O."""
    from unit.test_architecture import rule_modules

    checked = {name for name, _ in rule_modules()}
    mapped = {
        f"{service}/{module}"
        for service in module_map.SERVICES
        for module in module_map.modules(service)
        if module_map.layer_of(service, module) == "rules (no I/O)"
    }
    assert mapped == checked


def test_a_new_module_without_a_layer_is_found(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    package = tmp_path / "services" / "feedback" / "feedback"
    package.mkdir(parents=True)
    (package / "api_new.py").write_text("")
    (package / "helpers.py").write_text("")
    monkeypatch.setattr(module_map, "ROOT", tmp_path)
    assert module_map.modules("feedback") == ["api_new.py", "helpers.py"]
    assert module_map.layer_of("feedback", "api_new.py") == "routes"
    assert module_map.layer_of("feedback", "helpers.py") is None
