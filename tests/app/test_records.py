"""Record types described once (`app/records/`): validation derived from the payload dataclass,
the JSON form and its canonical bytes, the registry, and the package's few imports."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
import textwrap
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import pytest

from pasapas.app import records
from pasapas.app.records import InvalidRecord, RecordType, canonical_json
from pasapas.app.records.visit_event import VISIT_EVENT_TYPE, VisitEvent

ROOT = Path(__file__).resolve().parents[2]

EVENT = VisitEvent("carte-vitale", "finished", 9, "ar", dt.date(2026, 11, 28))
PAYLOAD = {
    "procedure_id": "carte-vitale",
    "outcome": "finished",
    "minutes": 9,
    "language": "ar",
    "day": "2026-11-28",
}


@dataclass(frozen=True)
class Sheet:
    """A payload using every kind of field a descriptor knows."""

    title: str
    count: int
    ratio: float
    done: bool
    kind: Literal["group", "alone"]
    day: dt.date
    note: str | None
    tags: tuple[str, ...]


SHEET_TYPE = RecordType(
    "test_sheet", 3, Sheet, rules=lambda s: "count is at most 12" if s.count > 12 else None
)
SHEET = Sheet("atelier", 4, 0.5, False, "group", dt.date(2026, 1, 5), None, ("ameli", "caf"))


def test_the_visit_event_is_registered_under_its_wire_name_and_version():
    assert records.lookup("visit_event", 1) is VISIT_EVENT_TYPE
    assert VISIT_EVENT_TYPE.table == "visit_events"
    assert VISIT_EVENT_TYPE.field_names == ("procedure_id", "outcome", "minutes", "language", "day")
    assert records.lookup("visit_event", 2) is None
    assert records.lookup("visit_events", 1) is None
    assert VISIT_EVENT_TYPE in records.record_types()


def test_every_module_of_the_package_describes_and_registers_its_types():
    registered = {t.payload.__module__ for t in records.record_types()}
    modules = set(records.describing_modules())
    assert "pasapas.app.records.visit_event" in modules
    assert modules <= registered


def test_a_visit_event_has_the_canonical_bytes_and_digest_of_the_hand_built_payload():
    # Stores hold entries queued before descriptors existed: the bytes must not change.
    payload = VISIT_EVENT_TYPE.to_payload(EVENT)
    assert payload == PAYLOAD
    text = canonical_json(payload)
    assert text == (
        '{"day":"2026-11-28","language":"ar","minutes":9,"outcome":"finished",'
        '"procedure_id":"carte-vitale"}'
    )
    wire = canonical_json({"type": "visit_event", "type_version": 1, "payload": payload})
    assert hashlib.sha256(wire.encode()).hexdigest() == (
        "6af092803ebad9a136f2ccf7e0e2627a35abba88684ba4b2d3e9f8d4281e5815"
    )


def test_a_payload_goes_to_json_and_back_unchanged():
    assert VISIT_EVENT_TYPE.from_payload(PAYLOAD) == EVENT
    as_json = SHEET_TYPE.to_payload(SHEET)
    assert as_json["day"] == "2026-01-05" and as_json["tags"] == ["ameli", "caf"]
    assert as_json["note"] is None
    assert SHEET_TYPE.from_payload(as_json) == SHEET
    assert SHEET_TYPE.validate(as_json) is None


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"name": "Mme X"}, "unknown field 'name'"),
        ({"minutes": "9"}, "field 'minutes' must be an integer"),
        ({"minutes": True}, "field 'minutes' must be an integer"),
        ({"minutes": 9.0}, "field 'minutes' must be an integer"),
        ({"minutes": 1441}, "minutes must be between 0 and 1440"),
        ({"minutes": -1}, "minutes must be between 0 and 1440"),
        ({"outcome": "done"}, "field 'outcome' must be one of"),
        ({"procedure_id": 7}, "field 'procedure_id' must be a string"),
        ({"procedure_id": "Carte Vitale"}, "procedure_id must be a procedure slug"),
        ({"procedure_id": "carte-vitale\n"}, "procedure_id must be a procedure slug"),
        ({"procedure_id": "a" * 65}, "procedure_id must be a procedure slug"),
        ({"language": "arabic"}, "language must be a language code"),
        ({"day": "2026-11-31"}, "field 'day' must be a day"),
        ({"day": "2026-W48-6"}, "field 'day' must be a day"),
        ({"day": "20261128"}, "field 'day' must be a day"),
        ({"day": None}, "field 'day' must be a day"),
    ],
)
def test_the_visit_event_refuses_a_wrong_type_an_unknown_field_or_a_broken_rule(change, problem):
    payload = {**PAYLOAD, **change}
    assert VISIT_EVENT_TYPE.validate(payload).startswith(problem)
    with pytest.raises(InvalidRecord) as refused:
        VISIT_EVENT_TYPE.from_payload(payload)
    assert refused.value.problem.startswith(problem)
    assert str(refused.value).startswith("visit_event v1: ")


def test_a_payload_over_8_kib_or_not_valid_unicode_is_refused():
    big = replace(SHEET, tags=tuple(f"tag-{i:05d}" for i in range(800)))
    with pytest.raises(InvalidRecord, match="over 8192 bytes"):
        SHEET_TYPE.to_payload(big)
    assert SHEET_TYPE.validate({**SHEET_TYPE.to_payload(SHEET), "title": "\ud800"}) == (
        "the payload is not valid Unicode text"
    )
    assert records.canonical_size({"a": "é"}) == len('{"a":"é"}'.encode())


def test_a_missing_field_or_a_payload_that_is_not_an_object_is_refused():
    without_day = {k: v for k, v in PAYLOAD.items() if k != "day"}
    assert VISIT_EVENT_TYPE.validate(without_day) == "missing field 'day'"
    for value in ([], "x", None, 3):
        assert VISIT_EVENT_TYPE.validate(value) == "the payload is not an object"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"tags": "ameli"}, "field 'tags' must be a list of a string"),
        ({"tags": ["ameli", 3]}, "field 'tags' must be a list of a string"),
        ({"note": 5}, "field 'note' must be a string or null"),
        ({"ratio": float("nan")}, "field 'ratio' must be a number"),
        ({"ratio": "0.5"}, "field 'ratio' must be a number"),
        ({"done": 0}, "field 'done' must be true or false"),
        ({"kind": "Group"}, "field 'kind' must be one of"),
        ({"count": 13}, "count is at most 12"),
    ],
)
def test_every_kind_of_field_is_checked_from_its_annotation(change, problem):
    payload = {**SHEET_TYPE.to_payload(SHEET), **change}
    assert SHEET_TYPE.validate(payload).startswith(problem)


def test_a_payload_object_of_the_wrong_type_or_with_wrong_values_is_refused_before_json():
    with pytest.raises(InvalidRecord, match="not a VisitEvent"):
        VISIT_EVENT_TYPE.to_payload(SHEET)
    with pytest.raises(InvalidRecord, match="field 'minutes' must be an integer"):
        VISIT_EVENT_TYPE.to_payload(replace(EVENT, minutes="9"))
    with pytest.raises(InvalidRecord, match="field 'day' must be a day"):
        VISIT_EVENT_TYPE.to_payload(replace(EVENT, day="2026-11-28"))  # text, not a date
    with pytest.raises(InvalidRecord, match="field 'tags' must be a list"):
        SHEET_TYPE.to_payload(replace(SHEET, tags=["ameli"]))  # a list, not a tuple
    with pytest.raises(InvalidRecord, match="count is at most 12"):
        SHEET_TYPE.to_payload(replace(SHEET, count=40))


def test_a_descriptor_is_refused_when_its_name_version_or_fields_cannot_travel():
    @dataclass(frozen=True)
    class Nested:
        inside: dict

    with pytest.raises(TypeError, match="cannot be of type"):
        RecordType("nested", 1, Nested)
    with pytest.raises(TypeError, match="dataclass"):
        RecordType("plain", 1, dict)
    for name in ("", "Visit", "visit-event", "x" * 65, "1st"):
        with pytest.raises(ValueError, match="name"):
            RecordType(name, 1, Sheet)
    for version in (0, -1, True, "1"):
        with pytest.raises(ValueError, match="version"):
            RecordType("sheet", version, Sheet)
    for table in ("", "Sheets", 'sheets"; DROP TABLE outbox; --', "x" * 65):
        with pytest.raises(ValueError, match="table"):
            RecordType("sheet", 1, Sheet, table=table)

    @dataclass(frozen=True)
    class WithId:
        id: str

    with pytest.raises(ValueError, match="cannot be named id"):
        RecordType("with_id", 1, WithId)


def test_a_type_and_version_is_described_once():
    records.register(SHEET_TYPE)
    try:
        assert records.lookup("test_sheet", 3) is SHEET_TYPE
        assert records.register(SHEET_TYPE) is SHEET_TYPE  # the same descriptor again: fine
        with pytest.raises(ValueError, match="described twice"):
            records.register(RecordType("test_sheet", 3, Sheet))
        with pytest.raises(ValueError, match="described twice"):
            records.register(RecordType("visit_event", 1, VisitEvent))
    finally:
        records.unregister(SHEET_TYPE)
    assert records.lookup("test_sheet", 3) is None
    assert records.lookup("visit_event", 1) is VISIT_EVENT_TYPE


def test_the_records_package_imports_only_the_standard_library():
    # The central service imports it: it must not bring the kiosk's store, Qt or any library.
    probe = textwrap.dedent(
        """
        import sys
        before = set(sys.modules)
        import pasapas.app.records
        new = set(sys.modules) - before
        own = {"pasapas", "pasapas.app", "pasapas.app.i18n"}
        print(sorted(m for m in new if not (
            m.split(".")[0] in sys.stdlib_module_names or m.startswith("_")
            or m in own or m.startswith("pasapas.app.records"))))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
