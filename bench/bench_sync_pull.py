"""Content pull: 500 signed procedures into a fresh kiosk store.

Measured: the first `SyncEngine.sync_once()` of a newly enrolled kiosk: 3 pages downloaded, every
Ed25519 signature verified, every document validated (schema and walk rules), each page imported
in one transaction with its search rows. Baseline, same run: the same pages fetched with a bare
`requests` loop (download and JSON decoding only). The service runs in its own process on
SQLite. Goal: under 2 s.

    .venv/bin/python bench/bench_sync_pull.py [--quick]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from pasapas.app.content.catalog import Catalog  # noqa: E402
from pasapas.sync.client import SyncEngine, enroll  # noqa: E402
from tests.sync.support import Central, ServiceProcess, many_procedures, new_store  # noqa: E402

GOAL_S = 2.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    count = 500
    rounds = 1 if args.quick else 3
    print(f"== content pull: {count} signed procedures, {rounds} fresh kiosk(s) ==")
    with tempfile.TemporaryDirectory(prefix="pasapas-bench-pull-") as tmp:
        folder = Path(tmp)
        db_url = f"sqlite:///{folder / 'server.db'}"
        central = Central(db_url)
        central.publish(many_procedures(count))
        service = ServiceProcess(db_url, folder / "service")
        pulls, bares = [], []
        try:
            for i in range(rounds):
                store = new_store(folder / f"kiosk-{i}" / "pasapas.db")
                enrolment = enroll(store, service.url, central.code(), allow_http=True)
                began = time.perf_counter()
                report = SyncEngine(store, timeout=(5.0, 60.0)).sync_once()
                pulls.append(time.perf_counter() - began)
                assert report.imported == count and Catalog(store).count() == count
                store.close()
                session = requests.Session()
                headers = {"Authorization": f"Bearer {enrolment.token}"}
                began = time.perf_counter()
                cursor, more = 0, True
                while more:
                    page = session.get(
                        f"{service.url}/api/v1/content",
                        params={"since": cursor},
                        headers=headers,
                        timeout=60,
                    ).json()
                    cursor, more = page["cursor"], page["more"]
                bares.append(time.perf_counter() - began)
        finally:
            service.stop()
            central.close()
    pull, bare = min(pulls), min(bares)
    print(
        f"pull + verify + validate + import   best {pull:5.2f} s   "
        f"({count / pull:,.0f} procedures/s; all runs: {', '.join(f'{p:.2f}' for p in pulls)})"
    )
    print(f"baseline bare download              best {bare:5.2f} s")
    print(f"RATIO pull/download: {pull / bare:.1f}x")
    print(f"GOAL < {GOAL_S:.0f} s: {'OK' if pull < GOAL_S else 'MISSED'} ({pull:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
