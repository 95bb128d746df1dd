"""Procedure files: every mistake is named with its file, its JSON path and a French message."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pasapas.app.content import SCHEMA_PATH, builtin_files
from pasapas.app.content.themes import THEME_IDS
from pasapas.app.content.validation import Problem, load_file, load_files
from tests.app.helpers import BUILTIN_IDS, builtin_data, write_json

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 29)


def _problems(tmp_path: Path, data: Any, *, today: dt.date = TODAY) -> tuple[str, list[Problem]]:
    path = write_json(tmp_path / "demarche.json", data)
    procedure, problems = load_file(path, today=today)
    assert procedure is None
    assert problems, "an invalid file must give at least one problem"
    for problem in problems:
        assert problem.file == str(path)
        assert problem.path.startswith("$")
        assert problem.message
        assert str(problem) == f"{path}: {problem.path}: {problem.message}"
    return str(path), problems


def _find(problems: list[Problem], path: str) -> Problem:
    matching = [p for p in problems if p.path == path]
    assert matching, f"no problem at {path}: {[str(p) for p in problems]}"
    return matching[0]


def test_every_builtin_procedure_file_is_valid():
    procedures, problems = load_files(builtin_files())
    assert [str(p) for p in problems] == []
    assert sorted(p.id for p in procedures) == BUILTIN_IDS
    assert len(procedures) == 10
    for path, procedure in zip(builtin_files(), procedures, strict=True):
        assert path.stem == procedure.id  # the id is also the file name


def test_schema_theme_list_is_exactly_the_themes_the_kiosk_shows():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert set(schema["properties"]["themes"]["items"]["enum"]) == set(THEME_IDS)


def test_example_in_the_format_documentation_is_valid(tmp_path: Path):
    text = (ROOT / "docs" / "content-format.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", text, flags=re.DOTALL)
    example = next(block for block in blocks if '"format"' in block)
    path = tmp_path / "example.json"
    path.write_text(example, encoding="utf-8")
    procedure, problems = load_file(path, today=TODAY)
    assert [str(p) for p in problems] == []
    assert procedure is not None and procedure.id == "example"


Mutation = Callable[[dict[str, Any]], None]


def _set(*keys_and_value: Any) -> Mutation:
    *keys, value = keys_and_value

    def mutate(data: dict[str, Any]) -> None:
        target = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return mutate


# medecin-traitant steps: 0 c-est-quoi, 1 attention-remboursement, 2 a-un-medecin (choice),
# 3 chercher, 4 accord, 5 comment (choice), 6 en-ligne, 7 fin-en-ligne, ...
CASES: list[tuple[str, Mutation, str, str]] = [
    ("missing-required", lambda d: d.pop("summary"), "$", "champ obligatoire manquant : summary"),
    ("unknown-field", _set("couleur", "rouge"), "$", "couleur"),
    ("unknown-step-field", _set("steps", 1, "couleur", "rouge"), "$.steps[1]", "couleur"),
    ("wrong-type", _set("version", "2"), "$.version", "doit être un nombre entier"),
    ("bad-theme", _set("themes", ["sport"]), "$.themes[0]", '"sport"'),
    ("next-on-choice", _set("steps", 2, "next", "accord"), "$.steps[2].next", "« next »"),
    ("dangling-next", _set("steps", 1, "next", "nulle-part"), "$.steps[1].next", "nulle-part"),
    (
        "dangling-choice-next",
        _set("steps", 2, "choices", 1, "next", "nulle-part"),
        "$.steps[2].choices[1].next",
        "« nulle-part » n'existe pas",
    ),
    ("bad-start", _set("start", "nulle-part"), "$.start", "« nulle-part » n'existe pas"),
    ("duplicate-step-id", _set("steps", 3, "id", "accord"), "$.steps[4].id", "déjà utilisé"),
    ("cycle", _set("steps", 6, "next", "accord"), "$.steps[6]", "boucle"),
    (
        "unreachable-step",
        _set("steps", 2, "choices", 1, "next", "accord"),
        "$.steps[3]",
        "« chercher » ne peut jamais être atteinte",
    ),
    (
        "checked-in-the-future",
        _set("sources", 0, "checked", "2026-11-30"),
        "$.sources[0].checked",
        "futur",
    ),
    (
        "impossible-date",
        _set("sources", 1, "checked", "2026-02-30"),
        "$.sources[1].checked",
        "date",
    ),
    (
        "not-https",
        _set("sources", 0, "url", "http://www.ameli.fr/"),
        "$.sources[0].url",
        "http://www.ameli.fr/",
    ),
    ("step-without-french", _set("steps", 0, "title", {"en": "Hello"}), "$.steps[0].title", "fr"),
]


@pytest.mark.parametrize(
    ("mutate", "path", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_mistake_is_named_with_file_json_path_and_message(
    tmp_path: Path, mutate: Mutation, path: str, words: str
):
    data = builtin_data("medecin-traitant")
    mutate(data)
    _, problems = _problems(tmp_path, data)
    assert words in _find(problems, path).message


@pytest.mark.parametrize(("where", "path"), [("top", "$"), ("step", "$.steps[1]")])
def test_unknown_field_message_is_french_with_no_english_from_the_schema_library(
    tmp_path: Path, where: str, path: str
):
    data = builtin_data("medecin-traitant")
    target = data if where == "top" else data["steps"][1]
    target["couleur"] = "rouge"
    _, problems = _problems(tmp_path, data)
    problem = _find(problems, path)
    assert "champ inconnu" in problem.message
    assert "couleur" in problem.message
    assert "not allowed" not in problem.message
    assert "unexpected" not in problem.message


def test_invalid_json_gives_line_and_column(tmp_path: Path):
    path = tmp_path / "casse.json"
    path.write_text('{\n  "format": "pasapas.procedure/1",\n  "id": \n}\n', encoding="utf-8")
    procedure, problems = load_file(path)
    assert procedure is None
    assert len(problems) == 1
    assert problems[0].file == str(path)
    assert problems[0].path == "$"
    assert "JSON invalide" in problems[0].message
    assert "ligne 4" in problems[0].message and "colonne 1" in problems[0].message


def test_file_not_in_utf8_is_refused_with_a_message(tmp_path: Path):
    path = tmp_path / "latin1.json"
    text = json.dumps(builtin_data("carte-vitale"), ensure_ascii=False)
    path.write_bytes(text.encode("latin-1", errors="replace"))
    procedure, problems = load_file(path)
    assert procedure is None
    assert [(p.file, p.path) for p in problems] == [(str(path), "$")]
    assert "UTF-8" in problems[0].message


def test_missing_file_is_reported_not_raised(tmp_path: Path):
    path = tmp_path / "absent.json"
    procedure, problems = load_file(path)
    assert procedure is None
    assert [(p.file, p.path) for p in problems] == [(str(path), "$")]
    assert "illisible" in problems[0].message


def test_two_files_with_the_same_id_are_refused(tmp_path: Path):
    first = write_json(tmp_path / "un.json", builtin_data("carte-vitale"))
    other = builtin_data("carte-vitale")
    other["title"] = {"fr": "Une autre carte Vitale"}
    second = write_json(tmp_path / "deux.json", other)
    _, problems = load_files([first, second], today=TODAY)
    assert len(problems) == 1
    assert problems[0].file == str(second)
    assert problems[0].path == "$.id"
    assert "carte-vitale" in problems[0].message and str(first) in problems[0].message


def test_all_problems_of_a_file_are_listed_not_only_the_first(tmp_path: Path):
    data = builtin_data("medecin-traitant")
    data["version"] = 0
    data["themes"] = ["sport"]
    data["sources"][0]["url"] = "ftp://exemple.fr"
    _, problems = _problems(tmp_path, data)
    assert {p.path for p in problems} >= {"$.version", "$.themes[0]", "$.sources[0].url"}
