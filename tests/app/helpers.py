"""Small helpers shared by the core tests (no fixtures here: see each test module)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from pasapas.app.content import BUILTIN_DIR, builtin_files
from pasapas.app.content.model import Procedure
from pasapas.app.content.validation import parse_document
from tests.conftest import PASSPHRASE

__all__ = [
    "BUILTIN_IDS",
    "PASSPHRASE",
    "builtin_data",
    "folder_snapshot",
    "procedure_from",
    "write_json",
]

BUILTIN_IDS = sorted(path.stem for path in builtin_files())


def builtin_data(procedure_id: str) -> dict[str, Any]:
    """A fresh, mutable copy of a built-in procedure document."""
    data = json.loads((BUILTIN_DIR / f"{procedure_id}.json").read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def procedure_from(data: dict[str, Any], name: str = "test.json") -> Procedure:
    procedure, problems = parse_document(data, name)
    assert problems == [], [str(p) for p in problems]
    assert procedure is not None
    return procedure


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def folder_snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative name -> bytes), to prove nothing changed."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(Path(folder).rglob("*"))
        if path.is_file()
    }
