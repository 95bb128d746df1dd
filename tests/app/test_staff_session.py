"""The staff session's delays, the visit kept for staff, and the running kiosk's lock (Qt-free)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pasapas.app.guide import Outcome
from pasapas.app.instance import KioskLock, KioskRunningError, kiosk_running
from pasapas.app.settings import STAFF_REAUTH_MINUTES, Paths
from pasapas.app.staff import StaffAccount, StaffDisplay
from pasapas.app.staff_session import LastVisit, SessionState, StaffSession
from pasapas.app.store import Store
from tests.app.helpers import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def minutes(self, n: float) -> None:
        self.now += n * 60


def _account(role: str = "volunteer") -> StaffAccount:
    return StaffAccount(
        id="a1",
        display_name="Awa",
        role=role,
        secret_kind="pin",
        active=True,
        failures=0,
        locked_until=None,
        display=StaffDisplay(),
        created_on=dt.date(2026, 1, 5),
        last_login_on=None,
    )


def test_the_pin_is_asked_again_after_15_idle_minutes_and_only_the_pin_clears_it():
    clock = Clock()
    session = StaffSession(_account(), mode_minutes=60, clock=clock)
    clock.minutes(STAFF_REAUTH_MINUTES - 1)
    assert session.state is SessionState.ACTIVE
    session.touch()  # staff worked: the delay starts again
    clock.minutes(STAFF_REAUTH_MINUTES - 1)
    assert session.state is SessionState.ACTIVE
    clock.minutes(1)
    assert session.state is SessionState.NEEDS_PIN
    session.touch()  # touching the screen is not the PIN
    assert session.state is SessionState.NEEDS_PIN
    session.confirmed(_account())
    assert session.state is SessionState.ACTIVE


def test_visitor_mode_comes_back_after_the_sites_staff_minutes():
    clock = Clock()
    session = StaffSession(_account(), mode_minutes=30, clock=clock)
    clock.minutes(29)
    assert session.state is SessionState.NEEDS_PIN
    clock.minutes(1)
    assert session.state is SessionState.EXPIRED
    short = StaffSession(_account(), mode_minutes=5, clock=clock)
    clock.minutes(5)
    assert short.state is SessionState.EXPIRED  # fewer minutes than the PIN's delay: ends first


def test_staff_minutes_out_of_bounds_are_brought_within_them():
    assert StaffSession(_account(), mode_minutes=0).mode_minutes == 5
    assert StaffSession(_account(), mode_minutes=10_000).mode_minutes == 240


def test_the_last_visit_is_kept_30_minutes_at_most():
    last = LastVisit(Outcome("carte-vitale", True, 7, "ar"), ("debut", "fin"), ended=100.0)
    assert last.fresh(100.0 + 29 * 60)
    assert not last.fresh(100.0 + 30 * 60)


def test_the_kiosk_lock_is_exclusive_and_released(paths: Paths):
    assert not kiosk_running(paths)
    with KioskLock(paths):
        assert kiosk_running(paths)
        with pytest.raises(KioskRunningError, match="déjà ouverte"):
            KioskLock(paths).acquire()
    assert not kiosk_running(paths)


def _cli(home: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PASAPAS_")}
    env.update(PASAPAS_HOME=str(home), PASAPAS_PASSPHRASE=PASSPHRASE, **extra)
    return subprocess.run(
        [sys.executable, "-m", "pasapas", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_db_rekey_and_restore_refuse_while_the_kiosk_runs(paths: Paths, pasapas_home: Path):
    Store.create(paths.store, PASSPHRASE).close()
    backup = paths.backup_dir / "copie.db"
    with Store.open(paths.store, PASSPHRASE) as store:
        store.backup(backup)
    before = paths.store.read_bytes()
    with KioskLock(paths):
        rekey = _cli(pasapas_home, "db", "rekey", PASAPAS_NEW_PASSPHRASE="une toute autre phrase")
        restore = _cli(pasapas_home, "db", "restore", str(backup))
    assert rekey.returncode == 1 and restore.returncode == 1
    assert "Traceback" not in rekey.stderr + restore.stderr
    assert "La borne est ouverte : changez le mot de passe" in rekey.stderr
    assert "La borne est ouverte : restaurez la sauvegarde" in restore.stderr
    assert paths.store.read_bytes() == before
    Store.open(paths.store, PASSPHRASE).close()  # the old passphrase still opens it
    # Once the kiosk is closed, the same command works.
    again = _cli(pasapas_home, "db", "rekey", PASAPAS_NEW_PASSPHRASE="une toute autre phrase")
    assert again.returncode == 0, again.stderr
