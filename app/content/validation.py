"""Turn procedure files into procedures, or into the list of everything wrong with them.

A file is read only when it is a regular file of at most `MAX_FILE_BYTES` (a pipe, a device or
a folder is refused without reading it, so `/dev/zero` or a FIFO cannot exhaust memory or hang).
Then three passes: what the store could not hold whatever the schema says (nesting deeper than
`MAX_DEPTH`, a lone UTF-16 surrogate in a text or a key), the JSON Schema (shape, types and
bounds: a `version` fits SQLite's 64-bit integer), then the walk rules the schema cannot express
(dangling references, duplicate ids, cycles, unreachable steps, dates). Every problem names the
file, the JSON path and what is wrong, in the interface language.

The schema's patterns are ECMA-262 regular expressions, as JSON Schema says: `$` is the very end
of the text. Python's `re` lets `$` also match before a final newline; fastjsonschema rewrites
`$` as `\\Z`, and the detailed validator here does the same, so both refuse "carte-vitale\\n"
and their messages agree.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastjsonschema

from pasapas.app.content import SCHEMA_PATH
from pasapas.app.content.kinds import STEP_KINDS, step_schema
from pasapas.app.content.model import Procedure, Step, StepKind
from pasapas.app.errors import os_reason
from pasapas.app.i18n import N_, _, ngettext

MAX_FILE_MEGABYTES = 8
MAX_FILE_BYTES = MAX_FILE_MEGABYTES * 1024 * 1024  # a procedure file is refused above this
MAX_DEPTH = 32  # arrays and objects inside one another; the format itself needs 6
_SURROGATE = re.compile("[\ud800-\udfff]")
_DOLLAR = re.compile(r"(?<!\\)\$")  # as fastjsonschema finds the `$` it makes `\Z`
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},]')


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


def python_pattern(pattern: str) -> str:
    """A schema pattern (ECMA-262) for Python's `re`: `$` becomes `\\Z`, the end of the text
    only, as fastjsonschema does."""
    return _DOLLAR.sub(r"\\Z", pattern)


@functools.cache
def _compiled_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(python_pattern(pattern))


@functools.cache
def _validator() -> Any:
    """jsonschema's validator, which lists every error with its path (used on invalid documents),
    reading patterns as fastjsonschema does."""
    import jsonschema  # slow to import; only needed once a document is known to be invalid

    def pattern(validator: Any, value: str, instance: Any, schema: Any) -> Iterable[Any]:
        if validator.is_type(instance, "string") and not _compiled_pattern(value).search(instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {value!r}")

    ecma = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": pattern})
    return ecma(_schema())


def json_path(parts: Iterable[Any]) -> str:
    """`$.steps[3].title.fr`; a key that is not plain letters, digits, `_` or `-` is written
    `["…"]` with every unusual character escaped, so a path is always one printable line."""
    path = "$"
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(str(part)):
            path += f".{part}"
        else:
            path += f"[{json.dumps(str(part))}]"
    return path


def _shown(text: str) -> str:
    """Text from a document as it may be shown in a message: one line, nothing the terminal
    would act on (control characters and lone surrogates are written as escapes)."""
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode("ascii")
        for c in text
    )


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
            names=", ".join(f"« {_shown(str(name))} »" for name in extra)
        )
    if kind == "type":
        expected = error.validator_value
        names = {
            "object": _("un objet"),
            "array": _("une liste"),
            "string": _("un texte"),
            "integer": _("un nombre entier"),
            "boolean": _("true ou false"),
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
    if kind == "maxItems":
        count = int(error.validator_value)
        return ngettext(
            "il faut au plus {n} élément", "il faut au plus {n} éléments", count
        ).format(n=count)
    if kind == "contains":  # only the answers of a practice question say what they must contain
        return _("il faut au moins une bonne réponse (« correct » : true)")
    if kind == "minLength":
        return _("le texte ne peut pas être vide")
    if kind in ("minimum", "maximum"):
        return _("valeur hors limites : {value}").format(value=value)
    if kind == "uniqueItems":
        return _("la liste contient un doublon")
    if kind == "maxLength":
        count = int(error.validator_value)
        return ngettext(
            "le texte fait plus de {n} caractère", "le texte fait plus de {n} caractères", count
        ).format(n=count)
    return _("valeur refusée par le schéma (règle « {rule} »)").format(rule=kind)


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


class _FastError:
    """fastjsonschema's error in the shape `_schema_message` reads jsonschema's."""

    def __init__(self, error: Any) -> None:
        self.validator = getattr(error, "rule", None) or "false"
        self.validator_value = getattr(error, "rule_definition", None)
        self.instance = getattr(error, "value", None)
        definition = getattr(error, "definition", None)
        self.schema = definition if isinstance(definition, dict) else {}


def _fast_problem(file: str, data: Any, error: Any) -> Problem:
    """The problem fastjsonschema found, at its path and in the words of the detailed one."""
    parts: list[Any] = []
    value = data
    for part in list(getattr(error, "path", None) or [])[1:]:  # the first is "data"
        if isinstance(value, list):
            try:
                part = int(part)
                value = value[part]
            except (ValueError, IndexError):
                break
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            parts.append(part)
            break
        parts.append(part)
    return Problem(file, json_path(parts), _schema_message(_FastError(error)))


def _schema_problems(file: str, data: Any) -> list[Problem]:
    try:
        _fast_check()(data)
    except fastjsonschema.JsonSchemaException as fast_error:
        problems = _detailed_problems(file, data)
        # Both implement the same schema; should they ever disagree, the document is still refused.
        return problems or [_fast_problem(file, data, fast_error)]
    return []


def _deep_path(parts: Sequence[Any]) -> str:
    """Where nesting went too deep, as a path a person can read: the last named field before a
    run of list positions, at most ten steps long."""
    parts = list(parts)
    while len(parts) > 1 and isinstance(parts[-1], int):
        parts.pop()
    return json_path(parts[:10]) + ("…" if len(parts) > 10 else "")


def _too_deep() -> str:
    return _("trop de niveaux imbriqués (au plus {n})").format(n=MAX_DEPTH)


def _surrogate(text: str) -> str:
    found = _SURROGATE.search(text)
    code = f"U+{ord(found.group()):04X}" if found else ""
    return _(
        "texte invalide : il contient un caractère isolé ({code}, une moitié de paire UTF-16) "
        "qui ne peut pas être enregistré"
    ).format(code=code)


def _value_problems(file: str, data: Any) -> list[Problem]:
    """What no store could hold whatever the schema says: nesting deeper than `MAX_DEPTH` and
    lone surrogates, in values and in keys. Walks with a stack of its own (no recursion)."""
    problems: list[Problem] = []
    stack: list[tuple[tuple[Any, ...], Any, int]] = [((), data, 1)]
    while stack:
        path, value, depth = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                problems.append(Problem(file, json_path(path), _surrogate(value)))
            continue
        if isinstance(value, dict):
            children: Iterable[tuple[Any, Any]] = value.items()
        elif isinstance(value, list):
            children = enumerate(value)
        else:
            continue
        if depth > MAX_DEPTH:
            problems.append(Problem(file, _deep_path(path), _too_deep()))
            continue
        for key, child in children:
            if isinstance(key, str) and _SURROGATE.search(key):
                problems.append(Problem(file, json_path((*path, key)), _surrogate(key)))
                continue
            stack.append(((*path, key), child, depth + 1))
    return sorted(problems, key=lambda p: (p.path, p.message))


def _too_deep_path(text: str) -> list[Any]:
    """The path of the first array or object nested deeper than `MAX_DEPTH` in `text` (JSON the
    decoder could not read for its depth), found by reading its brackets and strings only."""
    stack: list[list[Any]] = []  # [is an object, current key or index, a key comes next]
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            if len(stack) >= MAX_DEPTH:
                return [entry[1] for entry in stack]
            is_object = token == "{"
            stack.append([is_object, None if is_object else 0, is_object])
        elif token in ("]", "}"):
            if stack:
                stack.pop()
        elif token == ",":
            if stack:
                if stack[-1][0]:
                    stack[-1][2] = True
                else:
                    stack[-1][1] += 1
        elif stack and stack[-1][0] and stack[-1][2]:  # a string where a key comes
            try:
                stack[-1][1] = json.loads(token)
            except ValueError:
                stack[-1][1] = token
            stack[-1][2] = False
    return []


# The JSON decoder's own words (English), in the interface language.
_JSON_MESSAGES = {
    "Expecting value": N_("une valeur est attendue"),
    "Expecting ',' delimiter": N_("une virgule est attendue"),
    "Expecting ':' delimiter": N_("deux-points sont attendus"),
    "Expecting property name enclosed in double quotes": N_(
        "un nom de champ entre guillemets droits est attendu"
    ),
    "Unterminated string starting at": N_("un texte n'est pas fermé par un guillemet"),
    "Invalid control character at": N_("caractère de contrôle interdit dans un texte"),
    "Invalid \\escape": N_("séquence d'échappement inconnue (\\)"),
    "Invalid \\uXXXX escape": N_("séquence \\uXXXX incorrecte"),
    "Extra data": N_("du texte suit la fin du document"),
    "Unexpected UTF-8 BOM (decode using utf-8-sig)": N_(
        "le fichier commence par une marque d'ordre des octets (BOM), à enlever"
    ),
}


def decode_document(text: str, file: str) -> tuple[Any, list[Problem]]:
    """Decode one JSON document: its value, or None and the problem (with its place, for JSON
    nested too deep for the decoder). Never raises for what the text holds."""
    try:
        return json.loads(text), []
    except json.JSONDecodeError as exc:
        return None, [
            Problem(
                file,
                "$",
                _("JSON invalide, ligne {line} colonne {col} : {msg}").format(
                    line=exc.lineno,
                    col=exc.colno,
                    msg=_(_JSON_MESSAGES[exc.msg]) if exc.msg in _JSON_MESSAGES else exc.msg,
                ),
            )
        ]
    except RecursionError:
        return None, [Problem(file, _deep_path(_too_deep_path(text)), _too_deep())]
    except ValueError:  # an integer of more digits than Python converts
        return None, [Problem(file, "$", _("JSON invalide : un nombre a trop de chiffres"))]


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


def _form_problems(file: str, i: int, step: dict[str, Any]) -> list[Problem]:
    """A practice form's rules must name what exists: a field `same_as` names is in the form, a
    `card` rule's field has its line on the card, a pattern is a regular expression."""
    from pasapas.app.training.guard import PracticeCard, check_entry  # only for practice forms

    problems: list[Problem] = []
    fields = [field["name"] for field in step.get("form", ())]
    kinds = {field["name"]: field["kind"] for field in step.get("form", ())}
    names = [line["name"] for line in step.get("card", ())]
    card = set(names)
    for j, line in enumerate(step.get("card", ())):
        where = f"$.steps[{i}].card[{j}]"
        if line["name"] in names[:j]:
            problems.append(
                Problem(
                    file,
                    f"{where}.name",
                    _("la carte d'exercice a déjà une ligne « {name} »").format(name=line["name"]),
                )
            )
        kind = kinds.get(line["name"], "text")
        # Would the real-data guard take it for someone's real data, were it not on the card?
        # (Any password would be: it is the card's own, whatever it is.)
        empty = PracticeCard({})
        if kind != "password" and check_entry(line["name"], line["value"], empty, field_kind=kind):
            problems.append(
                Problem(
                    file,
                    f"{where}.value",
                    _(
                        "cette valeur ressemble à une vraie donnée personnelle : une carte "
                        "d'exercice ne porte que des valeurs inventées"
                    ),
                )
            )
    for j, name in enumerate(fields):
        if name in fields[:j]:
            problems.append(
                Problem(
                    file,
                    f"$.steps[{i}].form[{j}].name",
                    _("le champ « {name} » est déjà dans ce formulaire").format(name=name),
                )
            )
    for j, field in enumerate(step.get("form", ())):
        confirmed = [r["field"] for r in field["rules"] if r["check"] == "same_as"]
        if field["kind"] == "password" and field["name"] not in card and not card & set(confirmed):
            problems.append(
                Problem(
                    file,
                    f"$.steps[{i}].form[{j}]",
                    _(
                        "un mot de passe d'exercice doit être sur la carte : ligne « {name} », "
                        "ou la règle same_as d'un champ qui y est"
                    ).format(name=field["name"]),
                )
            )
        for k, rule in enumerate(field["rules"]):
            where = f"$.steps[{i}].form[{j}].rules[{k}]"
            check = rule["check"]
            if check == "same_as" and (
                rule["field"] not in fields or rule["field"] == field["name"]
            ):
                problems.append(
                    Problem(
                        file,
                        f"{where}.field",
                        _("aucun autre champ « {name} » dans ce formulaire").format(
                            name=rule["field"]
                        ),
                    )
                )
            elif check == "card" and field["name"] not in card:
                problems.append(
                    Problem(
                        file,
                        where,
                        _("la carte d'exercice n'a pas de ligne « {name} »").format(
                            name=field["name"]
                        ),
                    )
                )
            elif check == "pattern":
                try:
                    re.compile(python_pattern(rule["pattern"]))
                except re.error:
                    problems.append(
                        Problem(file, f"{where}.pattern", _("expression régulière impossible"))
                    )
    return problems


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

    for i, raw in enumerate(steps):
        problems += _form_problems(file, i, raw)

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
        problems = _value_problems(file, data) or _schema_problems(file, data)
        if problems:
            return None, problems
    problems = _walk_problems(file, data, today or dt.date.today())
    if problems:
        return None, problems
    canonical = document or json.dumps(data, ensure_ascii=False, sort_keys=True)
    return Procedure.from_json(data, canonical), []


def _not_a_file(name: str) -> Problem:
    return Problem(name, "$", _("ce n'est pas un fichier ordinaire (dossier, tube, périphérique…)"))


def _too_big(name: str) -> Problem:
    return Problem(
        name,
        "$",
        _("fichier trop gros : une démarche fait au plus {n} Mo").format(n=MAX_FILE_MEGABYTES),
    )


def _unreadable(name: str, error: OSError) -> Problem:
    return Problem(
        name, "$", _("fichier illisible : {reason}").format(reason=os_reason(error.errno))
    )


def read_document_file(path: Path) -> tuple[bytes | None, Problem | None]:
    """The bytes of a procedure file, or the problem: refused without reading it when it is not
    a regular file (a pipe would wait for ever, a device never ends) or is over
    `MAX_FILE_BYTES`; never more than that is read."""
    name = str(path)
    try:
        found = os.stat(path)
    except OSError as exc:
        return None, _unreadable(name, exc)
    if not stat.S_ISREG(found.st_mode):
        return None, _not_a_file(name)
    if found.st_size > MAX_FILE_BYTES:
        return None, _too_big(name)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # changed since looked at
                return None, _not_a_file(name)
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, _unreadable(name, exc)
    if len(raw) > MAX_FILE_BYTES:  # it grew while read
        return None, _too_big(name)
    return raw, None


def load_file(
    path: Path, *, today: dt.date | None = None, trusted: bool = False
) -> tuple[Procedure | None, list[Problem]]:
    name = str(path)
    raw, problem = read_document_file(Path(path))
    if raw is None:
        return None, [problem] if problem is not None else []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, [Problem(name, "$", _("le fichier n'est pas encodé en UTF-8"))]
    data, problems = decode_document(text, name)
    if problems:
        return None, problems
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
