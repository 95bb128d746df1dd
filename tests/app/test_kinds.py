"""Step kinds are described once: the schema, the validator, the guide, coverage and search all
follow `STEP_KINDS`, and the documentation lists the same kinds."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from pasapas.app.content import SCHEMA_PATH, builtin_files
from pasapas.app.content.coverage import texts
from pasapas.app.content.kinds import (
    COMMON_OPTIONAL,
    COMMON_REQUIRED,
    STEP_FIELDS,
    STEP_KINDS,
    StepKindSpec,
    sample_procedure,
    step_schema,
)
from pasapas.app.content.model import StepKind
from pasapas.app.content.validation import (
    json_path,
    load_files,
    parse_document,
    procedure_schema,
)
from pasapas.app.guide import Walk, route_to

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 29)
PROCEDURES = load_files(builtin_files())[0]


def _text(field: str) -> dict[str, str]:
    return {"fr": f"Texte pour {field}", "en": f"Text for {field}"}


def _sample(kind: StepKind) -> dict:
    return sample_procedure(kind, _text, checked=TODAY.isoformat())


def _problems(data: dict) -> list[tuple[str, str]]:
    procedure, problems = parse_document(data, "sample.json", today=TODAY)
    assert (procedure is None) == bool(problems)
    return [(p.path, p.message) for p in problems]


def test_every_kind_has_one_spec_and_every_spec_a_kind():
    assert list(STEP_KINDS) == list(StepKind)
    assert all(spec.kind is kind for kind, spec in STEP_KINDS.items())


def test_the_step_schema_is_made_from_the_specs_and_the_file_holds_no_kind():
    assert procedure_schema()["$defs"]["step"] == step_schema()
    on_disk = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert set(on_disk["$defs"]["step"]) == {"$comment"}  # a note, nothing to keep in step
    schema = step_schema()
    assert schema["properties"]["kind"] == {"enum": [kind.value for kind in STEP_KINDS]}
    assert set(schema["properties"]) == set(STEP_FIELDS)
    assert schema["required"] == list(COMMON_REQUIRED)


@pytest.mark.parametrize("kind", list(STEP_KINDS))
def test_a_sample_of_each_kind_is_valid_and_walks_to_its_end(kind: StepKind):
    data = _sample(kind)
    assert _problems(data) == []
    procedure, _ = parse_document(data, "sample.json", today=TODAY)
    walk = Walk(procedure)
    assert walk.current.kind is kind
    assert walk.at_end is STEP_KINDS[kind].final
    while not walk.at_end:
        spec = STEP_KINDS[walk.current.kind]
        walk.next() if spec.next_move(walk.current) else walk.choose(0)
    assert walk.finish().finished


@pytest.mark.parametrize("kind", list(STEP_KINDS))
def test_the_schema_requires_and_forbids_exactly_the_fields_the_spec_says(kind: StepKind):
    spec = STEP_KINDS[kind]
    assert set(spec.fields) | set(spec.forbidden) == set(STEP_FIELDS)
    assert not set(spec.fields) & set(spec.forbidden)
    for field in spec.required_fields:
        if field == "kind":
            continue
        data = _sample(kind)
        data["steps"][0].pop(field)
        found = _problems(data)
        assert ("$.steps[0]", f"champ obligatoire manquant : {field}") in found, found
    for field in (*COMMON_OPTIONAL, *spec.optional):
        data = _sample(kind)
        data["steps"][0].pop(field, None)
        assert _problems(data) == []
    borrowed = {
        name: value
        for sample in map(_sample, STEP_KINDS)
        for name, value in sample["steps"][0].items()
    }
    for field in spec.forbidden:
        data = _sample(kind)
        data["steps"][0][field] = copy.deepcopy(borrowed[field])
        found = _problems(data)
        message = f"le champ « {field} » n'est pas permis dans une étape « {kind.value} »"
        assert (f"$.steps[0].{field}", message) in found, found


def test_a_kind_that_does_not_exist_is_refused_with_the_kinds_that_do():
    data = _sample(StepKind.INFO)
    data["steps"][0]["kind"] = "video"
    ((_path, message),) = [p for p in _problems(data) if p[0] == "$.steps[0].kind"]
    assert message.startswith('valeur non permise : "video"')
    assert all(f'"{kind.value}"' in message for kind in STEP_KINDS)


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p.id)
def test_texts_moves_and_search_of_every_built_in_step_follow_its_kind(procedure):
    paths = [path for path, _text in texts(procedure)]
    data = json.loads(procedure.document)
    for i, step in enumerate(procedure.steps):
        spec = STEP_KINDS[step.kind]
        raw = data["steps"][i]
        assert set(raw) <= set(spec.fields)
        assert set(spec.required_fields) <= set(raw)
        for found in spec.texts(step):
            path = json_path(["steps", i, *found.path])
            assert path in paths
        moves = spec.moves(step)
        assert bool(moves) is not spec.final
        assert step.successors() == tuple(move.target for move in moves)
        assert [move.answer for move in spec.answers(step)] == list(range(len(step.choices)))
        searched = [
            t.text.get("fr")
            for t in spec.texts(step)
            if spec.searched is None or t.path[0] in spec.searched
        ]
        assert spec.search_texts(step, "fr") == searched
        if step.kind is StepKind.QUIZ:  # a mock scam message's words never find the exercise
            assert step.text.get("fr") not in searched
        for move in moves:  # each move names where its target is written
            value = raw
            for part in move.path:
                value = value[part]
            assert value == move.target
        route = route_to(procedure, step.id)
        assert len(route) < len(procedure.steps)


def test_a_spec_whose_way_on_is_optional_or_whose_field_is_unknown_is_refused():
    with pytest.raises(ValueError, match="must be required"):
        StepKindSpec(StepKind.INFO, optional=("next",))
    with pytest.raises(ValueError, match="unknown"):
        StepKindSpec(StepKind.INFO, required=("video",))
    with pytest.raises(ValueError, match="twice"):
        StepKindSpec(StepKind.INFO, required=("next", "next"))


def test_the_format_documentation_lists_exactly_the_kinds_and_their_fields():
    text = (ROOT / "docs" / "content-format.md").read_text(encoding="utf-8")
    steps = text.split("\n## Steps\n", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| ([^|]*) \|", steps, flags=re.MULTILINE))
    assert set(rows) == {kind.value for kind in STEP_KINDS}
    for kind, spec in STEP_KINDS.items():
        named = set(re.findall(r"`([a-z]+)`", rows[kind.value]))
        assert named == set(spec.required) | set(spec.optional), kind
