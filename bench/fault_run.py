"""A fault run: at least 10,000 records pushed through every kind of network fault, kills of the
kiosk's sync at each point, kills of the service, and re-enrolments; then what arrived is
counted.

The kiosk is a real encrypted store; the service is `pasapas server run` in its own process (on
SQLite, or on a throwaway PostgreSQL with `--postgres`), reached through the fault proxy of the
sync tests (`tests/sync/faultproxy.py`). Rounds follow one another until the kiosk has written
`--records` visit events (a few hundred per round), each round doing one of:

- `faults`: one to four faults from the proxy's list (drop, drop-after, delay, 500, 502, 503,
  html, redirect, truncate, duplicate) injected among good requests, syncs in this process
  until the outbox is empty;
- `kill-kiosk`: a sync in its own process, SIGKILLed at one of its checkpoints (after reading
  the outbox, after the service acknowledged, between batches, after a content page arrived,
  after it was verified, after it was imported) or in the middle of a content import;
- `kill-mid-upload`: a sync in its own process, SIGKILLed while the proxy holds its upload
  half-way;
- `kill-service`: the service SIGKILLed while it answers the sync (at its second request), then
  started again on the same port;
- `re-enrol`: an acknowledgement lost (drop-after), then the kiosk enrolled again under a new
  device of the same site.

Content is published along the way (and one procedure withdrawn), so content pages are pulled
and imported while the faults and kills happen. At the end every fault is cleared and the kiosk
syncs until its outbox is empty. Printed: records written, acknowledged on the kiosk, held by
the service, lost (written but not held), doubled (held more than once, or under another id),
left in "needs attention", and the catalog compared with the service's.

    .venv/bin/python bench/fault_run.py [--records 12000] [--seed 9] [--postgres]

Not run by `make test` (it takes a few minutes).
"""

from __future__ import annotations

import argparse
import contextlib
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from pasapas.app.outbox import Outbox, SyncState  # noqa: E402
from pasapas.app.store import Store  # noqa: E402
from pasapas.sync.client import SyncEngine, SyncError, enroll  # noqa: E402
from pasapas.sync.server.storage import records  # noqa: E402
from tests.conftest import PASSPHRASE  # noqa: E402
from tests.sync.faultproxy import FAULTS, FaultProxy  # noqa: E402
from tests.sync.support import (  # noqa: E402
    Central,
    PostgresCluster,
    ServiceProcess,
    add_visits,
    catalog_versions,
    many_procedures,
    new_store,
    visit_ids,
)

TIMEOUT = (1.0, 3.0)  # the proxy's "delay" holds an answer 3.5 s: longer than the kiosk waits
CHECKPOINTS = (
    "outbox-read",
    "acknowledged",
    "batch-recorded",
    "content-received",
    "content-verified",
    "content-imported",
)


class Run:
    def __init__(self, folder: Path, db_url: str, seed: int) -> None:
        self.folder = folder
        self.db_url = db_url
        self.rng = random.Random(seed)
        self.central = Central(db_url)
        self.service = ServiceProcess(db_url, folder / "service")
        self.port = self.service.port
        self.proxy = FaultProxy.to(self.service.url, delay_seconds=3.5)
        self.store_path = folder / "kiosk" / "pasapas.db"
        new_store(self.store_path).close()
        self.devices: list[str] = []
        self.tally: Counter[str] = Counter()
        self.version = 1
        self.fault_cycle: list[str] = []  # every kind of fault in turn, in a shuffled order
        with self.store() as store:
            self._enrol(store)

    @contextlib.contextmanager
    def store(self):
        store = Store.open(self.store_path, PASSPHRASE)
        try:
            yield store
        finally:
            store.close()

    def _enrol(self, store: Store) -> None:
        for _attempt in range(20):  # through the proxy: a fault may be waiting for it
            try:
                enrolment = enroll(store, self.proxy.url, self.central.code(), allow_http=True)
            except SyncError:
                self.tally["failed syncs"] += 1
                continue
            self.devices.append(enrolment.device_id)
            return
        raise AssertionError("could not enrol through the proxy")

    # -- syncing -----------------------------------------------------------------------------

    def drain(self, store: Store, limit_s: float = 300) -> None:
        """Sync as the scheduler would until the outbox is empty and no fault is waiting."""
        deadline = time.monotonic() + limit_s
        while True:
            if time.monotonic() > deadline:
                raise AssertionError("the backlog did not drain in time")
            try:
                SyncEngine(store, timeout=TIMEOUT).sync_once()
                self.tally["syncs"] += 1
            except SyncError:
                self.tally["failed syncs"] += 1
                continue
            if Outbox(store).counts().queued == 0 and not self.proxy.plan:
                return

    def driver(self, *options: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.sync.kiosk_driver", str(self.store_path),
             "--read-timeout", str(TIMEOUT[1]), *options],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip

    # -- the rounds ----------------------------------------------------------------------------

    def round(self, number: int) -> int:
        visits = self.rng.randint(200, 700)
        with self.store() as store:
            add_visits(store, visits)
        if number % 4 == 1:
            self.version += 1
            self.central.publish(many_procedures(self.rng.randint(40, 260), version=self.version))
        if number == 9:
            self.central.withdraw(["demarche-0007"])
        kind = self.rng.choice(
            ["faults", "faults", "kill-kiosk", "kill-kiosk", "kill-mid-upload", "kill-service",
             "re-enrol"]
        )  # fmt: skip
        getattr(self, "_" + kind.replace("-", "_"))()
        self.tally["rounds: " + kind] += 1
        with self.store() as store:
            self.drain(store)
        return visits

    def _next_fault(self) -> str:
        if not self.fault_cycle:
            self.fault_cycle = list(FAULTS)
            self.rng.shuffle(self.fault_cycle)
        return self.fault_cycle.pop()

    def _faults(self) -> None:
        faults = [self._next_fault() for _ in range(self.rng.randint(2, 6))]
        plan: list[str | None] = [*faults, *([None] * self.rng.randint(0, 4))]
        self.rng.shuffle(plan)
        self.proxy.inject(plan)

    def _kill_kiosk(self) -> None:
        if self.rng.random() < 0.2:
            options = ["--kill-mid-import"]
            self.version += 1  # something to import, so that there is an import to kill
            self.central.publish(many_procedures(60, version=self.version))
        else:
            options = ["--kill-at", self.rng.choice(CHECKPOINTS)]
        if self.rng.random() < 0.5:
            self.proxy.inject([None, self._next_fault()])  # and a fault on the way
        process = self.driver(*options)
        code = process.wait(180)
        if code == -9:
            self.tally["kiosk kills"] += 1
            self.tally["  killed at " + options[-1].lstrip("-")] += 1

    def _kill_mid_upload(self) -> None:
        self.proxy.held.clear()
        self.proxy.release.clear()
        self.proxy.inject(["hold-mid-upload"])
        process = self.driver()
        deadline = time.monotonic() + 60
        while not self.proxy.held.wait(0.05):
            if process.poll() is not None or time.monotonic() > deadline:
                break  # nothing was queued: the sync did not upload
        if process.poll() is None:
            process.kill()
            if process.wait(30) == -9:
                self.tally["kiosk kills"] += 1
                self.tally["  killed mid-upload"] += 1
        self.proxy.release.set()
        with contextlib.suppress(ValueError):
            self.proxy.plan.remove("hold-mid-upload")

    def _kill_service(self) -> None:
        seen = self.proxy.seen

        def kill_on_second(number: int) -> None:
            if number == seen + 2:
                self.service.kill()

        self.proxy.on_request = kill_on_second
        try:
            with self.store() as store, contextlib.suppress(SyncError):
                SyncEngine(store, timeout=TIMEOUT).sync_once()
        finally:
            self.proxy.on_request = None
        if self.service.process.poll() is not None:
            self.tally["service kills"] += 1
            self.service = ServiceProcess(self.db_url, self.folder / "service", port=self.port)

    def _re_enrol(self) -> None:
        self.proxy.inject(["drop-after"])  # the service stores the batch, the answer is lost
        with self.store() as store:
            with contextlib.suppress(SyncError):
                SyncEngine(store, timeout=TIMEOUT).sync_once()
            self._enrol(store)
        self.tally["re-enrolments"] += 1

    # -- the count -----------------------------------------------------------------------------

    def count(self) -> dict[str, int]:
        self.proxy.plan.clear()
        self.proxy.offline = False
        with self.store() as store:
            self.drain(store)
            written = visit_ids(store)
            counts = Outbox(store).counts()
            catalog_ok = catalog_versions(store) == self.central.latest_catalog()
            store_ok = store.check() == []
            device = SyncState(store).enrolment().device_id
        with self.central.db.engine.begin() as conn:
            held = [row[0] for row in conn.execute(select(records.c.id))]
            total = conn.execute(select(func.count()).select_from(records)).scalar_one()
            distinct = conn.execute(select(func.count(func.distinct(records.c.id)))).scalar_one()
        held_set = set(held)
        return {
            "written": len(written),
            "acknowledged": counts.sent,
            "queued": counts.queued,
            "attention": counts.attention,
            "held": len(held_set),
            "lost": len(written - held_set),
            "doubled": (total - distinct) + len(held_set - written),
            "catalog_ok": int(catalog_ok),
            "store_ok": int(store_ok),
            "devices": len(set(self.devices)),
            "last_device_records": self.central.db.count_records(device),
        }

    def close(self) -> None:
        self.proxy.close()
        self.service.stop()
        self.central.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=12_000)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pasapas-fault-run-") as tmp:
        folder = Path(tmp)
        cluster = PostgresCluster(durable=True) if args.postgres else None
        db_url = cluster.create_database() if cluster else f"sqlite:///{folder / 'server.db'}"
        run = Run(folder, db_url, args.seed)
        try:
            written = 0
            number = 0
            while written < args.records:
                number += 1
                written += run.round(number)
                print(f"round {number:2d}: {written:6,d} records written", flush=True)
            figures = run.count()
        finally:
            run.close()
            if cluster:
                cluster.stop()
    faults = Counter(run.proxy.faults_applied)
    elapsed = time.monotonic() - began
    print()
    print(f"database: {'PostgreSQL' if args.postgres else 'SQLite'}, seed {args.seed}, "
          f"{elapsed:.0f} s")  # fmt: skip
    print(f"records written by the kiosk:   {figures['written']:7,d}")
    print(f"acknowledged (marked sent):     {figures['acknowledged']:7,d}")
    print(f"held by the service:            {figures['held']:7,d}")
    print(f"lost:                           {figures['lost']:7,d}")
    print(f"doubled:                        {figures['doubled']:7,d}")
    print(f"still queued / needs attention: {figures['queued']:7,d} / {figures['attention']:,d}")
    print(f"catalog equal to the service's: {'yes' if figures['catalog_ok'] else 'NO'}; "
          f"store check: {'clean' if figures['store_ok'] else 'DAMAGED'}")  # fmt: skip
    print(f"devices (enrolments):           {figures['devices']:7,d}")
    print(f"network faults applied:         {sum(faults.values()):7,d} "
          f"({', '.join(f'{k} {v}' for k, v in sorted(faults.items()))})")  # fmt: skip
    for key in sorted(run.tally):
        print(f"{key + ':':32s}{run.tally[key]:7,d}")
    ok = (
        figures["lost"] == 0
        and figures["doubled"] == 0
        and figures["queued"] == 0
        and figures["attention"] == 0
        and figures["written"] == figures["acknowledged"] == figures["held"]
        and figures["catalog_ok"]
        and figures["store_ok"]
        and figures["written"] >= args.records
    )
    print("RESULT: " + ("OK, nothing lost, nothing doubled" if ok else "MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
