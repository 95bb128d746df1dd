"""A fleet at once: 200 simulated kiosks each push 100 records at the same moment.

Each simulated kiosk is an enrolled device (its own token) with its own `ServiceClient` (the
kiosk's real HTTP layer, answers checked) on its own thread; all start together on a barrier
and push one batch of 100 records. The service runs in its own process, on SQLite and on a
throwaway PostgreSQL (default, durable settings). Reported: total throughput and p50 / p95
latency per request. Baseline, same run: the same 200 batches sent one after another.
Goal: every record stored exactly once (the figures are for capacity planning).

    .venv/bin/python bench/bench_sync_fleet.py [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from pasapas.sync.client import ServiceClient  # noqa: E402
from tests.sync.support import Central, PostgresCluster, ServiceProcess  # noqa: E402


def _records(count: int) -> list[dict]:
    return [
        {
            "id": str(uuid.uuid4()),
            "type": "visit_event",
            "type_version": 1,
            "payload": {
                "procedure_id": "attestation-droits",
                "outcome": "abandoned" if i % 4 == 0 else "finished",
                "minutes": i % 30,
                "language": "fr",
                "day": "2026-11-28",
            },
        }
        for i in range(count)
    ]


def _push(url: str, token: str, batch: list[dict]) -> float:
    client = ServiceClient(url, token=token, timeout=(10.0, 120.0))
    began = time.perf_counter()
    results = client.push(batch)
    elapsed = time.perf_counter() - began
    assert len(results) == len(batch) and all(r["status"] == "accepted" for r in results)
    return elapsed


def run(label: str, db_url: str, folder: Path, kiosks: int, per: int) -> None:
    central = Central(db_url)
    service = ServiceProcess(db_url, folder / f"service-{label}")
    try:
        tokens = [
            requests.post(
                f"{service.url}/api/v1/enrol", json={"code": central.code()}, timeout=30
            ).json()["token"]
            for _ in range(kiosks)
        ]
        batches = [_records(per) for _ in tokens]
        latencies: list[float] = [0.0] * kiosks
        barrier = threading.Barrier(kiosks + 1)

        def kiosk(i: int) -> None:
            barrier.wait()
            latencies[i] = _push(service.url, tokens[i], batches[i])

        threads = [threading.Thread(target=kiosk, args=(i,)) for i in range(kiosks)]
        for thread in threads:
            thread.start()
        barrier.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join()
        total = time.perf_counter() - began
        sequential_began = time.perf_counter()
        for i in range(kiosks):
            _push(service.url, tokens[i], _records(per))
        sequential = time.perf_counter() - sequential_began
        stored = central.db.count_records()
        assert stored == 2 * kiosks * per, stored
    finally:
        service.stop()
        central.close()
    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    records = kiosks * per
    print(
        f"[{label}] at once: {total:5.2f} s = {records / total:7,.0f} records/s, "
        f"latency p50 {statistics.median(ordered) * 1e3:6.0f} ms p95 {p95 * 1e3:6.0f} ms | "
        f"one after another: {sequential:5.2f} s = {records / sequential:7,.0f} records/s | "
        f"RATIO at-once/sequential throughput {sequential / total:.2f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    kiosks = 50 if args.quick else 200
    per = 100
    print(f"== fleet: {kiosks} simulated kiosks x {per} records, all at once ==")
    with tempfile.TemporaryDirectory(prefix="pasapas-bench-fleet-") as tmp:
        folder = Path(tmp)
        run("sqlite", f"sqlite:///{folder / 'server.db'}", folder, kiosks, per)
        cluster = PostgresCluster(durable=True)
        try:
            run("postgresql", cluster.create_database(), folder, kiosks, per)
        finally:
            cluster.stop()
    print(f"GOAL every record stored exactly once: OK ({2 * kiosks * per:,} per database)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
