"""Statistics: `app.stats.activity` over 100,000 accompaniment reports, against an empty store.

Fills an encrypted store with 100,000 reports and 50,000 visit events over the last 12 months
(and a fifth as many the year before), written as `Reports.file` writes them (the rows, their
themes, the outbox entry, the per-day counts the triggers keep), in bulk; then times
`activity()` (every count the statistics screen shows) for the last 12 months, this month and
this week, and, after the purge of the older year, for both years (live rows + aggregates).
Baseline, same run: the same `activity()` on an empty store. Goal: the last 12 months over
100,000 reports, median < 300 ms.

    .venv/bin/python bench/bench_stats.py [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pasapas.app.records import canonical_json  # noqa: E402
from pasapas.app.records.accompaniment_report import ACCOMPANIMENT_REPORT_TYPE  # noqa: E402
from pasapas.app.reports import (  # noqa: E402
    ADMIN_SUBTHEMES,
    ADMIN_THEME,
    AUTONOMY,
    DURATION_PRESETS,
    PLACE_TYPES,
    THEMES,
    ReportDraft,
    Reports,
)
from pasapas.app.retention import purge  # noqa: E402
from pasapas.app.stats import Period, activity  # noqa: E402
from pasapas.app.store import Store  # noqa: E402

GOAL_MS = 300.0
PASSPHRASE = "banc d'essai statistiques"
TODAY = dt.date(2026, 11, 30)
DAYS = 730  # the two years the store holds
PROCEDURES = [f"demarche-{i:02d}" for i in range(40)]
LANGUAGES = ["fr", "fr", "fr", "ar", "en", "es", "pt", "uk", "tr"]
TEMPLATES = 3000  # distinct reports validated by the record type; each row takes one and a day


def _templates(rng: random.Random) -> list[dict]:
    found = []
    for _ in range(TEMPLATES):
        themes = rng.sample(THEMES, rng.choice((1, 1, 2, 3)))
        admin = ADMIN_THEME in themes
        draft = ReportDraft(
            day=TODAY,
            duration=rng.choice((*DURATION_PRESETS, rng.randint(1, 300))),
            place_type=rng.choice(PLACE_TYPES),
            themes=tuple(themes),
            admin_subthemes=tuple(rng.sample(ADMIN_SUBTHEMES, rng.randint(1, 2))) if admin else (),
            procedure_name="Demander une aide" if admin else "",
            procedure_id=rng.choice(PROCEDURES),
            language=rng.choice(LANGUAGES),
            autonomy=rng.choice(AUTONOMY),
            author=uuid.uuid4().hex,
        )
        if rng.random() < 0.05:
            draft = replace(
                draft,
                kind="collectif",
                workshop_title="Atelier",
                workshop_level="debutant",
                participants=rng.randint(2, 12),
            )
        _tidy, _record, payload = Reports._valid(draft)
        found.append(payload)
    return found


def fill(
    store: Store, reports: int, visits: int, *, days: range = range(365), seed: int = 11
) -> None:
    """Bulk rows in the shape `Reports.file` and `VisitLog.record` write them."""
    rng = random.Random(seed)
    templates = _templates(rng)
    stamp = "2026-11-30T10:00:00+00:00"
    rows, themes, outbox = [], [], []
    for _ in range(reports):
        payload = dict(rng.choice(templates))
        day = (TODAY - dt.timedelta(days=rng.choice(days))).isoformat()
        payload["day"] = day
        report_id = str(uuid.uuid4())
        text = canonical_json(payload)
        rows.append(
            (
                report_id,
                payload["kind"],
                day,
                payload["duration"],
                payload["place_type"],
                payload["procedure_id"],
                payload["language"],
                payload["autonomy"],
                payload["participants"],
                payload["author"],
                text,
                stamp,
                stamp,
            )
        )
        themes += [(report_id, t, 0, day) for t in payload["themes"]]
        themes += [(report_id, t, 1, day) for t in payload["admin_subthemes"]]
        outbox.append((report_id, ACCOMPANIMENT_REPORT_TYPE.name, 1, text))
    events = []
    for _ in range(visits):
        day = (TODAY - dt.timedelta(days=rng.choice(days))).isoformat()
        events.append(
            (
                str(uuid.uuid4()),
                rng.choice(PROCEDURES),
                rng.choice(("finished", "abandoned")),
                rng.randint(1, 60),
                rng.choice(LANGUAGES),
                day,
            )
        )
    with store.transaction():
        store.executemany(
            "INSERT INTO accompaniment_reports (id, kind, day, duration, place_type, procedure_id,"
            " language, autonomy, participants, author, payload, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        store.executemany(
            "INSERT INTO accompaniment_report_themes (report_id, theme, sub, day)"
            " VALUES (?, ?, ?, ?)",
            themes,
        )
        store.executemany(
            "INSERT INTO outbox (id, type, type_version, payload, state)"
            " VALUES (?, ?, ?, ?, 'sent')",
            outbox,
        )
        store.executemany(
            "INSERT INTO visit_events (id, procedure_id, outcome, minutes, language, day)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            events,
        )


def timed(call: Callable[[], object], rounds: int) -> list[float]:
    for _ in range(3):
        call()
    found = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        found.append((time.perf_counter() - start) * 1000)
    return found


def line(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return (
        f"  {name:34} ({len(ms):3}) median {statistics.median(ms):7.1f} ms   "
        f"p95 {p95:7.1f} ms   max {ms[-1]:7.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 reports, fewer rounds")
    args = parser.parse_args()
    reports = 10_000 if args.quick else 100_000
    visits = reports // 2
    rounds = 10 if args.quick else 30
    year = Period.last_months(12, TODAY)
    month = Period.month_of(TODAY)
    week = Period.week_of(TODAY)

    with tempfile.TemporaryDirectory(prefix="pasapas-bench-stats-") as folder:
        empty = Store.create(Path(folder) / "empty.db", PASSPHRASE)
        full = Store.create(Path(folder) / "full.db", PASSPHRASE)
        start = time.perf_counter()
        fill(full, reports, visits)  # the last 12 months
        older = reports // 5  # and the year before, for the purge
        fill(full, older, older // 2, days=range(365, 730), seed=12)
        filled = time.perf_counter() - start
        figures = activity(full, year)
        print(
            f"== stats: activity() over {reports:,} reports and {visits:,} visit events "
            f"(last 12 months; {older:,} and {older // 2:,} the year before) =="
        )
        print(
            f"filled in {filled:.1f} s; last 12 months: {figures.helps:,} helps, "
            f"{figures.visits:,} visits, {len(figures.by_theme)} themes, "
            f"{len(figures.by_procedure)} procedures, {len(figures.by_week)} weeks"
        )
        base = timed(lambda: activity(empty, year), rounds)
        full_year = timed(lambda: activity(full, year), rounds)
        full_month = timed(lambda: activity(full, month), rounds)
        full_week = timed(lambda: activity(full, week), rounds)
        print(line("baseline: empty store, 12 months", base))
        print(line("100k store, last 12 months", full_year))
        print(line("100k store, this month", full_month))
        print(line("100k store, this week", full_week))
        # After the purge, the older year is aggregates: the same query reads both.
        purged = purge(full, TODAY, 12)
        after = timed(
            lambda: activity(full, Period(TODAY - dt.timedelta(days=DAYS), TODAY)), rounds
        )
        print(
            f"  (purge of the older {purged.reports:,} reports and {purged.visit_events:,} "
            "visit events, then two years: live rows + aggregates)"
        )
        print(line("after purge, two years", after))
        empty.close()
        full.close()
    median_base = statistics.median(base)
    median_year = statistics.median(full_year)
    print(f"  RATIO 100k/empty (12 months, median): {median_year / median_base:.1f}x")
    verdict = "OK" if median_year < GOAL_MS else "MISSED"
    print(
        f"GOAL last 12 months over {reports:,} reports median < {GOAL_MS:.0f} ms: {verdict} "
        f"({median_year:.1f} ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
