"""One kiosk sync in its own process, for the kill tests: `python -m tests.sync.kiosk_driver
STORE [--kill-at CHECKPOINT] [--kill-mid-import] [--read-timeout S]`.

With `--kill-at`, the process SIGKILLs itself the first time the sync reaches that checkpoint;
with `--kill-mid-import`, in the middle of the content import's transaction (from SQLite's
progress handler). Exit code 0: the sync completed; 3: it stopped with a SyncError.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

from pasapas.app.store import Store
from pasapas.sync.client import SyncEngine, SyncError
from tests.conftest import PASSPHRASE


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("store")
    parser.add_argument("--kill-at", default="")
    parser.add_argument("--kill-mid-import", action="store_true")
    parser.add_argument("--read-timeout", type=float, default=30.0)
    args = parser.parse_args()
    store = Store.open(args.store, PASSPHRASE)
    calls = {"n": 0}

    def progress() -> int:
        if store._conn.in_transaction:
            calls["n"] += 1
            if calls["n"] >= 20:  # well inside the import transaction
                os.kill(os.getpid(), signal.SIGKILL)
        return 0

    def checkpoint(name: str) -> None:
        print(f"checkpoint {name}", flush=True)
        if name == args.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        if name == "content-verified" and args.kill_mid_import:
            store._conn.set_progress_handler(progress, 100)

    try:
        report = SyncEngine(
            store, timeout=(3.0, args.read_timeout), checkpoint=checkpoint
        ).sync_once()
    except SyncError as exc:
        print(f"sync-error {exc.kind}", flush=True)
        return 3
    print(f"done sent={report.sent} imported={report.imported}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
