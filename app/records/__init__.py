"""Synced record types, each described once.

A record type is a name, a version, a frozen payload dataclass and its rules. One `RecordType`
serves everyone who handles such records: the kiosk's writer builds the payload object, the outbox
(`app.outbox.enqueue`) refuses what the descriptor refuses and stores `to_payload`'s canonical
JSON, the wire protocol (`sync.protocol.parse_record`) validates what a kiosk pushes, and the
central service accepts only the types registered here.

Validation is derived from the dataclass: every field is required, no other field is allowed, and
each value must have its field's type (`str`, `int`, `float`, `bool`, `datetime.date` as
`YYYY-MM-DD`, `Literal[...]`, `X | None`, `tuple[X, ...]` as a JSON array), and the canonical
JSON must fit in `MAX_PAYLOAD_BYTES`. The type's own rules (ranges, patterns) then look at the
payload object. A descriptor may name the kiosk table its records are written to
(`app.outbox.write_record`).

Each module of this package (except those starting with `_`) describes its types and registers
them with `register`; the package imports every such module, so adding a record type is adding a
file here. This package imports only the standard library: the central service imports it too.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import math
import pkgutil
import re
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Generic, Literal, TypeVar

P = TypeVar("P")

NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,63}")  # the service keeps at most 64 characters
MAX_PAYLOAD_BYTES = 8 * 1024  # one payload's canonical JSON, in UTF-8


class InvalidRecord(ValueError):
    """A payload its record type refuses. A writer's bug, not a visitor's mistake: the message
    is for developers and is never shown in the interface."""

    def __init__(self, record_type: RecordType[Any], problem: str) -> None:
        super().__init__(f"{record_type.name} v{record_type.version}: {problem}")
        self.record_type = record_type
        self.problem = problem


def canonical_json(value: Any) -> str:
    """One JSON text per value: sorted keys, no spaces, UTF-8 kept as is.

    Payloads are stored in the outbox, sent and compared (the digest) in this form: never
    change it, queued entries and stored records depend on it byte for byte.
    """
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical_size(value: Any) -> int | None:
    """The length in bytes of the canonical JSON in UTF-8; None when it is not text UTF-8 can
    carry (a lone surrogate such as "\\ud800", which JSON can spell but no store can keep)."""
    try:
        return len(canonical_json(value).encode("utf-8"))
    except UnicodeEncodeError:
        return None


# -- field kinds, derived from the dataclass annotations ---------------------------------------


@dataclass(frozen=True)
class _Kind:
    """How one annotation travels in JSON: what it accepts, and how it is encoded and decoded."""

    expected: str
    accepts: Callable[[Any], bool]
    encode: Callable[[Any], Any] = lambda value: value
    decode: Callable[[Any], Any] = lambda value: value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_iso_day(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        return dt.date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def _encode_day(value: Any) -> Any:
    # A date's JSON form; anything else is left as it is, for the check to refuse.
    return value.isoformat() if type(value) is dt.date else value


_SIMPLE: dict[Any, _Kind] = {
    str: _Kind("a string", lambda v: isinstance(v, str)),
    bool: _Kind("true or false", lambda v: isinstance(v, bool)),
    int: _Kind("an integer", _is_int),
    float: _Kind("a number", _is_number),
    dt.date: _Kind("a day (YYYY-MM-DD)", _is_iso_day, _encode_day, dt.date.fromisoformat),
}


def _kind(hint: Any) -> _Kind:
    if hint in _SIMPLE:
        return _SIMPLE[hint]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Literal:
        return _Kind(
            "one of " + ", ".join(json.dumps(a, ensure_ascii=False) for a in args),
            lambda v: any(type(v) is type(a) and v == a for a in args),
        )
    if origin in (typing.Union, types.UnionType) and len(args) == 2 and type(None) in args:
        inner = _kind(next(a for a in args if a is not type(None)))
        return _Kind(
            f"{inner.expected} or null",
            lambda v: v is None or inner.accepts(v),
            lambda v: None if v is None else inner.encode(v),
            lambda v: None if v is None else inner.decode(v),
        )
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _kind(args[0])
        return _Kind(
            f"a list of {item.expected}",
            lambda v: isinstance(v, list | tuple) and all(item.accepts(i) for i in v),
            lambda v: [item.encode(i) for i in v] if isinstance(v, list | tuple) else v,
            lambda v: tuple(item.decode(i) for i in v),
        )
    raise TypeError(f"a record payload field cannot be of type {hint!r}")


@dataclass(frozen=True)
class _Field:
    name: str
    kind: _Kind


# -- the descriptor ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordType(Generic[P]):
    """One synced record type: `name` and `version` on the wire, `payload` the frozen dataclass
    its records carry, `rules` the checks its field types do not say (a problem, or None), and
    `table`, the kiosk's table its records are written to by `app.outbox.write_record` (an `id`
    column and one column per field), or None when its writer stores them its own way."""

    name: str
    version: int
    payload: type[P]
    rules: Callable[[P], str | None] | None = None
    table: str | None = None
    _fields: tuple[_Field, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not NAME_PATTERN.fullmatch(self.name):
            raise ValueError(f"a record type name is lower case, 1-64 characters: {self.name!r}")
        if self.table is not None and not (
            isinstance(self.table, str) and NAME_PATTERN.fullmatch(self.table)
        ):
            raise ValueError(f"a record table name is lower case, 1-64 characters: {self.table!r}")
        if not _is_int(self.version) or self.version < 1:
            raise ValueError(f"a record type version is a positive integer: {self.version!r}")
        if not (isinstance(self.payload, type) and is_dataclass(self.payload)):
            raise TypeError(f"a record payload is a dataclass: {self.payload!r}")
        hints = typing.get_type_hints(self.payload)
        described = tuple(_Field(f.name, _kind(hints[f.name])) for f in fields(self.payload))
        if "id" in (f.name for f in described):
            raise ValueError("a record payload field cannot be named id: the record's id is")
        object.__setattr__(self, "_fields", described)

    @property
    def key(self) -> tuple[str, int]:
        return (self.name, self.version)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self._fields)

    def validate(self, payload: object) -> str | None:
        """What is wrong with this JSON payload (for a developer), or None when it is valid."""
        if not isinstance(payload, Mapping):
            return "the payload is not an object"
        names = self.field_names
        unknown = sorted(str(key) for key in payload if key not in names)
        if unknown:
            return f"unknown field {unknown[0]!r}"
        for spec in self._fields:
            if spec.name not in payload:
                return f"missing field {spec.name!r}"
            if not spec.kind.accepts(payload[spec.name]):
                return f"field {spec.name!r} must be {spec.kind.expected}"
        size = canonical_size(payload)
        if size is None:
            return "the payload is not valid Unicode text"
        if size > MAX_PAYLOAD_BYTES:
            return f"the payload is over {MAX_PAYLOAD_BYTES} bytes"
        if self.rules is None:
            return None
        return self.rules(self._build(payload))

    def to_payload(self, obj: P) -> dict[str, Any]:
        """The payload's JSON form (validated: an object it would refuse raises InvalidRecord)."""
        if type(obj) is not self.payload:
            raise InvalidRecord(self, f"the payload is not a {self.payload.__name__}")
        payload = {spec.name: spec.kind.encode(getattr(obj, spec.name)) for spec in self._fields}
        problem = self.validate(payload)
        if problem is None:
            # The JSON form must bring the same object back (a day given as text, a list where a
            # tuple belongs, would not).
            for spec in self._fields:
                if spec.kind.decode(payload[spec.name]) != getattr(obj, spec.name):
                    problem = f"field {spec.name!r} must be {spec.kind.expected}"
                    break
        if problem is not None:
            raise InvalidRecord(self, problem)
        return payload

    def from_payload(self, payload: Mapping[str, Any]) -> P:
        """The payload object of a JSON payload (InvalidRecord if this type refuses it)."""
        problem = self.validate(payload)
        if problem is not None:
            raise InvalidRecord(self, problem)
        return self._build(payload)

    def _build(self, payload: Mapping[str, Any]) -> P:
        return self.payload(**{s.name: s.kind.decode(payload[s.name]) for s in self._fields})


# -- the registry -------------------------------------------------------------------------------

_REGISTRY: dict[tuple[str, int], RecordType[Any]] = {}


def register(record_type: RecordType[P]) -> RecordType[P]:
    """Make a record type known to the writer's outbox, the protocol and the service."""
    existing = _REGISTRY.get(record_type.key)
    if existing is not None and existing is not record_type:
        raise ValueError(f"{record_type.name} v{record_type.version} is described twice")
    _REGISTRY[record_type.key] = record_type
    return record_type


def unregister(record_type: RecordType[Any]) -> None:
    """Forget a record type (tests that describe a type of their own)."""
    if _REGISTRY.get(record_type.key) is record_type:
        del _REGISTRY[record_type.key]


def lookup(name: str, version: int) -> RecordType[Any] | None:
    """The registered type with this name and version, or None."""
    return _REGISTRY.get((name, version))


def record_types() -> tuple[RecordType[Any], ...]:
    """Every registered record type, by name then version."""
    return tuple(_REGISTRY[key] for key in sorted(_REGISTRY))


def describing_modules() -> Iterator[str]:
    """The modules of this package that describe record types (all but `_private` ones)."""
    for info in pkgutil.iter_modules(__path__, f"{__name__}."):
        if not info.name.rsplit(".", 1)[1].startswith("_"):
            yield info.name


def _import_describing_modules() -> None:
    # Each module registers its types when imported. They are found by listing this folder, not
    # by an import statement: a frozen bundle must collect this package's submodules.
    for name in describing_modules():
        importlib.import_module(name)


_import_describing_modules()
