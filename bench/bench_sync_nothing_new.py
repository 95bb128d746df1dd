"""Sync when nothing is new: an enrolled kiosk, catalog up to date, empty outbox.

Measured: `SyncEngine.sync_once()` (lock, state reads and writes, a conditional content request
answered 304), repeated; the number of HTTP requests each sync makes. Baseline, same run: a bare
`requests.get` of `/api/v1/health` (a new connection each time, as each sync opens one).
The service runs in its own process on SQLite. Goal: at most 2 requests and a median under 50 ms.

    .venv/bin/python bench/bench_sync_nothing_new.py [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from pasapas.sync.client import SyncEngine, enroll  # noqa: E402
from tests.sync.support import Central, ServiceProcess, many_procedures, new_store  # noqa: E402

GOAL_MS = 50.0
GOAL_REQUESTS = 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    rounds = 20 if args.quick else 100
    print(f"== sync with nothing new: {rounds} syncs ==")
    with tempfile.TemporaryDirectory(prefix="pasapas-bench-idle-") as tmp:
        folder = Path(tmp)
        db_url = f"sqlite:///{folder / 'server.db'}"
        central = Central(db_url)
        central.publish(many_procedures(50))
        service = ServiceProcess(db_url, folder / "service")
        try:
            store = new_store(folder / "kiosk" / "pasapas.db")
            enroll(store, service.url, central.code(), allow_http=True)
            SyncEngine(store).sync_once()  # now up to date
            times, requests_made = [], []
            for _ in range(rounds):
                began = time.perf_counter()
                report = SyncEngine(store).sync_once()
                times.append(time.perf_counter() - began)
                requests_made.append(report.requests)
                assert report.not_modified
            bare = []
            for _ in range(rounds):
                began = time.perf_counter()
                requests.get(f"{service.url}/api/v1/health", timeout=10).raise_for_status()
                bare.append(time.perf_counter() - began)
            store.close()
        finally:
            service.stop()
            central.close()
    median = statistics.median(times) * 1e3
    p95 = sorted(times)[int(0.95 * (len(times) - 1))] * 1e3
    base = statistics.median(bare) * 1e3
    most = max(requests_made)
    print(
        f"sync_once, nothing new   median {median:6.2f} ms   p95 {p95:6.2f} ms   "
        f"requests per sync: {most}"
    )
    print(f"baseline GET /health     median {base:6.2f} ms")
    print(f"RATIO sync/bare GET (medians): {median / base:.1f}x")
    ok = most <= GOAL_REQUESTS and median < GOAL_MS
    print(
        f"GOAL <= {GOAL_REQUESTS} requests and median < {GOAL_MS:.0f} ms: "
        f"{'OK' if ok else 'MISSED'} ({most} request(s), {median:.1f} ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
