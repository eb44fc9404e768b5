"""README.md keeps its promises: the configuration table is the code's, and there are exactly
two set-up commands."""

from __future__ import annotations

import re
from pathlib import Path

from houqin_shared.settings_doc import table

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def test_configuration_table_matches_the_settings() -> None:
    assert table() in README, (
        "run: uv run python -m houqin_shared.settings_doc, paste into README.md"
    )


def test_readme_gives_the_run_and_test_commands() -> None:
    block = re.search(r"## The two commands\n\n```sh\n(.*?)```", README, re.S)
    assert block is not None
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert commands == ["./houqin run", "./houqin test"]
    assert "./houqin test" in (ROOT / ".ci" / "run").read_text()


def events_table() -> str:
    """The README's events table, from the contracts and what each service's worker handles."""
    from feedback.__main__ import SPEC as FEEDBACK
    from houqin_shared.contracts import ALL_CONTRACTS
    from notify.__main__ import SPEC as NOTIFY
    from scoring.__main__ import SPEC as SCORING
    from tickets.__main__ import SPEC as TICKETS

    specs = (FEEDBACK, TICKETS, SCORING, NOTIFY)
    rows = ["| event (CloudEvents type) | topic | consumed by |", "|---|---|---|"]
    for c in ALL_CONTRACTS:
        readers = (
            ", ".join(s.name for s in specs if c in s.handlers) or "— (published for other systems)"
        )
        rows.append(f"| `{c.event_type}` | `{c.topic}` | {readers} |")
    return "\n".join(rows)


def test_events_table_matches_the_services() -> None:
    assert events_table() in README, "regenerate with tests/unit/test_docs.py::events_table()"
