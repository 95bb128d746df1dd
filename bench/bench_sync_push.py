"""Sync push: 10,000 queued visit events from an encrypted kiosk store to the service on loopback.

The service runs in its own process (`pasapas server run`), on SQLite and then on a throwaway
PostgreSQL with its default (durable) settings. Measured: `SyncEngine.sync_once()` pushing the
whole outbox (batches of 500: read the outbox, POST, check every acknowledgement, mark sent).
Baseline, same run, same service: the same number of records POSTed by a bare `requests` loop,
500 per request, JSON prepared in advance, nothing read or marked in a store. Goal: >= 2,000
records/s on both databases.

    .venv/bin/python bench/bench_sync_push.py [--quick]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from pasapas.app.outbox import Outbox  # noqa: E402
from pasapas.sync.client import SyncEngine, enroll  # noqa: E402
from tests.sync.support import (  # noqa: E402
    Central,
    PostgresCluster,
    ServiceProcess,
    add_visits,
    new_store,
)

GOAL = 2000.0


def _bare_push(url: str, token: str, count: int) -> float:
    batches = []
    for start in range(0, count, 500):
        batches.append(
            {
                "records": [
                    {
                        "id": str(uuid.uuid4()),
                        "type": "visit_event",
                        "type_version": 1,
                        "payload": {
                            "procedure_id": "carte-vitale",
                            "outcome": "finished",
                            "minutes": i % 40,
                            "language": "fr",
                            "day": "2026-11-28",
                        },
                    }
                    for i in range(start, min(count, start + 500))
                ]
            }
        )
    session = requests.Session()
    began = time.perf_counter()
    for body in batches:
        answer = session.post(
            f"{url}/api/v1/records",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        answer.raise_for_status()
    return time.perf_counter() - began


def run(label: str, db_url: str, folder: Path, count: int) -> tuple[float, float]:
    central = Central(db_url)
    service = ServiceProcess(db_url, folder / f"service-{label}")
    try:
        store = new_store(folder / f"kiosk-{label}" / "pasapas.db")
        enrolment = enroll(store, service.url, central.code(), allow_http=True)
        add_visits(store, count)
        began = time.perf_counter()
        report = SyncEngine(store, timeout=(5.0, 60.0)).sync_once()
        engine_s = time.perf_counter() - began
        assert report.sent == count and Outbox(store).counts().queued == 0
        assert central.db.count_records(enrolment.device_id) == count
        bare_s = _bare_push(service.url, enrolment.token, count)
        store.close()
    finally:
        service.stop()
        central.close()
    engine_rate, bare_rate = count / engine_s, count / bare_s
    print(
        f"[{label}] SyncEngine {engine_s:6.2f} s = {engine_rate:7,.0f} records/s | "
        f"bare requests loop {bare_s:6.2f} s = {bare_rate:7,.0f} records/s | "
        f"RATIO engine/bare time {engine_s / bare_s:.2f}"
    )
    return engine_rate, bare_rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    count = 2000 if args.quick else 10_000
    print(f"== sync push: {count:,} queued records to the service on loopback ==")
    with tempfile.TemporaryDirectory(prefix="pasapas-bench-push-") as tmp:
        folder = Path(tmp)
        rates = {"sqlite": run("sqlite", f"sqlite:///{folder / 'server.db'}", folder, count)}
        cluster = PostgresCluster(durable=True)
        try:
            rates["postgresql"] = run("postgresql", cluster.create_database(), folder, count)
        finally:
            cluster.stop()
    worst = min(rate for rate, _ in rates.values())
    verdict = "OK" if worst >= GOAL else "MISSED"
    figures = ", ".join(f"{k} {v[0]:,.0f}/s" for k, v in rates.items())
    print(f"GOAL >= {GOAL:,.0f} records/s on SQLite and PostgreSQL: {verdict} ({figures})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
