"""Write docs/messages.md: every built-in message template rendered in zh-CN and en with
realistic data (notify.examples). `--check` fails when the file is out of date.

    uv run python deploy/local/messages_doc.py [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path

from notify.examples import document

DOC = Path(__file__).resolve().parents[2] / "docs" / "messages.md"


def main(argv: list[str]) -> int:
    text = document()
    if "--check" in argv:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC} is out of date: run deploy/local/messages_doc.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
