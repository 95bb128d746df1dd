"""Statistics: the help point's reports and visits counted over a period, by dimension, and
exported as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import sqlcipher3

from pasapas.app.audit import AuditLog
from pasapas.app.errors import PasapasError
from pasapas.app.guide import Outcome
from pasapas.app.reports import ADMIN_THEME, ReportDraft, Reports
from pasapas.app.services import create_store
from pasapas.app.settings import Paths
from pasapas.app.stats import Period, activity, duration_band, export_stats_csv
from pasapas.app.store import Store
from pasapas.app.visits import VisitLog
from tests.app.helpers import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]
PERIOD = ("--from", "2026-11-01", "--to", "2026-11-30")
DAY = dt.date(2026, 11, 30)  # a Monday
ALICE = "a1b2c3d4e5f60718"
HELP = ReportDraft(
    day=DAY,
    themes=(ADMIN_THEME, "sante"),
    admin_subthemes=("social_sante",),
    procedure_id="carte-vitale",
    language="ar",
)


@pytest.fixture
def store(tmp_path: Path):
    with Store.create(tmp_path / "pasapas.db", PASSPHRASE) as store:
        yield store


def _visit(store: Store, day: dt.date, procedure: str, finished: bool, minutes: int = 10) -> None:
    VisitLog(store, today=lambda: day).record(Outcome(procedure, finished, minutes, "fr"))


def _fill(store: Store) -> Reports:
    reports = Reports(store)
    reports.file(HELP, actor=ALICE)
    reports.file(replace(HELP, duration=90, autonomy="autonome"), actor=ALICE)
    reports.file(
        replace(HELP, day=DAY - dt.timedelta(days=1), themes=("email",), language="fr"),
        actor=ALICE,
    )
    reports.file(
        replace(
            HELP,
            day=DAY - dt.timedelta(days=20),
            kind="collectif",
            themes=("email",),
            workshop_title="Courriels",
            workshop_level="debutant",
            participants=7,
            duration=120,
        ),
        actor=ALICE,
    )
    reports.file(replace(HELP, day=dt.date(2026, 6, 1)), actor=ALICE)  # another month
    _visit(store, DAY, "carte-vitale", True)
    _visit(store, DAY, "carte-vitale", False, 3)
    _visit(store, DAY - dt.timedelta(days=2), "teleconsultation", True, 20)
    return reports


def test_periods_are_whole_weeks_months_and_years():
    assert Period.week_of(dt.date(2026, 12, 3)) == Period(DAY, dt.date(2026, 12, 6))
    assert Period.month_of(dt.date(2026, 2, 14)) == Period(
        dt.date(2026, 2, 1), dt.date(2026, 2, 28)
    )
    assert Period.year_of(DAY) == Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert Period.last_days(7, DAY) == Period(dt.date(2026, 11, 24), DAY)
    assert Period.last_months(12, DAY) == Period(dt.date(2025, 12, 1), DAY)
    assert Period.last_months(12, DAY).months[0] == "2025-12"
    assert len(Period.last_months(12, DAY).months) == 12
    with pytest.raises(PasapasError, match="avant"):
        Period(DAY, DAY - dt.timedelta(days=1))


def test_an_empty_store_has_no_activity(store: Store):
    figures = activity(store, Period.year_of(DAY))
    assert (figures.helps, figures.visits, figures.minutes, figures.by_theme) == (0, 0, 0, ())


def test_the_months_activity_counts_each_dimension(store: Store):
    _fill(store)

    figures = activity(store, Period.month_of(DAY))

    assert figures.helps == 4
    assert figures.participants == 1 + 1 + 1 + 7
    assert figures.minutes == 30 + 90 + 30 + 120
    assert figures.by_month == (("2026-11", 4),)
    assert figures.by_week == (("2026-W46", 1), ("2026-W48", 1), ("2026-W49", 2))
    assert figures.by_theme == ((ADMIN_THEME, 2), ("email", 2), ("sante", 2))
    assert figures.by_admin_subtheme == (("social_sante", 2),)
    assert figures.by_autonomy == (("entierement_accompagne", 2), ("autonome", 1))
    assert figures.by_language == (("ar", 3), ("fr", 1))
    assert figures.by_procedure == (("carte-vitale", 4),)
    assert figures.by_duration_band == (("max_30", 2), ("max_90", 1), ("max_120", 1))
    assert figures.by_place == (("lieu_activite", 4),)
    assert figures.by_kind == (("individuel", 3), ("collectif", 1))
    assert figures.visits == 3 and figures.visits_finished == 2
    assert figures.visit_minutes == 33
    assert figures.visits_by_procedure == (("carte-vitale", 2), ("teleconsultation", 1))


def test_a_period_leaves_out_the_days_outside_it(store: Store):
    _fill(store)
    week = activity(store, Period.week_of(DAY))
    assert week.helps == 2 and week.visits == 2
    assert activity(store, Period.year_of(DAY)).helps == 5
    assert (
        activity(store, Period(DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=9))).helps == 0
    )


def test_editing_a_report_moves_its_counts(store: Store):
    reports = _fill(store)
    mine = reports.last_by(ALICE)
    assert mine is not None
    reports.update(
        mine.id,
        replace(mine.draft, day=DAY, themes=("bureautique",), autonomy="partiellement_autonome"),
        actor=ALICE,
    )

    figures = activity(store, Period.month_of(DAY))
    assert figures.helps == 5
    assert ("bureautique", 1) in figures.by_theme
    assert ("partiellement_autonome", 1) in figures.by_autonomy
    assert activity(store, Period.month_of(dt.date(2026, 6, 1))).helps == 0


def test_duration_bands():
    assert [duration_band(m) for m in (1, 15, 16, 45, 61, 120, 121, 1439)] == [
        "max_15",
        "max_15",
        "max_30",
        "max_45",
        "max_90",
        "max_120",
        "plus_120",
        "plus_120",
    ]


def test_the_stats_csv_has_the_totals_and_one_section_per_dimension(store: Store, tmp_path: Path):
    _fill(store)
    out = tmp_path / "stats.csv"

    written = export_stats_csv(activity(store, Period.month_of(DAY)), out, store=store, actor=ALICE)

    assert written == out
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0] == ["Période", "2026-11-01", "2026-11-30"]
    assert ["Accompagnements", "4"] in rows
    assert ["Visites à la borne", "3"] in rows
    theme_at = rows.index(["Par thématique"])
    assert rows[theme_at + 1] == ["Code", "Libellé", "Nombre"]
    assert ["sante", "Santé", "2"] in rows[theme_at:]
    assert ["entierement_accompagne", "Entièrement accompagné", "2"] in rows
    assert ["ar", "arabe", "3"] in rows
    assert ["max_90", "1 h à 1 h 30", "1"] in rows
    entry = AuditLog(store).entries(1)[0]
    assert (entry.action, entry.actor, entry.detail["format"]) == ("stats_export", ALICE, "csv")
    with pytest.raises(PasapasError, match=r"\.csv"):
        export_stats_csv(activity(store, Period.month_of(DAY)), tmp_path / "stats.xlsx")


def test_visit_events_of_an_older_store_are_counted_once_migrated(tmp_path: Path):
    path = tmp_path / "pasapas.db"
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = '{PASSPHRASE}'")
    Store(conn, path, PASSPHRASE).migrate(4)
    conn.executemany(
        "INSERT INTO visit_events (id, procedure_id, outcome, minutes, language, day) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            ("e1", "carte-vitale", "finished", 12, "ar", "2026-02-03"),
            ("e2", "carte-vitale", "abandoned", 4, "fr", "2026-02-03"),
            ("e3", "teleconsultation", "finished", 20, "ar", "2026-02-10"),
        ],
    )
    conn.close()

    with Store.open(path, PASSPHRASE) as store:
        figures = activity(store, Period.month_of(dt.date(2026, 2, 1)))
        assert (figures.visits, figures.visits_finished, figures.visit_minutes) == (3, 2, 36)
        assert figures.visits_by_language == (("ar", 2), ("fr", 1))
        _visit(store, dt.date(2026, 2, 11), "carte-vitale", True)
        assert activity(store, Period.month_of(dt.date(2026, 2, 1))).visits == 4


def test_stats_export_on_the_command_line(tmp_path: Path):
    home = tmp_path / "home"
    store, _report = create_store(Paths.under(home).ensure(), PASSPHRASE)
    with store:
        _fill(store)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PASAPAS_")}
    env |= {"PASAPAS_HOME": str(home), "PASAPAS_PASSPHRASE": PASSPHRASE}
    out = tmp_path / "stats.csv"
    done = subprocess.run(
        [sys.executable, "-m", "pasapas", "stats", "export", *PERIOD, str(out)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert ["Accompagnements", "4"] in list(
        csv.reader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter=";")
    )
