"""Nothing lost, nothing doubled: kills at each point of a sync, a proxy that injects faults, a
service restarted mid-sync, two service processes on one PostgreSQL, five kiosks at once."""

from __future__ import annotations

import contextlib
import random
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pasapas.app.outbox import Outbox, SyncState
from pasapas.app.store import Store
from pasapas.sync.client import SyncEngine, SyncError, enroll
from tests.conftest import PASSPHRASE
from tests.sync.faultproxy import FAULTS, FaultProxy
from tests.sync.support import (
    ROOT,
    Central,
    ServiceProcess,
    add_visits,
    catalog_versions,
    many_procedures,
    visit_ids,
    wait_for,
)

TIMEOUT = (1.0, 3.0)


def _device(store: Store) -> str:
    return SyncState(store).enrolment().device_id


def _sync_until_done(store: Store, deadline_s: float, proxy: FaultProxy | None = None) -> int:
    """Sync again and again (as the scheduler would) until the outbox is empty and the proxy
    has no fault left to apply; returns how many syncs failed on the way."""
    failures = 0
    deadline = time.monotonic() + deadline_s
    while True:
        assert time.monotonic() < deadline, "the backlog did not drain in time"
        try:
            SyncEngine(store, timeout=TIMEOUT).sync_once()
        except SyncError:
            failures += 1
            continue
        if Outbox(store).counts().queued == 0 and not (proxy and proxy.plan):
            return failures


def _exactly_once(store: Store, db) -> None:
    ids = visit_ids(store)
    on_service = db.record_ids(_device(store))
    assert len(on_service) == len(set(on_service)) == len(ids)
    assert set(on_service) == ids
    counts = Outbox(store).counts()
    assert (counts.queued, counts.attention, counts.sent) == (0, 0, len(ids))


# -- SIGKILL at each point of a sync ------------------------------------------------------------


def _driver(store_path: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tests.sync.kiosk_driver", str(store_path), *options],
        cwd=ROOT, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip


@pytest.mark.parametrize(
    "kill",
    [
        ["--kill-at", "outbox-read"],  # after reading the outbox, before sending
        ["--kill-at", "acknowledged"],  # the service committed, the kiosk has not recorded it
        ["--kill-at", "batch-recorded"],  # between two batches
        ["--kill-mid-import"],  # inside the content import's transaction
        ["--kill-at", "content-imported"],  # imported, cursor not yet saved
    ],
    ids=["outbox-read", "acknowledged", "between-batches", "mid-import", "before-cursor"],
)
def test_a_kill_at_any_point_of_a_sync_loses_and_doubles_nothing(
    kill, central, service, make_store
):
    store = make_store()
    enroll(store, service.url, central.code(), allow_http=True)
    add_visits(store, 1100)
    central.publish(many_procedures(250))
    store.close()
    killed = _driver(store.path, *kill)
    assert killed.returncode == -9, killed.stdout + killed.stderr
    finished = _driver(store.path)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    with Store.open(store.path, PASSPHRASE) as reopened:
        assert reopened.check() == []
        _exactly_once(reopened, service.db)
        assert catalog_versions(reopened) == central.latest_catalog()
        search_rows = reopened.query("SELECT count(DISTINCT procedure_id) FROM search_rows")
        assert search_rows[0][0] == 250


def test_a_kill_mid_upload_loses_and_doubles_nothing(central, service, make_store):
    proxy = FaultProxy.to(service.url)
    try:
        store = make_store()
        enroll(store, proxy.url, central.code(), allow_http=True)
        add_visits(store, 700)
        store.close()
        proxy.inject(["hold-mid-upload"])
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.sync.kiosk_driver", str(store.path)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(proxy.held.is_set, 60, "the upload to be half-way")
        process.kill()
        assert process.wait(30) == -9
        process.stdout.close()
        process.stderr.close()
        proxy.release.set()
        finished = _driver(store.path)
        assert finished.returncode == 0, finished.stdout + finished.stderr
        with Store.open(store.path, PASSPHRASE) as reopened:
            _exactly_once(reopened, service.db)
    finally:
        proxy.close()


# -- faults on the way -----------------------------------------------------------------------


def test_a_10000_record_backlog_through_20_random_faults_arrives_exactly_once(
    central, service, make_store
):
    rng = random.Random(20261129)
    proxy = FaultProxy.to(service.url, delay_seconds=3.5)
    try:
        store = make_store()
        enroll(store, proxy.url, central.code(), allow_http=True)
        add_visits(store, 10_000)
        faults = [rng.choice(FAULTS) for _ in range(20)]
        plan: list[str | None] = [*faults, *([None] * 25)]
        rng.shuffle(plan)
        proxy.inject(plan)
        failures = _sync_until_done(store, 240, proxy)
        assert proxy.faults_applied == [f for f in plan if f]
        assert failures >= 10  # most faults really made a sync stop short
        _exactly_once(store, service.db)
        assert len(visit_ids(store)) == 10_000
    finally:
        proxy.close()


def test_a_service_killed_and_restarted_mid_sync_loses_and_doubles_nothing(
    central, database_url, make_store, tmp_path
):
    running = [ServiceProcess(database_url, tmp_path / "service")]
    port = running[0].port
    proxy = FaultProxy.to(running[0].url)

    def kill_on_third(number: int) -> None:
        if number == 3:
            running[0].kill()

    proxy.on_request = kill_on_third
    try:
        store = make_store()
        enroll(store, proxy.url, central.code(), allow_http=True)
        add_visits(store, 2600)
        with pytest.raises(SyncError):
            SyncEngine(store, timeout=TIMEOUT).sync_once()
        assert 0 < Outbox(store).counts().queued < 2600  # stopped half-way
        running[0] = ServiceProcess(database_url, tmp_path / "service", port=port)
        _sync_until_done(store, 60)
        _exactly_once(store, central.db)
    finally:
        proxy.close()
        running[0].stop()


def test_two_service_processes_on_one_postgresql_with_the_kiosk_alternating(
    postgres, make_store, tmp_path
):
    url = postgres.create_database()
    central = Central(url)
    services = [ServiceProcess(url, tmp_path / f"service-{i}") for i in range(2)]
    proxy = FaultProxy.to(*(s.url for s in services))
    try:
        store = make_store()
        enroll(store, proxy.url, central.code(), allow_http=True)
        add_visits(store, 3000)
        central.publish(many_procedures(120))
        # Duplicates go to both processes at once; drop-after commits on one and answers nothing.
        proxy.inject(
            ["duplicate", None, "drop-after", "duplicate", "duplicate", None, "drop-after"]
        )
        _sync_until_done(store, 90, proxy)
        add_visits(store, 200)
        _sync_until_done(store, 30)
        _exactly_once(store, central.db)
        assert catalog_versions(store) == central.latest_catalog()
    finally:
        proxy.close()
        for running in services:
            running.stop()
        central.close()
        postgres.drop_database(url)


def test_five_kiosks_with_offline_periods_and_interrupted_syncs(central, service, make_store):
    rng = random.Random(5)
    kiosks = []
    for i in range(5):
        proxy = FaultProxy.to(service.url, delay_seconds=3.5)
        store = make_store(f"kiosk-{i}")
        enroll(store, proxy.url, central.code(), allow_http=True)
        kiosks.append((store, proxy))
    central.publish(many_procedures(30))

    def round_for(index: int, store: Store, proxy: FaultProxy, plan: tuple) -> None:
        offline, fault, visits = plan
        add_visits(store, visits)
        proxy.offline = offline
        if fault:
            proxy.inject([fault])
        stop = threading.Event()
        engine = SyncEngine(store, timeout=TIMEOUT, stop=stop, batch_size=100)
        with contextlib.suppress(SyncError):  # offline or faulted: it stops short, as it may
            engine.sync_once()

    try:
        for round_number in range(6):
            if round_number in (2, 4):
                central.publish(many_procedures(30 + 10 * round_number, version=round_number))
            if round_number == 5:
                central.withdraw(["demarche-0003"])
            plans = [
                (rng.random() < 0.35, rng.choice([None, None, *FAULTS]), rng.randint(20, 260))
                for _ in kiosks
            ]
            with ThreadPoolExecutor(5) as pool:
                for future in [
                    pool.submit(round_for, i, store, proxy, plans[i])
                    for i, (store, proxy) in enumerate(kiosks)
                ]:
                    future.result(120)
        for store, proxy in kiosks:  # back online for good
            proxy.offline = False
            proxy.plan.clear()
            _sync_until_done(store, 60)
        expected = sum(len(visit_ids(store)) for store, _ in kiosks)
        assert service.db.count_records() == expected
        for store, _ in kiosks:
            _exactly_once(store, service.db)
            assert catalog_versions(store) == central.latest_catalog()
        assert "demarche-0003" not in central.latest_catalog()
    finally:
        for _, proxy in kiosks:
            proxy.close()
