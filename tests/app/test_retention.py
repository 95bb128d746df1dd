"""The retention purge: what is past retention leaves the store, its monthly aggregates stay and
the statistics still count it; records not yet sent are never purged."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from pasapas.app.audit import AuditLog
from pasapas.app.guide import Outcome
from pasapas.app.outbox import Outbox
from pasapas.app.reports import ADMIN_THEME, ReportDraft, Reports
from pasapas.app.retention import cutoff_day, purge, purge_if_due
from pasapas.app.services import create_store
from pasapas.app.settings import Paths
from pasapas.app.stats import Period, activity
from pasapas.app.store import Store
from pasapas.app.visits import VisitLog
from tests.app.helpers import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2027, 2, 15)
OLD = dt.date(2025, 12, 10)  # 14 months before: past 12 months of retention
RECENT = dt.date(2026, 3, 2)  # within the 12 whole months before February 2027
ALICE = "a1b2c3d4e5f60718"
HELP = ReportDraft(
    day=OLD,
    themes=(ADMIN_THEME, "sante"),
    admin_subthemes=("social_sante",),
    procedure_id="carte-vitale",
    language="ar",
    notes="Revenir avec le courrier de la CPAM",
)


@pytest.fixture
def store(tmp_path: Path):
    with Store.create(tmp_path / "pasapas.db", PASSPHRASE) as store:
        yield store


def _visit(store: Store, day: dt.date, finished: bool = True) -> str:
    return VisitLog(store, today=lambda: day).record(Outcome("carte-vitale", finished, 12, "uk"))


def _send_everything(store: Store) -> None:
    Outbox(store).settle([row[0] for row in store.query("SELECT id FROM outbox")], [])


def _count(store: Store, table: str) -> int:
    return store.query_one(f"SELECT count(*) FROM {table}")[0]


def test_the_cutoff_is_whole_months_before_this_month():
    assert cutoff_day(TODAY, 12) == dt.date(2026, 2, 1)
    assert cutoff_day(dt.date(2026, 1, 31), 3) == dt.date(2025, 10, 1)


def test_the_purge_removes_what_is_past_retention_and_keeps_its_aggregates(store: Store):
    reports = Reports(store)
    old = [
        reports.file(HELP, actor=ALICE),
        reports.file(replace(HELP, duration=90, themes=("email",)), actor=ALICE),
    ]
    kept = reports.file(replace(HELP, day=RECENT), actor=ALICE)
    old_visits = [_visit(store, OLD), _visit(store, OLD, finished=False)]
    kept_visit = _visit(store, RECENT)
    _send_everything(store)
    before = activity(store, Period.month_of(OLD))

    done = purge(store, TODAY, 12, actor=ALICE)

    assert (done.reports, done.visit_events) == (2, 2)
    # The rows are gone, with their themes and their sent outbox entries.
    assert [r.id for r in reports.between(OLD, TODAY)] == [kept.id]
    assert _count(store, "accompaniment_report_themes") == 3
    gone = [r.id for r in old] + old_visits
    marks = ",".join("?" * len(gone))
    assert store.query(f"SELECT count(*) FROM outbox WHERE id IN ({marks})", gone) == [(0,)]
    assert store.query("SELECT id FROM visit_events") == [(kept_visit,)]
    assert Outbox(store).state_of(kept.id) == "sent"
    # The statistics still count them, from the monthly aggregates.
    after = activity(store, Period.month_of(OLD))
    assert (after.helps, after.minutes, after.participants) == (2, 120, 2)
    assert after.by_theme == before.by_theme
    assert after.by_admin_subtheme == (("social_sante", 1),)
    assert after.by_duration_band == before.by_duration_band
    assert after.by_autonomy == before.by_autonomy and after.by_language == (("ar", 2),)
    assert after.by_procedure == (("carte-vitale", 2),)
    assert after.by_month == (("2025-12", 2),)
    assert after.by_week == ()  # weeks are not kept
    assert (after.visits, after.visits_finished, after.visits_by_language) == (2, 1, (("uk", 2),))
    year = activity(store, Period(OLD, TODAY))
    assert (year.helps, year.visits) == (3, 3)


def test_the_purge_leaves_unsent_records_alone_until_they_are_sent(store: Store):
    reports = Reports(store)
    waiting = reports.file(HELP, actor=ALICE)
    waiting_visit = _visit(store, OLD)
    refused = reports.file(replace(HELP, duration=45), actor=ALICE)
    Outbox(store).settle([], [(refused.id, "refused by the service")])

    done = purge(store, TODAY, 12)

    assert (done.reports, done.visit_events) == (0, 0)
    assert reports.get(waiting.id).editable
    assert Outbox(store).state_of(waiting_visit) == "queued"
    assert Outbox(store).state_of(refused.id) == "attention"
    assert activity(store, Period.month_of(OLD)).helps == 2

    Outbox(store).settle([waiting.id, waiting_visit], [])
    done = purge(store, TODAY, 12)

    assert (done.reports, done.visit_events) == (1, 1)
    figures = activity(store, Period.month_of(OLD))
    assert (figures.helps, figures.visits) == (2, 1)  # each counted once, purged or not
    assert _count(store, "accompaniment_reports") == 1


def test_purging_again_changes_nothing(store: Store):
    Reports(store).file(HELP, actor=ALICE)
    _visit(store, OLD)
    _send_everything(store)
    purge(store, TODAY, 12)
    aggregates = store.query("SELECT * FROM activity_aggregates ORDER BY 1, 2, 3, 4")

    assert purge(store, TODAY, 12) == purge(store, TODAY, 12)
    assert store.query("SELECT * FROM activity_aggregates ORDER BY 1, 2, 3, 4") == aggregates
    assert activity(store, Period.month_of(OLD)).helps == 1


def test_a_longer_retention_keeps_more(store: Store):
    Reports(store).file(HELP, actor=ALICE)
    _send_everything(store)
    assert purge(store, TODAY, 24).reports == 0
    assert purge(store, TODAY, 3).reports == 1


def test_the_audit_log_records_that_a_purge_ran_and_how_many_rows_not_which(store: Store):
    filed = Reports(store).file(HELP, actor=ALICE)
    _send_everything(store)

    purge(store, TODAY, 12, actor=ALICE)

    entry = AuditLog(store).entries(1)[0]
    assert (entry.action, entry.actor) == ("purge", ALICE)
    assert entry.detail == {"reports": 1, "visit_events": 0, "workshops": 0, "months": 12}
    assert filed.id not in str(entry)
    assert AuditLog(store).verify().ok


def test_the_daily_purge_runs_once_a_day(store: Store):
    Reports(store).file(HELP, actor=ALICE)
    _send_everything(store)

    first = purge_if_due(store, TODAY, 12)
    assert first is not None and first.reports == 1
    Reports(store).file(HELP, actor=ALICE)
    _send_everything(store)
    assert purge_if_due(store, TODAY, 12) is None
    assert _count(store, "accompaniment_reports") == 1
    tomorrow = purge_if_due(store, TODAY + dt.timedelta(days=1), 12)
    assert tomorrow is not None and tomorrow.reports == 1
    assert [e.action for e in AuditLog(store).entries()].count("purge") == 2


def test_retention_purge_on_the_command_line(tmp_path: Path):
    home = tmp_path / "home"
    store, _report = create_store(Paths.under(home).ensure(), PASSPHRASE)
    with store:
        Reports(store).file(
            replace(HELP, day=dt.date.today() - dt.timedelta(days=800)), actor=ALICE
        )
        Reports(store).file(replace(HELP, day=dt.date.today()), actor=ALICE)
        _send_everything(store)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PASAPAS_")}
    env |= {"PASAPAS_HOME": str(home), "PASAPAS_PASSPHRASE": PASSPHRASE}

    done = subprocess.run(
        [sys.executable, "-m", "pasapas", "retention", "purge"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    assert re.search(r"0 visites? et 1 compte-rendu d'avant le", done.stdout), done.stdout
    with Store.open(Paths.under(home).store, PASSPHRASE) as store:
        assert _count(store, "accompaniment_reports") == 1
