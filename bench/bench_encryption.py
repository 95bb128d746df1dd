"""Encryption: the store's own workload on SQLCipher vs the same SQLite with no key, same code.

Each engine runs, 3 times alternating, in a fresh folder: Store.create, import of the built-in
procedures, 10,000 visit events in one transaction (executemany), visit events one per
transaction (VisitLog.record), list() + themes(), 200 searches, 1,000 point selects by id; then
Store.open on the finished store. Medians are reported per phase. Goal: ratio of the workload
totals <= 1.3, EXCLUDING the one-off key derivation (Store.create / Store.open); the ratio
including it is printed too.

    .venv/bin/python bench/bench_encryption.py [--quick]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pasapas.app.content import builtin_files  # noqa: E402
from pasapas.app.content.catalog import Catalog  # noqa: E402
from pasapas.app.content.validation import load_files  # noqa: E402
from pasapas.app.guide import Outcome  # noqa: E402
from pasapas.app.store import Store  # noqa: E402
from pasapas.app.visits import VisitLog  # noqa: E402

GOAL_RATIO = 1.3
PASSPHRASE = "banc d'essai chiffrement"
ROUNDS = 3
SEARCHES = [
    "carte vitale",
    "medecin traitant",
    "attest",
    "compte ameli",
    "retraite en ligne",
    "CAF",
    "changement de situation",
    "téléconsultation",
    "message frauduleux",
    "données personnelles",
]
ONE_OFF = ("Store.create", "Store.open")


def workload(folder: Path, encrypted: bool, batch: int, singles: int) -> dict[str, float]:
    """One run of the whole workload; seconds per phase."""
    rng = random.Random(7)
    procedure_ids = [path.stem for path in builtin_files()]
    rows = [
        (
            str(uuid.UUID(int=rng.getrandbits(128))),
            rng.choice(procedure_ids),
            rng.choice(["finished", "abandoned"]),
            rng.randint(1, 60),
            rng.choice(["fr", "en", "ar"]),
            "2026-11-29",
        )
        for _ in range(batch)
    ]
    outcomes = [
        Outcome(rng.choice(procedure_ids), rng.random() < 0.7, rng.randint(1, 60), "fr")
        for _ in range(singles)
    ]
    path = folder / ("sqlcipher.db" if encrypted else "sqlite.db")
    phases: dict[str, float] = {}
    clock = time.perf_counter

    start = clock()
    store = Store.create(path, PASSPHRASE if encrypted else None, encrypted=encrypted)
    phases["Store.create"] = clock() - start
    catalog, visits = Catalog(store), VisitLog(store)

    start = clock()
    catalog.import_files(builtin_files())
    phases["import built-ins"] = clock() - start

    start = clock()
    with store.transaction():
        store.executemany(
            "INSERT INTO visit_events (id, procedure_id, outcome, minutes, language, day) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
    phases[f"{batch:,} visits, 1 transaction"] = clock() - start

    start = clock()
    ids = [visits.record(outcome) for outcome in outcomes]
    phases[f"{singles:,} visits, record() each"] = clock() - start

    start = clock()
    assert len(catalog.list()) == len(procedure_ids) and catalog.themes()
    phases["list() + themes()"] = clock() - start

    start = clock()
    for i in range(200):
        catalog.search(SEARCHES[i % len(SEARCHES)])
    phases["200 searches"] = clock() - start

    picks = rng.sample([row[0] for row in rows] + ids, 1000)
    start = clock()
    for event_id in picks:
        assert store.query_one("SELECT * FROM visit_events WHERE id = ?", (event_id,))
    phases["1,000 point selects"] = clock() - start
    store.close()

    start = clock()
    store = Store.open(path, PASSPHRASE if encrypted else None, encrypted=encrypted)
    phases["Store.open"] = clock() - start
    store.close()
    return phases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 record() calls, not 10,000")
    args = parser.parse_args()
    batch, singles = 10_000, (1_000 if args.quick else 10_000)

    load_files(builtin_files())  # warm-up: imports and the schema validator, for both engines
    runs: dict[str, list[dict[str, float]]] = {"sqlcipher": [], "sqlite": []}
    with tempfile.TemporaryDirectory(prefix="pasapas-bench-") as tmp:
        for i in range(ROUNDS):
            order = ("sqlcipher", "sqlite") if i % 2 == 0 else ("sqlite", "sqlcipher")
            for engine in order:
                folder = Path(tmp) / f"{engine}-{i}"
                folder.mkdir()
                runs[engine].append(workload(folder, engine == "sqlcipher", batch, singles))

    def median(engine: str, phase: str) -> float:
        return statistics.median(run[phase] for run in runs[engine])

    def total(engine: str, *, one_off: bool) -> float:
        return statistics.median(
            sum(t for phase, t in run.items() if one_off or phase not in ONE_OFF)
            for run in runs[engine]
        )

    print(
        f"== encryption: the store's workload, SQLCipher vs plain sqlite3 "
        f"(median of {ROUNDS} alternating runs) =="
    )
    print(f"{'phase':34} {'sqlcipher':>10} {'sqlite':>10} {'ratio':>7}")
    for phase in runs["sqlite"][0]:
        enc, plain = median("sqlcipher", phase), median("sqlite", phase)
        mark = "  (one-off key derivation)" if phase in ONE_OFF else ""
        print(f"{phase:34} {enc * 1e3:8.1f}ms {plain * 1e3:8.1f}ms {enc / plain:6.2f}x{mark}")
    workload_ratio = total("sqlcipher", one_off=False) / total("sqlite", one_off=False)
    full_ratio = total("sqlcipher", one_off=True) / total("sqlite", one_off=True)
    for label, one_off, ratio in (
        ("total excl. Store.create/open", False, workload_ratio),
        ("total incl. Store.create/open", True, full_ratio),
    ):
        print(
            f"{label:34} {total('sqlcipher', one_off=one_off) * 1e3:8.1f}ms "
            f"{total('sqlite', one_off=one_off) * 1e3:8.1f}ms {ratio:6.2f}x"
        )
    print(
        f"RATIO sqlcipher/sqlite: {workload_ratio:.2f} excluding the one-off key derivation, "
        f"{full_ratio:.2f} including it"
    )
    ok = workload_ratio <= GOAL_RATIO
    print(
        f"GOAL ratio <= {GOAL_RATIO} on the total EXCLUDING key derivation: "
        f"{'OK' if ok else 'MISSED'} ({workload_ratio:.2f}; including it: {full_ratio:.2f}, "
        f"{'within' if full_ratio <= GOAL_RATIO else 'over'} {GOAL_RATIO})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
