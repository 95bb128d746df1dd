"""Turn procedure files into procedures, or into the list of everything wrong with them.

Two passes: the JSON Schema (shape and types), then the walk rules the schema cannot express
(dangling references, duplicate ids, cycles, unreachable steps, dates). Every problem names the
file, the JSON path and what is wrong, in the interface language.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastjsonschema

from pasapas.app.content import SCHEMA_PATH
from pasapas.app.content.kinds import STEP_KINDS, step_schema
from pasapas.app.content.model import Procedure, Step, StepKind
from pasapas.app.i18n import _, ngettext


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}"


@functools.cache
def _schema() -> dict[str, Any]:
    return procedure_schema()


def procedure_schema() -> dict[str, Any]:
    """The whole JSON Schema of a procedure: `procedure.schema.json`, whose `$defs.step` is made
    from the step kinds (`kinds.step_schema`), so a kind is described in one place."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    schema["$defs"]["step"] = step_schema()
    return schema


@functools.cache
def _fast_check() -> Any:
    """The schema compiled to Python by fastjsonschema: about 20x faster on valid documents."""
    return fastjsonschema.compile(_schema())


@functools.cache
def _validator() -> Any:
    """jsonschema's validator, which lists every error with its path (used on invalid documents)."""
    import jsonschema  # slow to import; only needed once a document is known to be invalid

    return jsonschema.Draft202012Validator(_schema())


def json_path(parts: Iterable[Any]) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _schema_message(error: Any) -> str:
    kind = error.validator
    value = error.instance
    if kind == "required":
        missing = [name for name in error.validator_value if name not in (value or {})]
        return ngettext(
            "champ obligatoire manquant : {names}",
            "champs obligatoires manquants : {names}",
            len(missing),
        ).format(names=", ".join(missing))
    if kind in ("additionalProperties", "unevaluatedProperties"):
        known = set(error.schema.get("properties", {}))
        extra = sorted(k for k in (value or {}) if k not in known)
        return ngettext("champ inconnu : {names}", "champs inconnus : {names}", len(extra)).format(
            names=", ".join(f"« {name} »" for name in extra)
        )
    if kind == "type":
        expected = error.validator_value
        names = {
            "object": _("un objet"),
            "array": _("une liste"),
            "string": _("un texte"),
            "integer": _("un nombre entier"),
        }
        return _("doit être {expected}").format(expected=names.get(expected, expected))
    if kind in ("enum", "const"):
        allowed = error.validator_value if kind == "enum" else [error.validator_value]
        return _("valeur non permise : {value} (permis : {allowed})").format(
            value=json.dumps(value, ensure_ascii=False),
            allowed=", ".join(json.dumps(a, ensure_ascii=False) for a in allowed),
        )
    if kind == "pattern":
        return _("format incorrect : {value}").format(value=json.dumps(value, ensure_ascii=False))
    if kind == "minItems":
        count = int(error.validator_value)
        return ngettext(
            "il faut au moins {n} élément", "il faut au moins {n} éléments", count
        ).format(n=count)
    if kind == "minLength":
        return _("le texte ne peut pas être vide")
    if kind in ("minimum", "maximum"):
        return _("valeur hors limites : {value}").format(value=value)
    if kind == "uniqueItems":
        return _("la liste contient un doublon")
    return error.message


def _forbidden_fields(kind: Any) -> tuple[str, ...]:
    """The fields a step of `kind` may not have (none known for a kind that does not exist)."""
    try:
        return STEP_KINDS[StepKind(kind)].forbidden
    except (ValueError, KeyError):
        return ()


def _instance_at(data: Any, path: list[Any]) -> Any:
    for part in path:
        data = data[part]
    return data


def _schema_problems(file: str, data: Any) -> list[Problem]:
    try:
        _fast_check()(data)
    except fastjsonschema.JsonSchemaException as fast_error:
        problems = _detailed_problems(file, data)
        # Both implement the same schema; should they ever disagree, the document is still refused.
        return problems or [Problem(file, "$", str(fast_error.message))]
    return []


def _detailed_problems(file: str, data: Any) -> list[Problem]:
    problems = []
    for error in _validator().iter_errors(data):
        # `if/then` failures repeat their sub-errors; keep the precise ones only.
        if error.validator in ("allOf", "if", "then"):
            continue
        path = list(error.absolute_path)
        if error.validator is None:
            # jsonschema reports a `false` property schema at the parent object, without the
            # property's name: name the fields this kind of step may not have.
            step = _instance_at(data, path)
            kind = step.get("kind") if isinstance(step, dict) else None
            for field in _forbidden_fields(kind):
                if field in step:
                    problems.append(
                        Problem(
                            file,
                            json_path([*path, field]),
                            _(
                                "le champ « {field} » n'est pas permis dans une étape « {kind} »"
                            ).format(field=field, kind=kind),
                        )
                    )
            continue
        problems.append(Problem(file, json_path(path), _schema_message(error)))
    return sorted(set(problems), key=lambda p: (p.path, p.message))


def _walk_problems(file: str, data: dict[str, Any], today: dt.date) -> list[Problem]:
    problems: list[Problem] = []
    steps = data["steps"]
    index: dict[str, int] = {}
    for i, step in enumerate(steps):
        if step["id"] in index:
            problems.append(
                Problem(
                    file,
                    f"$.steps[{i}].id",
                    _("l'identifiant « {id} » est déjà utilisé par une autre étape").format(
                        id=step["id"]
                    ),
                )
            )
        else:
            index[step["id"]] = i

    # Where each step leads, as its kind says (Next, or one way per answer).
    edges: dict[str, list[str]] = {}
    for i, raw in enumerate(steps):
        step = Step.from_json(raw)
        edges.setdefault(step.id, [])
        for move in STEP_KINDS[step.kind].moves(step):
            if move.target not in index:
                problems.append(
                    Problem(
                        file,
                        json_path(["steps", i, *move.path]),
                        _("l'étape « {id} » n'existe pas").format(id=move.target),
                    )
                )
            else:
                edges[step.id].append(move.target)

    start = data["start"]
    if start not in index:
        problems.append(
            Problem(file, "$.start", _("l'étape « {id} » n'existe pas").format(id=start))
        )
        return problems

    # Depth-first walk from the start, with a stack of its own rather than recursion (a procedure
    # may have thousands of steps): finds cycles (an edge back to a step on the current path)
    # and, by difference, the steps that can never be reached.
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    stack: list[tuple[str, Iterable[str]]] = [(start, iter(edges[start]))]
    state[start] = 1
    while stack:
        node, children = stack[-1]
        for child in children:
            if state.get(child) == 1:
                i = index[node]
                problems.append(
                    Problem(
                        file,
                        f"$.steps[{i}]",
                        _("boucle : l'étape « {a} » ramène à l'étape « {b} » déjà passée").format(
                            a=node, b=child
                        ),
                    )
                )
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(edges[child])))
                break
        else:
            state[node] = 2
            stack.pop()
    for step_id, i in index.items():
        if step_id not in state:
            problems.append(
                Problem(
                    file,
                    f"$.steps[{i}]",
                    _("l'étape « {id} » ne peut jamais être atteinte depuis le début").format(
                        id=step_id
                    ),
                )
            )

    for i, source in enumerate(data["sources"]):
        try:
            checked = dt.date.fromisoformat(source["checked"])
        except ValueError:
            problems.append(Problem(file, f"$.sources[{i}].checked", _("date impossible")))
            continue
        if checked > today:
            problems.append(
                Problem(file, f"$.sources[{i}].checked", _("cette date est dans le futur"))
            )
    return problems


def parse_document(
    data: Any,
    file: str,
    *,
    document: str = "",
    today: dt.date | None = None,
    trusted: bool = False,
) -> tuple[Procedure | None, list[Problem]]:
    """Validate one decoded JSON document; return the procedure, or None and its problems.

    `trusted` skips the schema pass for documents that already passed it: the packaged built-in
    procedures (checked by the test suite) and documents read back from the store.
    """
    if not trusted:
        problems = _schema_problems(file, data)
        if problems:
            return None, problems
    problems = _walk_problems(file, data, today or dt.date.today())
    if problems:
        return None, problems
    canonical = document or json.dumps(data, ensure_ascii=False, sort_keys=True)
    return Procedure.from_json(data, canonical), []


def load_file(
    path: Path, *, today: dt.date | None = None, trusted: bool = False
) -> tuple[Procedure | None, list[Problem]]:
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return None, [
            Problem(name, "$", _("fichier illisible : {reason}").format(reason=exc.strerror or exc))
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, [Problem(name, "$", _("le fichier n'est pas encodé en UTF-8"))]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [
            Problem(
                name,
                "$",
                _("JSON invalide, ligne {line} colonne {col} : {msg}").format(
                    line=exc.lineno, col=exc.colno, msg=exc.msg
                ),
            )
        ]
    return parse_document(data, name, today=today, trusted=trusted)


def load_files(
    paths: Sequence[Path], *, today: dt.date | None = None, trusted: bool = False
) -> tuple[list[Procedure], list[Problem]]:
    """Load every file; also refuse two files that carry the same procedure id."""
    loaded, problems = load_named_files(paths, today=today, trusted=trusted)
    return [procedure for _file, procedure in loaded], problems


def load_named_files(
    paths: Sequence[Path], *, today: dt.date | None = None, trusted: bool = False
) -> tuple[list[tuple[str, Procedure]], list[Problem]]:
    """Like `load_files`, with the name of the file each procedure was read from."""
    procedures: list[tuple[str, Procedure]] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in paths:
        procedure, found = load_file(path, today=today, trusted=trusted)
        problems += found
        if procedure is None:
            continue
        if procedure.id in seen:
            problems.append(
                Problem(
                    str(path),
                    "$.id",
                    _("l'identifiant « {id} » est déjà utilisé par {other}").format(
                        id=procedure.id, other=seen[procedure.id]
                    ),
                )
            )
            continue
        seen[procedure.id] = str(path)
        procedures.append((str(path), procedure))
    return procedures, problems
