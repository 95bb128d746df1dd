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
    assert len(procedures) == len(BUILTIN_IDS) >= 11
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


def _quiz_document(answers: list[dict[str, Any]]) -> dict[str, Any]:
    from pasapas.app.content.kinds import sample_procedure
    from pasapas.app.content.model import StepKind

    data = sample_procedure(
        StepKind.QUIZ, lambda field: {"fr": f"Texte de {field}"}, checked=TODAY.isoformat()
    )
    data["steps"][0]["answers"] = answers
    return data


def test_a_practice_question_without_a_right_answer_is_refused_and_says_so(tmp_path: Path):
    wrong = {"label": {"fr": "Non"}, "correct": False}
    _, problems = _problems(tmp_path, _quiz_document([wrong, wrong]))
    problem = _find(problems, "$.steps[0].answers")
    assert problem.message == "il faut au moins une bonne réponse (« correct » : true)"


def test_a_practice_answer_says_whether_it_is_right_with_true_or_false(tmp_path: Path):
    right = {"label": {"fr": "Oui"}, "correct": True}
    vague = {"label": {"fr": "Peut-être"}, "correct": "oui"}
    _, problems = _problems(tmp_path, _quiz_document([right, vague]))
    assert _find(problems, "$.steps[0].answers[1].correct").message == "doit être true ou false"
    _, problems = _problems(tmp_path, _quiz_document([right]))
    assert _find(problems, "$.steps[0].answers").message == "il faut au moins 2 éléments"
    _, problems = _problems(tmp_path, _quiz_document([right] * 7))
    assert _find(problems, "$.steps[0].answers").message == "il faut au plus 6 éléments"


def _form_document() -> dict[str, Any]:
    from pasapas.app.content.kinds import sample_procedure
    from pasapas.app.content.model import StepKind

    return sample_procedure(
        StepKind.PRACTICE_FORM, lambda field: {"fr": f"Texte de {field}"}, checked=TODAY.isoformat()
    )


def test_a_practice_card_holding_real_looking_data_is_refused_without_repeating_it(
    tmp_path: Path,
):
    data = _form_document()
    base = "1850578006084"
    real = f"{base}{97 - int(base) % 97:02d}"
    data["steps"][0]["card"][0]["value"] = real
    data["steps"][0]["card"][1]["value"] = "camille.martin@gmail.com"
    _, problems = _problems(tmp_path, data)
    for j in (0, 1):
        problem = _find(problems, f"$.steps[0].card[{j}].value")
        assert "vraie donnée personnelle" in problem.message
        assert base not in str(problem) and "gmail" not in str(problem)


def test_a_practice_forms_rules_must_name_what_exists(tmp_path: Path):
    data = _form_document()
    step = data["steps"][0]
    step["card"].append(dict(step["card"][0]))  # the same line twice
    text = {"fr": "Texte"}
    step["form"].append(
        {
            "name": "code",
            "label": text,
            "kind": "password",  # no card line, no confirmed field: nobody could fill it in
            "rules": [
                {"check": "same_as", "field": "nothing", "message": text},
                {"check": "card", "message": text},
                {"check": "pattern", "pattern": "([0-9]", "message": text},
            ],
        }
    )
    _, problems = _problems(tmp_path, data)
    assert "déjà une ligne" in _find(problems, "$.steps[0].card[2].name").message
    assert "mot de passe d'exercice" in _find(problems, "$.steps[0].form[2]").message
    assert "aucun autre champ" in _find(problems, "$.steps[0].form[2].rules[0].field").message
    assert "pas de ligne" in _find(problems, "$.steps[0].form[2].rules[1]").message
    assert _find(problems, "$.steps[0].form[2].rules[2].pattern").message == (
        "expression régulière impossible"
    )
