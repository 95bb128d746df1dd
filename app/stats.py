"""The help point's activity over a period: accompaniment reports and anonymous visit events.

`activity(store, period)` counts the live rows of the period and the monthly aggregates the
retention purge left of older ones (`app.retention`): a purged month counts whole as soon as the
period touches it, and only in the totals and the counts by month and dimension (weeks are not
kept in aggregates). The live rows are read from their counts per day (`activity_daily`, kept
up to date by triggers in the transaction that writes or deletes a row: migration 5): a year is a
few tens of thousands of small rows, whatever the number of reports.

Codes are returned as stored (`app.reports.label` translates report codes; languages are
language codes, procedures procedure ids). `export_stats_csv` writes the same figures, one
section per dimension.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pasapas.app.audit import AuditLog
from pasapas.app.errors import PasapasError
from pasapas.app.i18n import N_, _, current_language
from pasapas.app.reports import CSV_DELIMITER, label, written_whole
from pasapas.app.store import Store

Counts = tuple[tuple[str, int], ...]

# (code, longest duration in minutes) — each report falls in the first band it fits.
DURATION_BANDS: tuple[tuple[str, int], ...] = (
    ("max_15", 15),
    ("max_30", 30),
    ("max_45", 45),
    ("max_60", 60),
    ("max_90", 90),
    ("max_120", 120),
    ("plus_120", 24 * 60),
)


def duration_band(minutes: int) -> str:
    for code, longest in DURATION_BANDS:
        if minutes <= longest:
            return code
    return DURATION_BANDS[-1][0]


def month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class Period:
    """The days from `start` to `end`, both included."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise PasapasError(_("La date de début doit venir avant la date de fin."))

    @classmethod
    def week_of(cls, day: dt.date) -> Period:
        """Monday to Sunday."""
        monday = day - dt.timedelta(days=day.weekday())
        return cls(monday, monday + dt.timedelta(days=6))

    @classmethod
    def month_of(cls, day: dt.date) -> Period:
        return cls(day.replace(day=1), _month_end(day))

    @classmethod
    def year_of(cls, day: dt.date) -> Period:
        return cls(dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))

    @classmethod
    def last_days(cls, n: int, today: dt.date) -> Period:
        """The `n` days ending today."""
        return cls(today - dt.timedelta(days=max(1, n) - 1), today)

    @classmethod
    def last_months(cls, n: int, today: dt.date) -> Period:
        """This month and the `n - 1` before it, up to today ("the last 12 months")."""
        return cls(month_start(today, max(1, n) - 1), today)

    @property
    def months(self) -> tuple[str, ...]:
        """Every month ('YYYY-MM') the period touches."""
        found, month = [], self.start.replace(day=1)
        while month <= self.end:
            found.append(month.strftime("%Y-%m"))
            month = month_start(month, -1)
        return tuple(found)


@dataclass(frozen=True)
class Activity:
    period: Period
    helps: int  # accompaniment reports (an individual help or a workshop each)
    participants: int  # people helped: 1 per individual help, the count of each workshop
    visits: int  # visits at the kiosk (visit events)
    minutes: int  # minutes of help (reports)
    visit_minutes: int
    by_week: Counts  # ('2026-W48', helps), in order of time (live rows only)
    by_month: Counts  # ('2026-11', helps), in order of time
    by_theme: Counts  # the Coop's themes; counts by count, then code
    by_admin_subtheme: Counts
    by_procedure: Counts  # procedure ids of the reports ('' left out)
    by_language: Counts  # language codes of the reports ('' left out)
    by_autonomy: Counts  # individual helps only
    by_duration_band: Counts  # DURATION_BANDS codes, in band order
    by_place: Counts
    by_kind: Counts
    visits_by_procedure: Counts
    visits_by_language: Counts
    visits_by_month: Counts
    visits_finished: int


def _ranked(counter: Counter[str]) -> Counts:
    return tuple(
        sorted(((k, v) for k, v in counter.items() if k and v), key=lambda kv: (-kv[1], kv[0]))
    )


def _week(day: str) -> str:
    year, week, _weekday = dt.date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def activity(store: Store, period: Period) -> Activity:
    """The counts of the period, live rows and purged aggregates together."""
    span = (period.start.isoformat(), period.end.isoformat())
    names = ("theme", "admin_subtheme", "procedure", "language", "autonomy", "place", "kind")
    dims: dict[str, Counter[str]] = {name: Counter() for name in (*names, "duration_band")}
    visit_dims: dict[str, Counter[str]] = {
        n: Counter() for n in ("procedure", "language", "outcome")
    }
    weeks: Counter[str] = Counter()
    months: Counter[str] = Counter()
    visit_months: Counter[str] = Counter()
    totals: Counter[str] = Counter()

    # The live rows: their counts per day (activity_daily, kept by triggers, migration 5),
    # added up by SQLite, and the totals day by day for the weeks and months.
    for day, source, n, total in store.query(
        "SELECT day, source, count, minutes FROM activity_daily "
        "WHERE day BETWEEN ? AND ? AND dimension = 'all'",
        span,
    ):
        if source == "report":
            weeks[_week(day)] += n
            months[day[:7]] += n
            totals["helps"] += n
            totals["minutes"] += total
        else:
            visit_months[day[:7]] += n
            totals["visits"] += n
            totals["visit_minutes"] += total
    for source, dimension, value, n in store.query(
        "SELECT source, dimension, value, sum(count) FROM activity_daily "
        # The index in the GROUP BY's order: no sorting of a year's rows (6x faster).
        "INDEXED BY activity_daily_by_value "
        "WHERE day BETWEEN ? AND ? AND dimension != 'all' GROUP BY source, dimension, value",
        span,
    ):
        if source == "report":
            if dimension == "duration":
                dims["duration_band"][duration_band(int(value))] += n
            elif dimension == "participants":
                totals["participants"] += n
            elif dimension in dims:
                dims[dimension][value] += n
        elif dimension in visit_dims:
            visit_dims[dimension][value] += n

    # What the purge kept of older rows, month by month.
    marks = ",".join("?" * len(period.months))
    for month, source, dimension, value, n, total in store.query(
        "SELECT month, source, dimension, value, count, minutes FROM activity_aggregates "
        f"WHERE month IN ({marks})",
        period.months,
    ):
        if source == "report":
            if dimension == "all":
                totals["helps"] += n
                totals["minutes"] += total
                months[month] += n
            elif dimension == "participants":
                totals["participants"] += n
            elif dimension in dims:
                dims[dimension][value] += n
        elif dimension == "all":
            totals["visits"] += n
            totals["visit_minutes"] += total
            visit_months[month] += n
        elif dimension in visit_dims:
            visit_dims[dimension][value] += n

    bands = dims["duration_band"]
    return Activity(
        period=period,
        helps=totals["helps"],
        participants=totals["participants"],
        visits=totals["visits"],
        minutes=totals["minutes"],
        visit_minutes=totals["visit_minutes"],
        by_week=tuple(sorted(weeks.items())),
        by_month=tuple(sorted(months.items())),
        by_theme=_ranked(dims["theme"]),
        by_admin_subtheme=_ranked(dims["admin_subtheme"]),
        by_procedure=_ranked(dims["procedure"]),
        by_language=_ranked(dims["language"]),
        by_autonomy=_ranked(dims["autonomy"]),
        by_duration_band=tuple((code, bands[code]) for code, _max in DURATION_BANDS if bands[code]),
        by_place=_ranked(dims["place"]),
        by_kind=_ranked(dims["kind"]),
        visits_by_procedure=_ranked(visit_dims["procedure"]),
        visits_by_language=_ranked(visit_dims["language"]),
        visits_by_month=tuple(sorted(visit_months.items())),
        visits_finished=visit_dims["outcome"]["finished"],
    )


# -- export --------------------------------------------------------------------------------

# (Activity field, section title, how its codes are named)
SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("by_week", N_("Accompagnements par semaine"), "as_is"),
    ("by_month", N_("Accompagnements par mois"), "as_is"),
    ("by_theme", N_("Par thématique"), "report"),
    ("by_admin_subtheme", N_("Par démarche administrative"), "report"),
    ("by_procedure", N_("Par démarche de la borne"), "as_is"),
    ("by_language", N_("Par langue"), "language"),
    ("by_autonomy", N_("Par niveau d'autonomie"), "report"),
    ("by_duration_band", N_("Par durée"), "report"),
    ("by_place", N_("Par lieu"), "report"),
    ("by_kind", N_("Par type d'accompagnement"), "report"),
    ("visits_by_month", N_("Visites à la borne par mois"), "as_is"),
    ("visits_by_procedure", N_("Visites à la borne par démarche"), "as_is"),
    ("visits_by_language", N_("Visites à la borne par langue"), "language"),
)


def _name(code: str, how: str) -> str:
    if how == "report":
        return label(code)
    if how == "language":
        from pasapas.app.languages import SUPPORTED, name_in

        return name_in(code, current_language()) if code in SUPPORTED else code
    return code


def export_stats_csv(
    figures: Activity, out: Path, *, store: Store | None = None, actor: str = ""
) -> Path:
    """Write the figures as CSV (";"-separated, UTF-8 with a byte order mark): the totals, then
    one section per dimension (title, then code, name, count). Audited as `stats_export` when
    `store` is given. The file written."""
    out = Path(out)
    if out.suffix.lower() != ".csv":
        raise PasapasError(_("Choisissez un fichier dont le nom finit par .csv."))
    rows: list[Iterable[str | int]] = [
        [_("Période"), figures.period.start.isoformat(), figures.period.end.isoformat()],
        [_("Accompagnements"), figures.helps],
        [_("Personnes accompagnées"), figures.participants],
        [_("Minutes d'accompagnement"), figures.minutes],
        [_("Visites à la borne"), figures.visits],
        [_("Visites menées jusqu'au bout"), figures.visits_finished],
    ]
    for name, title, how in SECTIONS:
        rows += [[], [_(title)], [_("Code"), _("Libellé"), _("Nombre")]]
        rows += [[code, _name(code, how), n] for code, n in getattr(figures, name)]
    with written_whole(out) as temp, temp.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=CSV_DELIMITER).writerows(rows)
    if store is not None:
        AuditLog(store).append(
            "stats_export",
            actor,
            {"format": "csv", "days": (figures.period.end - figures.period.start).days + 1},
        )
    return out
