"""Accompaniment reports: filed with the Coop's codes, queued for the service, editable until
sent, duplicated, pre-filled from a visit, exported as CSV and XLSX the Coop's tools read."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pasapas.app.audit import AuditLog
from pasapas.app.content.catalog import Catalog
from pasapas.app.errors import NotFoundError, PasapasError
from pasapas.app.guide import Outcome
from pasapas.app.outbox import Outbox
from pasapas.app.records import lookup
from pasapas.app.reports import (
    ADMIN_THEME,
    DURATION_PRESETS,
    EXPORT_COLUMNS,
    ReportDraft,
    Reports,
    draft_from_visit,
    export_reports,
    label,
)
from pasapas.app.services import Kiosk, create_store
from pasapas.app.settings import Paths, Settings
from pasapas.app.store import Store
from tests.app.helpers import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]
DAY = dt.date(2026, 11, 30)
ALICE = "a1b2c3d4e5f60718"
BOB = "f0e1d2c3b4a59687"
ADMIN_HELP = ReportDraft(
    day=DAY,
    themes=(ADMIN_THEME,),
    admin_subthemes=("social_sante",),
    procedure_name="Remplacer votre carte Vitale",
    procedure_id="carte-vitale",
    language="ar",
)
SITE = Settings(site_name="Médiathèque de Lens", site_commune="62498", site_postcode="62300")


@pytest.fixture
def store(tmp_path: Path):
    with Store.create(tmp_path / "pasapas.db", PASSPHRASE) as store:
        yield store


@pytest.fixture(scope="module")
def catalog_store(tmp_path_factory: pytest.TempPathFactory):
    paths = Paths.under(tmp_path_factory.mktemp("catalog")).ensure()
    store, _report = create_store(paths, PASSPHRASE)
    yield store
    store.close()


def _queued(store: Store, report_id: str) -> dict:
    row = store.query_one("SELECT payload, state FROM outbox WHERE id = ?", (report_id,))
    assert row is not None and row[1] == "queued"
    return json.loads(row[0])


def _sent(store: Store, report_id: str) -> None:
    Outbox(store).settle([report_id], [])


# -- filing -----------------------------------------------------------------------------------


def test_a_filed_report_is_stored_and_queued_with_the_coops_codes(store: Store):
    filed = Reports(store).file(ADMIN_HELP, actor=ALICE)

    assert filed.editable
    assert filed.draft.author == ALICE  # the actor signs a draft that names no author
    payload = _queued(store, filed.id)
    assert payload["themes"] == [ADMIN_THEME]
    assert payload["admin_subthemes"] == ["social_sante"]
    assert payload["autonomy"] == "entierement_accompagne"
    assert payload["equipment"] == ["ordinateur"]
    assert payload["gender"] == payload["age_band"] == payload["status"] == "non_communique"
    assert payload["day"] == "2026-11-30" and payload["duration"] == 30
    assert lookup("accompaniment_report", 1).validate(payload) is None
    row = store.query_one(
        "SELECT day, autonomy, author, procedure_id FROM accompaniment_reports WHERE id = ?",
        (filed.id,),
    )
    assert row == ("2026-11-30", "entierement_accompagne", ALICE, "carte-vitale")
    assert Reports(store).get(filed.id) == filed


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"themes": ()}, "thématique"),
        ({"duration": 0}, "durée"),
        ({"duration": 24 * 60}, "durée"),
        ({"place_type": "autre", "place_commune": "Lens"}, "INSEE"),
        ({"beneficiary_commune": "123"}, "INSEE"),
        ({"notes": "x" * 501}, "notes"),
        ({"equipment": ("aucun", "tablette")}, "matériel"),
        ({"autonomy": ""}, "autonomie"),
    ],
)
def test_a_wrong_report_is_refused_with_one_sentence_and_nothing_is_written(
    store: Store, change: dict, words: str
):
    with pytest.raises(PasapasError) as refused:
        Reports(store).file(replace(ADMIN_HELP, **change), actor=ALICE)

    assert words in refused.value.message
    assert refused.value.message.count(".") == 1
    assert store.query("SELECT count(*) FROM accompaniment_reports") == [(0,)]
    assert Outbox(store).counts().queued == 0


def test_sub_themes_and_the_procedure_name_go_only_with_administrative_help(store: Store):
    filed = Reports(store).file(replace(ADMIN_HELP, themes=("email",)), actor=ALICE)

    assert filed.draft.admin_subthemes == () and filed.draft.procedure_name == ""
    # The service refuses them too (it validates with the same record type).
    payload = _queued(store, filed.id)
    payload["admin_subthemes"] = ["logement"]
    assert "admin_subthemes" in lookup("accompaniment_report", 1).validate(payload)


def test_a_workshop_counts_its_participants_and_no_breakdown_exceeds_the_total(store: Store):
    reports = Reports(store)
    workshop = replace(
        ADMIN_HELP,
        kind="collectif",
        themes=("email", "securite_numerique"),
        workshop_title="Les courriels sans crainte",
        workshop_level="debutant",
        participants=6,
        participants_already_helped=2,
        participants_by_gender=(2, 3, 1),
        participants_by_age_band=(0, 0, 0, 1, 2, 2, 1, 0),
    )
    filed = reports.file(workshop, actor=ALICE)

    assert filed.draft.autonomy == "" and filed.draft.gender == ""  # individual fields cleared
    assert filed.draft.participants_by_status == (0, 0, 0, 0, 0)
    with pytest.raises(PasapasError, match="genre dépasse le total"):
        reports.file(replace(workshop, participants_by_gender=(4, 3, 0)), actor=ALICE)
    with pytest.raises(PasapasError, match="titre"):
        reports.file(replace(workshop, workshop_title=" "), actor=ALICE)


# -- editing until sent, duplicating --------------------------------------------------------


def test_a_report_is_editable_until_sent_then_refused(store: Store):
    reports = Reports(store)
    filed = reports.file(ADMIN_HELP, actor=ALICE)

    edited = reports.update(filed.id, replace(filed.draft, autonomy="autonome"), actor=ALICE)
    assert edited.draft.autonomy == "autonome"
    assert _queued(store, filed.id)["autonomy"] == "autonome"  # the queued payload follows
    assert Outbox(store).counts().queued == 1

    _sent(store, filed.id)
    assert not reports.get(filed.id).editable
    with pytest.raises(PasapasError) as refused:
        reports.update(filed.id, replace(filed.draft, duration=90), actor=ALICE)
    assert refused.value.message == (
        "Ce compte-rendu est déjà envoyé : il ne peut plus être modifié."
    )
    assert reports.get(filed.id).draft.duration == 30


def test_an_edit_keeps_the_author_who_filed_it(store: Store):
    reports = Reports(store)
    filed = reports.file(ADMIN_HELP, actor=ALICE)
    edited = reports.update(filed.id, replace(filed.draft, author=BOB), actor=BOB)
    assert edited.draft.author == ALICE
    with pytest.raises(NotFoundError):
        reports.get("no-such-report")


def test_duplicating_my_last_report_gives_the_same_help_today(store: Store):
    reports = Reports(store, now=lambda: dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC))
    reports.file(replace(ADMIN_HELP, duration=45), actor=ALICE)
    reports.file(replace(ADMIN_HELP, themes=("email",)), actor=BOB)
    mine = reports.file(replace(ADMIN_HELP, duration=60, autonomy="autonome"), actor=ALICE)

    last = reports.last_by(ALICE)
    assert last is not None and last.id == mine.id
    today = DAY + dt.timedelta(days=1)
    again = reports.file(replace(last.draft, day=today), actor=ALICE)

    assert again.id != mine.id
    assert again.draft == replace(mine.draft, day=today)
    assert [r.id for r in reports.recent(author=ALICE)][:2] == [again.id, mine.id]
    assert len(reports.recent()) == 4
    assert reports.last_by("someone-else") is None


# -- pre-filled from a visit ----------------------------------------------------------------


def test_a_report_is_prefilled_from_the_visit_and_its_builtin_procedure(catalog_store: Store):
    procedure = Catalog(catalog_store).get("carte-vitale")
    outcome = Outcome(procedure_id="carte-vitale", finished=True, minutes=22, language="ar")

    draft = draft_from_visit(outcome, procedure, author=ALICE, today=DAY)

    assert draft.themes == ("sante", ADMIN_THEME)
    assert draft.admin_subthemes == ("social_sante",)
    assert draft.procedure_name == "Remplacer votre carte Vitale"
    assert (draft.procedure_id, draft.language, draft.duration) == ("carte-vitale", "ar", 30)
    assert (draft.day, draft.author, draft.autonomy) == (DAY, ALICE, "entierement_accompagne")
    filed = Reports(catalog_store).file(draft, actor=ALICE)  # ready to file as it is
    assert filed.draft.themes == draft.themes


def test_each_builtin_procedure_gives_a_report_that_can_be_filed(catalog_store: Store):
    catalog = Catalog(catalog_store)
    for item in catalog.list("fr"):
        procedure = catalog.get(item.id)
        draft = draft_from_visit(None, procedure, author=ALICE, today=DAY)
        assert draft.themes, item.id
        assert draft.duration in DURATION_PRESETS
        assert (ADMIN_THEME in draft.themes) == bool(draft.procedure_name)
    teleconsultation = draft_from_visit(None, catalog.get("teleconsultation"), author="", today=DAY)
    assert teleconsultation.themes == ("sante",) and teleconsultation.procedure_name == ""
    retirement = draft_from_visit(
        None, catalog.get("retraite-demande-en-ligne"), author="", today=DAY
    )
    assert retirement.admin_subthemes == ("travail_formation",)


@pytest.mark.parametrize(
    ("minutes", "duration"), [(0, 15), (15, 15), (16, 30), (95, 120), (121, 135)]
)
def test_the_visits_minutes_are_rounded_up_to_a_preset(minutes: int, duration: int):
    outcome = Outcome(procedure_id="carte-vitale", finished=False, minutes=minutes, language="fr")
    assert draft_from_visit(outcome, None, author="", today=DAY).duration == duration


def test_without_a_visit_the_draft_is_the_common_help_with_no_theme_chosen():
    draft = draft_from_visit(None, None, author=ALICE, today=DAY)
    assert draft.themes == () and draft.duration == 30 and draft.place_type == "lieu_activite"


def test_every_code_has_a_french_label():
    assert label("entierement_accompagne") == "Entièrement accompagné"
    assert label("social_sante") == "Social, santé"
    assert label("non_communique") == "Non communiqué"
    assert label("max_30") == "16 à 30 min"
    assert label("not-a-code") == "not-a-code"


def test_the_kiosk_offers_its_reports(tmp_path: Path):
    kiosk = Kiosk.create(Paths.under(tmp_path).ensure(), PASSPHRASE)
    try:
        filed = kiosk.reports.file(ADMIN_HELP, actor=ALICE)
        assert kiosk.reports.get(filed.id).editable
        assert kiosk.reopened().reports.get(filed.id).id == filed.id
    finally:
        kiosk.close()


# -- export ------------------------------------------------------------------------------------


def _two_reports(store: Store) -> tuple[str, str]:
    reports = Reports(store)
    first = reports.file(
        replace(
            ADMIN_HELP,
            referred=True,
            referral_structure="administration",
            age_band="soixante_dix_plus",
        ),
        actor=ALICE,
    )
    second = reports.file(
        replace(
            ADMIN_HELP,
            day=DAY - dt.timedelta(days=3),
            kind="collectif",
            place_type="autre",
            place_commune="62498",
            place_postcode="62300",
            themes=("email",),
            equipment=("tablette", "telephone"),
            workshop_title="Les courriels",
            workshop_level="intermediaire",
            participants=5,
            participants_by_gender=(2, 3, 0),
        ),
        actor=ALICE,
    )
    reports.file(replace(ADMIN_HELP, day=DAY - dt.timedelta(days=40)), actor=ALICE)  # outside
    return first.id, second.id


def test_the_xlsx_export_has_the_coops_columns_and_codes(store: Store, tmp_path: Path):
    first, second = _two_reports(store)
    out = tmp_path / "activites.xlsx"

    rows = export_reports(store, DAY - dt.timedelta(days=7), DAY, out, SITE, actor=ALICE)

    assert rows == 2
    sheet = load_workbook(out, read_only=True).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert tuple(table[0]) == EXPORT_COLUMNS
    assert table[0][0] == "Date" and table[0][-1] == "identifiant du compte-rendu"
    by_id = {row[-1]: dict(zip(EXPORT_COLUMNS, row, strict=True)) for row in table[1:]}
    assert set(by_id) == {first, second}
    one = by_id[first]
    assert one["Date"].date() == DAY
    assert one["Type"] == "individuel" and one["Participants"] == 1
    assert one["Canaux d'accompagnement"] == "lieu_activite"
    assert one["Nom du lieu"] == "Médiathèque de Lens" and one["Code Insee"] == "62498"
    assert one["Durée (min)"] == 30
    assert one["Thématique(s)"] == "aide_aux_demarches_administratives, social_sante"
    assert one["Nom de la démarche administrative"] == "Remplacer votre carte Vitale"
    assert one["Niveau d'autonomie (ou de l'atelier)"] == "entierement_accompagne"
    assert one["Bénéficiaire réorienté"] == "oui"
    assert one["Structure de redirection"] == "administration"
    assert one["Tranche d'âge"] == "soixante_dix_plus" and one["Genre"] == "non_communique"
    two = by_id[second]
    assert two["Type"] == "collectif" and two["Participants"] == 5
    assert two["Canaux d'accompagnement"] == "autre" and two["Code postal"] == "62300"
    assert two["Nom de l'atelier"] == "Les courriels"
    assert two["Matériel"] == "tablette, telephone"
    assert two["Niveau d'autonomie (ou de l'atelier)"] == "intermediaire"
    assert two["Genre"] == "masculin 2, feminin 3"
    entry = AuditLog(store).entries(1)[0]
    assert (entry.action, entry.actor, entry.detail["rows"], entry.detail["format"]) == (
        "report_export",
        ALICE,
        2,
        "xlsx",
    )


def test_the_csv_export_reads_back_with_the_same_headers_and_no_notes(store: Store, tmp_path: Path):
    first, _second = _two_reports(store)
    Reports(store).update(
        first, replace(Reports(store).get(first).draft, notes="Rappeler jeudi"), actor=ALICE
    )
    out = tmp_path / "activites.csv"

    assert export_reports(store, DAY - dt.timedelta(days=7), DAY, out, SITE) == 2

    text = out.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines(), delimiter=";"))
    assert tuple(rows[0]) == EXPORT_COLUMNS
    assert sorted(row[0] for row in rows[1:]) == ["2026-11-27", "2026-11-30"]
    assert "Rappeler jeudi" not in text  # staff notes stay on the kiosk
    assert ALICE not in text  # so does the author


def test_an_export_to_another_kind_of_file_is_refused_and_writes_nothing(
    store: Store, tmp_path: Path
):
    _two_reports(store)
    folder = tmp_path / "exports"
    folder.mkdir()
    with pytest.raises(PasapasError, match=r"\.csv ou \.xlsx"):
        export_reports(store, DAY, DAY, folder / "activites.pdf", SITE)
    with pytest.raises(PasapasError, match="avant"):
        export_reports(store, DAY, DAY - dt.timedelta(days=1), folder / "a.csv", SITE)
    with pytest.raises(PasapasError, match="n'existe pas"):
        export_reports(store, DAY, DAY, folder / "missing" / "a.csv", SITE)
    assert list(folder.iterdir()) == []
    assert all(e.action != "report_export" for e in AuditLog(store).entries())


def test_reports_export_on_the_command_line(tmp_path: Path):
    home = tmp_path / "home"
    paths = Paths.under(home).ensure()
    store, _report = create_store(paths, PASSPHRASE)
    with store:
        _two_reports(store)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PASAPAS_")}
    env |= {"PASAPAS_HOME": str(home), "PASAPAS_PASSPHRASE": PASSPHRASE}
    out = tmp_path / "export.xlsx"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pasapas", *args],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
        )

    done = run("reports", "export", "--from", "2026-11-01", "--to", "2026-11-30", str(out))
    assert done.returncode == 0, done.stderr
    assert "2 comptes-rendus" in done.stdout
    assert len(list(load_workbook(out).active.iter_rows(values_only=True))) == 3
    refused = run("reports", "export", "--from", "2026-11-31", "--to", "2026-11-30", str(out))
    assert refused.returncode == 2 and "AAAA-MM-JJ" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_report_whose_author_was_erased_stays_readable_and_editable(store: Store):
    reports = Reports(store)
    filed = reports.file(ADMIN_HELP, actor=ALICE)
    # What the erasure of a staff account does to its reports (app/privacy.py).
    with store.transaction():
        store.execute(
            "UPDATE accompaniment_reports SET author = '', "
            "payload = json_set(payload, '$.author', '') WHERE author = ?",
            (ALICE,),
        )
        store.execute(
            "UPDATE outbox SET payload = json_set(payload, '$.author', '') WHERE id = ?",
            (filed.id,),
        )

    erased = reports.get(filed.id)
    assert erased.draft.author == "" and erased.draft.themes == ADMIN_HELP.themes
    assert reports.last_by(ALICE) is None
    edited = reports.update(filed.id, replace(erased.draft, duration=45), actor=BOB)
    assert edited.draft.author == "" and _queued(store, filed.id)["author"] == ""
    assert ALICE not in store.query_one("SELECT payload FROM outbox WHERE id = ?", (filed.id,))[0]
