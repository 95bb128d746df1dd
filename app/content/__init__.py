"""Procedure content: the `pasapas.procedure/1` format, its validation, and the catalog.

`model` holds the frozen values a procedure is made of, `kinds` describes each step kind once
(fields, texts, moves, sample), `validation` turns JSON files into
procedures or into a list of problems (file, JSON path, what is wrong), `catalog` imports them into
the encrypted store all or nothing and lists and searches them. `coverage` counts how much of
a procedure is translated into each supported language. The format is documented in
`docs/content-format.md`; its JSON Schema is `procedure.schema.json` beside this file.
"""

from pathlib import Path

BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"
SCHEMA_PATH = Path(__file__).resolve().parent / "procedure.schema.json"
FORMAT = "pasapas.procedure/1"


def builtin_files() -> list[Path]:
    """The procedures shipped with the kiosk, sorted by file name."""
    return sorted(BUILTIN_DIR.glob("*.json"))
