"""Accompaniment reports (comptes-rendus d'activité): filed by staff, editable until sent, exported
in La Coop de la médiation numérique's format.

A `ReportDraft` is what a staff screen edits: the fields of the `accompaniment_report` record
(`app.records.accompaniment_report`) with defaults for the most common help (today, 30 minutes,
at the help point, on a computer, guided all the way, beneficiary "non communiqué").
`draft_from_visit` pre-fills one from the visit that just ended. `Reports.file` checks it (one
translated sentence naming the field), writes its rows and queues the record in one transaction;
`update` replaces both while the record is still queued, and is refused once it was sent.

`export_reports` writes the reports of a period as CSV or XLSX with the Coop's French column
headers and codes (the headers are the Coop's, not ours: they are never translated).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pasapas.app.audit import AuditLog
from pasapas.app.errors import NotFoundError, PasapasError
from pasapas.app.i18n import N_, _
from pasapas.app.outbox import QUEUED, enqueue
from pasapas.app.records import canonical_json
from pasapas.app.records.accompaniment_report import (
    ACCOMPANIMENT_REPORT_TYPE,
    ADMIN_SUBTHEMES,
    ADMIN_THEME,
    AGE_BANDS,
    AUTONOMY,
    COMMUNE,
    EQUIPMENT,
    GENDERS,
    KINDS,
    LEVELS,
    MAX_DURATION,
    MAX_NOTES,
    MAX_PARTICIPANTS,
    MAX_TITLE,
    NOT_GIVEN,
    PLACE_TYPES,
    PLACES_WITH_COMMUNE,
    POSTCODE,
    REFERRAL_STRUCTURES,
    STATUSES,
    THEMES,
    AccompanimentReport,
)
from pasapas.app.store import Store

if TYPE_CHECKING:
    from pasapas.app.content.model import Procedure
    from pasapas.app.guide import Outcome
    from pasapas.app.settings import Settings

__all__ = [
    "ADMIN_SUBTHEMES",
    "ADMIN_THEME",
    "AGE_BANDS",
    "AUTONOMY",
    "DURATION_PRESETS",
    "EQUIPMENT",
    "EXPORT_COLUMNS",
    "GENDERS",
    "KINDS",
    "LEVELS",
    "NOT_GIVEN",
    "PLACES_WITH_COMMUNE",
    "PLACE_TYPES",
    "REFERRAL_STRUCTURES",
    "STATUSES",
    "THEMES",
    "ReportDraft",
    "Reports",
    "StoredReport",
    "draft_from_visit",
    "export_reports",
    "label",
]

DURATION_PRESETS = (15, 30, 45, 60, 90, 120)

# The French label of every code (the Coop's own labels where it has them).
_LABELS: dict[str, str] = {
    # kinds
    "individuel": N_("Accompagnement individuel"),
    "collectif": N_("Atelier collectif"),
    # places
    "lieu_activite": N_("Lieu d'activité"),
    "domicile": N_("À domicile"),
    "a_distance": N_("À distance"),
    "autre": N_("Autre"),
    # equipment
    "ordinateur": N_("Ordinateur"),
    "telephone": N_("Téléphone"),
    "tablette": N_("Tablette"),
    "aucun": N_("Pas de matériel"),
    # themes
    "diagnostic_numerique": N_("Diagnostic numérique"),
    "prendre_en_main_du_materiel": N_("Prendre en main du matériel"),
    "maintenance_de_materiel": N_("Maintenance de matériel"),
    "gere_ses_contenus_numeriques": N_("Gérer ses contenus numériques"),
    "navigation_sur_internet": N_("Navigation sur internet"),
    "email": N_("E-mail"),
    "bureautique": N_("Bureautique"),
    "reseaux_sociaux": N_("Réseaux sociaux communication"),
    "sante": N_("Santé"),
    "banque_et_achats_en_ligne": N_("Banque et achats en ligne"),
    "entrepreneuriat": N_("Entrepreneuriat"),
    "insertion_professionnelle": N_("Insertion professionnelle"),
    "securite_numerique": N_("Prévention en sécurité numérique"),
    "parentalite": N_("Parentalité"),
    "scolarite_et_numerique": N_("Scolarité et numérique"),
    "creer_avec_le_numerique": N_("Créer avec le numérique"),
    "culture_numerique": N_("Culture numérique"),
    "intelligence_artificielle": N_("Intelligence artificielle"),
    ADMIN_THEME: N_("Aide aux démarches administratives"),
    # administrative sub-themes
    "papiers_elections_citoyennete": N_("Papiers, élections, citoyenneté"),
    "famille_scolarite": N_("Famille, scolarité"),
    "social_sante": N_("Social, santé"),
    "travail_formation": N_("Travail, formation"),
    "logement": N_("Logement"),
    "transports_mobilite": N_("Transports, mobilité"),
    "argent_impots": N_("Argent, impôts"),
    "justice": N_("Justice"),
    "etrangers_europe": N_("Étrangers, Europe"),
    "loisirs_sports_culture": N_("Loisirs, sports, culture"),
    "associations": N_("Associations"),
    # autonomy
    "entierement_accompagne": N_("Entièrement accompagné"),
    "partiellement_autonome": N_("Partiellement autonome"),
    "autonome": N_("Autonome"),
    # referral structures (aide_aux_demarches_administratives and insertion_professionnelle
    # share their theme's label)
    "operateur_ou_organisme_en_charge": N_("Opérateur ou organisme en charge"),
    "administration": N_("Administration"),
    "mediation_numerique": N_("Médiation numérique"),
    "aide_sociale": N_("Aide sociale"),
    # gender, age bands, status
    "masculin": N_("Masculin"),
    "feminin": N_("Féminin"),
    NOT_GIVEN: N_("Non communiqué"),
    "moins_de_douze": N_("Moins de 12 ans"),
    "douze_dix_huit": N_("12 à 18 ans"),
    "dix_huit_vingt_quatre": N_("18 à 24 ans"),
    "vingt_cinq_trente_neuf": N_("25 à 39 ans"),
    "quarante_cinquante_neuf": N_("40 à 59 ans"),
    "soixante_soixante_neuf": N_("60 à 69 ans"),
    "soixante_dix_plus": N_("70 ans et plus"),
    "scolarise": N_("Scolarisé"),
    "sans_emploi": N_("Sans emploi"),
    "en_emploi": N_("En emploi"),
    "retraite": N_("Retraité"),
    # workshop levels
    "debutant": N_("Débutant"),
    "intermediaire": N_("Intermédiaire"),
    "avance": N_("Avancé"),
    # duration bands (app.stats.DURATION_BANDS)
    "max_15": N_("15 min ou moins"),
    "max_30": N_("16 à 30 min"),
    "max_45": N_("31 à 45 min"),
    "max_60": N_("46 min à 1 h"),
    "max_90": N_("1 h à 1 h 30"),
    "max_120": N_("1 h 30 à 2 h"),
    "plus_120": N_("Plus de 2 h"),
}


def label(code: str) -> str:
    """The translated French label of any report code (a place, a theme, an age band, a
    duration band…); an unknown code is returned as it is."""
    text = _LABELS.get(code)
    return _(text) if text is not None else code


# -- the draft ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportDraft:
    """A report being written: the record's fields, with a common individual help's defaults.

    `Reports.file` tidies it first (`tidied`): the other kind's fields are reset, so a screen
    may switch between individual help and workshop without clearing anything.
    """

    kind: Literal["individuel", "collectif"] = "individuel"
    day: dt.date = field(default_factory=dt.date.today)
    duration: int = 30
    place_type: str = "lieu_activite"
    place_commune: str = ""
    place_postcode: str = ""
    equipment: tuple[str, ...] = ("ordinateur",)
    themes: tuple[str, ...] = ()
    admin_subthemes: tuple[str, ...] = ()
    procedure_name: str = ""
    procedure_id: str = ""
    language: str = ""
    autonomy: str = "entierement_accompagne"
    referred: bool = False
    referral_structure: str = ""
    gender: str = NOT_GIVEN
    age_band: str = NOT_GIVEN
    status: str = NOT_GIVEN
    beneficiary_commune: str = ""
    already_helped: bool = False
    workshop_title: str = ""
    workshop_level: str = ""
    participants: int = 1
    participants_already_helped: int = 0
    participants_by_gender: tuple[int, ...] = ()
    participants_by_age_band: tuple[int, ...] = ()
    participants_by_status: tuple[int, ...] = ()
    notes: str = ""
    author: str = ""

    def tidied(self) -> ReportDraft:
        """The same report with the other kind's fields reset, texts trimmed, codes upper-cased
        where they should be, and a commune only where the place carries one."""
        d = replace(
            self,
            place_commune=self.place_commune.strip().upper(),
            place_postcode=self.place_postcode.strip(),
            beneficiary_commune=self.beneficiary_commune.strip().upper(),
            procedure_name=" ".join(self.procedure_name.split()),
            workshop_title=" ".join(self.workshop_title.split()),
            notes=self.notes.strip(),
            equipment=tuple(dict.fromkeys(self.equipment)),
            themes=tuple(dict.fromkeys(self.themes)),
            admin_subthemes=tuple(dict.fromkeys(self.admin_subthemes)),
        )
        if d.place_type not in PLACES_WITH_COMMUNE:
            d = replace(d, place_commune="", place_postcode="")
        if ADMIN_THEME not in d.themes:
            d = replace(d, admin_subthemes=(), procedure_name="")
        if d.kind == "individuel":
            return replace(
                d,
                referral_structure=d.referral_structure if d.referred else "",
                workshop_title="",
                workshop_level="",
                participants=1,
                participants_already_helped=0,
                participants_by_gender=(),
                participants_by_age_band=(),
                participants_by_status=(),
            )
        return replace(
            d,
            autonomy="",
            referred=False,
            referral_structure="",
            gender="",
            age_band="",
            status="",
            beneficiary_commune="",
            already_helped=False,
            participants_by_gender=d.participants_by_gender or (0,) * len(GENDERS),
            participants_by_age_band=d.participants_by_age_band or (0,) * len(AGE_BANDS),
            participants_by_status=d.participants_by_status or (0,) * len(STATUSES),
        )

    def record(self) -> AccompanimentReport:
        return AccompanimentReport(**{f.name: getattr(self, f.name) for f in fields(self)})

    @classmethod
    def of(cls, report: AccompanimentReport) -> ReportDraft:
        return cls(**{f.name: getattr(report, f.name) for f in fields(report)})


def _check(d: ReportDraft) -> str | None:
    """What is wrong with a tidied draft, as one translated sentence naming the field."""
    if d.kind not in KINDS:
        return _("Choisissez un accompagnement individuel ou un atelier collectif.")
    if not 1 <= d.duration <= MAX_DURATION:
        return _("La durée doit être comprise entre 1 et {max} minutes.").format(max=MAX_DURATION)
    if d.place_type not in PLACE_TYPES:
        return _("Choisissez le lieu de l'accompagnement.")
    if d.place_commune and not COMMUNE.fullmatch(d.place_commune):
        return _("La commune du lieu doit être un code INSEE de 5 caractères, par exemple 69123.")
    if d.place_postcode and not POSTCODE.fullmatch(d.place_postcode):
        return _("Le code postal du lieu doit avoir 5 chiffres.")
    if any(e not in EQUIPMENT for e in d.equipment):
        return _("Choisissez le matériel dans la liste.")
    if "aucun" in d.equipment and len(d.equipment) > 1:
        return _("Le matériel « Pas de matériel » ne va pas avec un autre matériel.")
    if not d.themes:
        return _("Choisissez au moins une thématique.")
    if any(t not in THEMES for t in d.themes):
        return _("Choisissez les thématiques dans la liste.")
    if any(s not in ADMIN_SUBTHEMES for s in d.admin_subthemes):
        return _("Choisissez les démarches administratives dans la liste.")
    if len(d.procedure_name) > MAX_TITLE:
        return _("Le nom de la démarche doit faire au plus {max} caractères.").format(max=MAX_TITLE)
    if len(d.notes) > MAX_NOTES:
        return _("Les notes doivent faire au plus {max} caractères.").format(max=MAX_NOTES)
    if d.kind == "individuel":
        return _check_individual(d)
    return _check_workshop(d)


def _check_individual(d: ReportDraft) -> str | None:
    if d.autonomy not in AUTONOMY:
        return _("Choisissez le niveau d'autonomie.")
    if d.referral_structure and d.referral_structure not in REFERRAL_STRUCTURES:
        return _("Choisissez la structure de réorientation dans la liste.")
    if d.gender not in GENDERS:
        return _("Choisissez le genre, ou « Non communiqué ».")
    if d.age_band not in AGE_BANDS:
        return _("Choisissez la tranche d'âge, ou « Non communiqué ».")
    if d.status not in STATUSES:
        return _("Choisissez le statut, ou « Non communiqué ».")
    if d.beneficiary_commune and not COMMUNE.fullmatch(d.beneficiary_commune):
        return _(
            "La commune de la personne doit être un code INSEE de 5 caractères, par exemple 69123."
        )
    return None


def _check_workshop(d: ReportDraft) -> str | None:
    if not d.workshop_title:
        return _("Donnez un titre à l'atelier.")
    if len(d.workshop_title) > MAX_TITLE:
        return _("Le titre de l'atelier doit faire au plus {max} caractères.").format(max=MAX_TITLE)
    if d.workshop_level not in LEVELS:
        return _("Choisissez le niveau de l'atelier.")
    if not 1 <= d.participants <= MAX_PARTICIPANTS:
        return _("Le nombre de participants doit être compris entre 1 et {max}.").format(
            max=MAX_PARTICIPANTS
        )
    if not 0 <= d.participants_already_helped <= d.participants:
        return _("Les participants déjà accompagnés ne peuvent pas dépasser le total.")
    for counts, codes, message in (
        (d.participants_by_gender, GENDERS, N_("La répartition par genre dépasse le total.")),
        (
            d.participants_by_age_band,
            AGE_BANDS,
            N_("La répartition par tranche d'âge dépasse le total."),
        ),
        (d.participants_by_status, STATUSES, N_("La répartition par statut dépasse le total.")),
    ):
        if len(counts) != len(codes) or any(c < 0 for c in counts):
            return _("Les nombres de participants ne peuvent pas être négatifs.")
        if sum(counts) > d.participants:
            return _(message)
    return None


def problem_of(draft: ReportDraft) -> str | None:
    """What a screen should say about this draft before filing it (None when it is fine)."""
    return _check(draft.tidied())


# -- pre-filling from a visit --------------------------------------------------------------

# The kiosk's procedure themes (app/content/themes.py) -> the Coop's themes and sub-themes.
# A theme not listed here (new content) brings nothing; the volunteer picks one.
KIOSK_THEMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "health-insurance": ((ADMIN_THEME, "sante"), ("social_sante",)),
    "care": (("sante",), ()),
    "family": ((ADMIN_THEME,), ("famille_scolarite",)),
    "retirement": ((ADMIN_THEME,), ("travail_formation",)),
    "online-safety": (("securite_numerique",), ()),
    "rights": (("culture_numerique",), ()),
}


def duration_preset(minutes: int) -> int:
    """Minutes rounded up to the nearest preset (at least 15); over 2 hours, rounded up to the
    quarter hour (at most a day)."""
    for preset in DURATION_PRESETS:
        if minutes <= preset:
            return preset
    return min(MAX_DURATION, math.ceil(minutes / 15) * 15)


def draft_from_visit(
    outcome: Outcome | None, procedure: Procedure | None, *, author: str, today: dt.date
) -> ReportDraft:
    """A report of the help just given, pre-filled from the visit's anonymous outcome and its
    procedure: themes, the procedure's French title, its id, the language, the duration."""
    draft = ReportDraft(day=today, author=author)
    if procedure is not None:
        themes: list[str] = []
        subthemes: list[str] = []
        for kiosk_theme in procedure.themes:
            coop, subs = KIOSK_THEMES.get(kiosk_theme, ((), ()))
            themes += coop
            subthemes += subs
        themes = sorted(dict.fromkeys(themes), key=THEMES.index)
        subthemes = sorted(dict.fromkeys(subthemes), key=ADMIN_SUBTHEMES.index)
        draft = replace(
            draft,
            themes=tuple(themes),
            admin_subthemes=tuple(subthemes),
            procedure_name=procedure.title.get("fr") if ADMIN_THEME in themes else "",
            procedure_id=procedure.id,
            duration=duration_preset(procedure.estimated_minutes),
        )
    if outcome is not None:
        draft = replace(
            draft,
            procedure_id=draft.procedure_id or outcome.procedure_id,
            language=outcome.language,
            duration=duration_preset(outcome.minutes),
        )
    return draft


# -- the store -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredReport:
    id: str
    draft: ReportDraft
    editable: bool  # still queued for the service: not sent yet
    updated_at: str  # UTC, ISO 8601 to the second


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


_SELECT = (
    "SELECT r.id, r.payload, coalesce(o.state, ''), r.updated_at, r.author "
    "FROM accompaniment_reports r "
    "LEFT JOIN outbox o ON o.id = r.id "
)


def _stored(row: tuple) -> StoredReport:
    report_id, payload, state, updated_at, author = row
    record = ACCOMPANIMENT_REPORT_TYPE.from_payload(json.loads(payload))
    # The `author` column is the authority: an erasure empties it (and the payload's copy).
    draft = replace(ReportDraft.of(record), author=author)
    return StoredReport(report_id, draft, state == QUEUED, updated_at)


def _columns(record: AccompanimentReport) -> tuple:
    """The report's columns the statistics count, in the table's order."""
    return (
        record.kind,
        record.day.isoformat(),
        record.duration,
        record.place_type,
        record.procedure_id,
        record.language,
        record.autonomy,
        record.participants,
    )


class Reports:
    """The kiosk's accompaniment reports. One per store connection."""

    def __init__(
        self,
        store: Store,
        *,
        now: Callable[[], dt.datetime] = _utc_now,
        audit: AuditLog | None = None,
    ) -> None:
        self.store = store
        self.now = now
        self.audit = audit or AuditLog(store, now=now)

    def _stamp(self) -> str:
        return self.now().astimezone(dt.UTC).replace(microsecond=0).isoformat()

    @staticmethod
    def _valid(draft: ReportDraft) -> tuple[ReportDraft, AccompanimentReport, dict]:
        tidy = draft.tidied()
        problem = _check(tidy)
        if problem is not None:
            raise PasapasError(problem)
        record = tidy.record()
        return tidy, record, ACCOMPANIMENT_REPORT_TYPE.to_payload(record)

    def _write_rows(self, report_id: str, record: AccompanimentReport, payload: dict) -> None:
        self.store.execute(
            "UPDATE accompaniment_reports SET kind = ?, day = ?, duration = ?, place_type = ?, "
            "procedure_id = ?, language = ?, autonomy = ?, participants = ?, payload = ?, "
            "updated_at = ? WHERE id = ?",
            (*_columns(record), canonical_json(payload), self._stamp(), report_id),
        )
        self.store.execute(
            "DELETE FROM accompaniment_report_themes WHERE report_id = ?", (report_id,)
        )
        self._write_themes(report_id, record)

    def _write_themes(self, report_id: str, record: AccompanimentReport) -> None:
        day = record.day.isoformat()
        self.store.executemany(
            "INSERT INTO accompaniment_report_themes (report_id, theme, sub, day) "
            "VALUES (?, ?, ?, ?)",
            [(report_id, t, 0, day) for t in record.themes]
            + [(report_id, s, 1, day) for s in record.admin_subthemes],
        )

    def file(self, draft: ReportDraft, *, actor: str) -> StoredReport:
        """Check, write and queue a new report, all in one transaction. `actor` is the staff
        account filing it (its author when the draft names none)."""
        if not draft.author and actor:
            draft = replace(draft, author=actor)
        _tidy, record, payload = self._valid(draft)
        report_id = str(uuid.uuid4())
        stamp = self._stamp()
        with self.store.transaction():
            self.store.execute(
                "INSERT INTO accompaniment_reports (id, kind, day, duration, place_type, "
                "procedure_id, language, autonomy, participants, author, payload, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    report_id,
                    *_columns(record),
                    record.author,
                    canonical_json(payload),
                    stamp,
                    stamp,
                ),
            )
            self._write_themes(report_id, record)
            enqueue(self.store, report_id, ACCOMPANIMENT_REPORT_TYPE, record)
        return self.get(report_id)

    def update(self, report_id: str, draft: ReportDraft, *, actor: str) -> StoredReport:
        """Replace a report still waiting to be sent, and its queued payload; refused once it
        was sent. The author stays the one who filed it."""
        with self.store.transaction():
            current = self.get(report_id)
            if not current.editable:
                raise PasapasError(
                    _("Ce compte-rendu est déjà envoyé : il ne peut plus être modifié.")
                )
            draft = replace(draft, author=current.draft.author)
            _tidy, record, payload = self._valid(draft)
            self._write_rows(report_id, record, payload)
            cursor = self.store.execute(
                "UPDATE outbox SET payload = ? WHERE id = ? AND state = ?",
                (canonical_json(payload), report_id, QUEUED),
            )
            if cursor.rowcount != 1:  # sent meanwhile, by another connection
                raise PasapasError(
                    _("Ce compte-rendu est déjà envoyé : il ne peut plus être modifié.")
                )
        return self.get(report_id)

    def get(self, report_id: str) -> StoredReport:
        row = self.store.query_one(_SELECT + "WHERE r.id = ?", (report_id,))
        if row is None:
            raise NotFoundError(_("Ce compte-rendu n'existe pas ou plus."))
        return _stored(row)

    def recent(self, *, author: str | None = None, limit: int = 20) -> list[StoredReport]:
        """The latest reports filed (one staff account's when `author` is set), newest first."""
        if author is None:
            rows = self.store.query(
                _SELECT + "ORDER BY r.created_at DESC, r.rowid DESC LIMIT ?", (limit,)
            )
        else:
            rows = self.store.query(
                _SELECT + "WHERE r.author = ? ORDER BY r.created_at DESC, r.rowid DESC LIMIT ?",
                (author, limit),
            )
        return [_stored(row) for row in rows]

    def last_by(self, author: str) -> StoredReport | None:
        """The last report this staff account filed ("reprendre mon dernier compte-rendu":
        `replace(last.draft, day=today)`), or None."""
        if not author:
            return None
        found = self.recent(author=author, limit=1)
        return found[0] if found else None

    def between(self, start: dt.date, end: dt.date) -> list[StoredReport]:
        """The reports of the days from `start` to `end` included, oldest first."""
        rows = self.store.query(
            _SELECT + "WHERE r.day BETWEEN ? AND ? ORDER BY r.day, r.created_at, r.rowid",
            (start.isoformat(), end.isoformat()),
        )
        return [_stored(row) for row in rows]

    def count(self) -> int:
        row = self.store.query_one("SELECT count(*) FROM accompaniment_reports")
        return row[0] if row else 0


# -- export ----------------------------------------------------------------------------------

# The Coop's export columns, in its order. Its own French headers: never translated.
EXPORT_COLUMNS = (
    "Date",
    "Type",
    "Participants",
    "Canaux d'accompagnement",
    "Nom du lieu",
    "Adresse",
    "Commune",
    "Code postal",
    "Code Insee",
    "Durée (min)",
    "Nom de l'atelier",
    "Matériel",
    "Thématique(s)",
    "Tags",
    "Nom de la démarche administrative",
    "Niveau d'autonomie (ou de l'atelier)",
    "Bénéficiaire réorienté",
    "Structure de redirection",
    "Commune / code postal / code INSEE du bénéficiaire",
    "Genre",
    "Tranche d'âge",
    "Statut",
    "identifiant du compte-rendu",
)
EXPORT_SUFFIXES = (".csv", ".xlsx")
CSV_DELIMITER = ";"  # what a French spreadsheet opens without asking
LIST_SEPARATOR = ", "


def _breakdown(counts: tuple[int, ...], codes: tuple[str, ...]) -> str:
    return LIST_SEPARATOR.join(f"{code} {n}" for code, n in zip(codes, counts, strict=True) if n)


def export_row(report: StoredReport, settings: Settings) -> list[str | int | dt.date]:
    """One report as the Coop's export row (codes, not labels; lists joined with ", ")."""
    d = report.draft
    at_site = d.place_type == "lieu_activite"
    individual = d.kind == "individuel"
    return [
        d.day,
        d.kind,
        d.participants,
        d.place_type,
        settings.site_name if at_site else "",
        "",
        "",
        settings.site_postcode if at_site else d.place_postcode,
        settings.site_commune if at_site else d.place_commune,
        d.duration,
        d.workshop_title,
        LIST_SEPARATOR.join(d.equipment),
        LIST_SEPARATOR.join((*d.themes, *d.admin_subthemes)),
        "",
        d.procedure_name,
        d.autonomy if individual else d.workshop_level,
        ("oui" if d.referred else "non") if individual else "",
        d.referral_structure,
        d.beneficiary_commune,
        d.gender if individual else _breakdown(d.participants_by_gender, GENDERS),
        d.age_band if individual else _breakdown(d.participants_by_age_band, AGE_BANDS),
        d.status if individual else _breakdown(d.participants_by_status, STATUSES),
        report.id,
    ]


@contextmanager
def written_whole(out: Path) -> Iterator[Path]:
    """A temporary file beside `out`, renamed to `out` when the block ends without error (and
    removed otherwise): `out` is never left half-written."""
    out = Path(out)
    if not out.parent.is_dir():
        raise PasapasError(_("Le dossier {folder} n'existe pas.").format(folder=out.parent))
    handle, name = tempfile.mkstemp(prefix=".pasapas-", suffix=out.suffix, dir=out.parent)
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        os.replace(temp, out)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def export_reports(
    store: Store,
    start: dt.date,
    end: dt.date,
    out: Path,
    settings: Settings,
    *,
    actor: str = "",
) -> int:
    """Write the reports from `start` to `end` included to `out` (.csv or .xlsx, from its
    name), with the Coop's column headers; the number of rows. Audited as `report_export`."""
    out = Path(out)
    kind = out.suffix.lower()
    if kind not in EXPORT_SUFFIXES:
        raise PasapasError(_("Choisissez un fichier dont le nom finit par .csv ou .xlsx."))
    if start > end:
        raise PasapasError(_("La date de début doit venir avant la date de fin."))
    rows = [export_row(report, settings) for report in Reports(store).between(start, end)]
    with written_whole(out) as temp:
        if kind == ".csv":
            _write_csv(temp, rows)
        else:
            _write_xlsx(temp, rows)
    AuditLog(store).append(
        "report_export",
        actor,
        {"rows": len(rows), "format": kind.lstrip("."), "days": _days(start, end)},
    )
    return len(rows)


def _days(start: dt.date, end: dt.date) -> int:
    return (end - start).days + 1


def _write_csv(path: Path, rows: list[list[str | int | dt.date]]) -> None:
    # UTF-8 with a byte order mark: spreadsheets then read the accents right.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=CSV_DELIMITER)
        writer.writerow(EXPORT_COLUMNS)
        for row in rows:
            writer.writerow([v.isoformat() if isinstance(v, dt.date) else v for v in row])


def _write_xlsx(path: Path, rows: list[list[str | int | dt.date]]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Activités")
    sheet.append(list(EXPORT_COLUMNS))
    for row in rows:
        sheet.append(row)
    book.save(path)
