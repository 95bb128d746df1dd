"""`accompaniment_report` v1: a staff member's report of one help (compte-rendu d'activité).

The fields and their values are those of La Coop de la médiation numérique's activity reports
(`../shared/research/activity-reports.md`), so a help point's figures compare with the national
ones and export into the mediators' own tools. The beneficiary stays anonymous: only optional
bands and codes ("non_communique" always allowed), never a name. `author` is the random id of
the staff account that filed it ('' once that account was erased); `notes` are for staff and
must never hold a visitor's personal data.

An individual help (`individuel`) carries the autonomy, the referral and the beneficiary's
bands, and no workshop field; a workshop (`collectif`) carries its title, level and anonymous
participant counts, whose breakdowns (by gender, age band and status, in the order of
`GENDERS`, `AGE_BANDS`, `STATUSES`) never exceed the total, and no individual field.

Written by `app.reports.Reports` to the `accompaniment_reports` table (migration 5), with its
themes in `accompaniment_report_themes`. This module imports only the standard library: the
central service validates these records with the same rules.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from pasapas.app.records import RecordType, register

KINDS = ("individuel", "collectif")
PLACE_TYPES = ("lieu_activite", "domicile", "a_distance", "autre")
PLACES_WITH_COMMUNE = ("domicile", "autre")
EQUIPMENT = ("ordinateur", "telephone", "tablette", "autre", "aucun")
ADMIN_THEME = "aide_aux_demarches_administratives"
THEMES = (
    "diagnostic_numerique",
    "prendre_en_main_du_materiel",
    "maintenance_de_materiel",
    "gere_ses_contenus_numeriques",
    "navigation_sur_internet",
    "email",
    "bureautique",
    "reseaux_sociaux",
    "sante",
    "banque_et_achats_en_ligne",
    "entrepreneuriat",
    "insertion_professionnelle",
    "securite_numerique",
    "parentalite",
    "scolarite_et_numerique",
    "creer_avec_le_numerique",
    "culture_numerique",
    "intelligence_artificielle",
    ADMIN_THEME,
)
ADMIN_SUBTHEMES = (
    "papiers_elections_citoyennete",
    "famille_scolarite",
    "social_sante",
    "travail_formation",
    "logement",
    "transports_mobilite",
    "argent_impots",
    "justice",
    "etrangers_europe",
    "loisirs_sports_culture",
    "associations",
)
AUTONOMY = ("entierement_accompagne", "partiellement_autonome", "autonome")
REFERRAL_STRUCTURES = (
    "operateur_ou_organisme_en_charge",
    "aide_aux_demarches_administratives",
    "administration",
    "mediation_numerique",
    "aide_sociale",
    "insertion_professionnelle",
    "autre",
)
NOT_GIVEN = "non_communique"
GENDERS = ("masculin", "feminin", NOT_GIVEN)
AGE_BANDS = (
    "moins_de_douze",
    "douze_dix_huit",
    "dix_huit_vingt_quatre",
    "vingt_cinq_trente_neuf",
    "quarante_cinquante_neuf",
    "soixante_soixante_neuf",
    "soixante_dix_plus",
    NOT_GIVEN,
)
STATUSES = ("scolarise", "sans_emploi", "en_emploi", "retraite", NOT_GIVEN)
LEVELS = ("debutant", "intermediaire", "avance")

MAX_DURATION = 24 * 60 - 1  # minutes, under a day
MAX_NOTES = 500
MAX_TITLE = 200  # the procedure's name and the workshop's title
MAX_PARTICIPANTS = 999
COMMUNE = re.compile(r"(?:[0-9]{2}|2A|2B)[0-9]{3}")  # an INSEE code (Corsica: 2A, 2B)
POSTCODE = re.compile(r"[0-9]{5}")
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_LANGUAGE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")
_ACCOUNT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class AccompanimentReport:
    kind: Literal["individuel", "collectif"]
    day: dt.date
    duration: int  # minutes
    place_type: str
    place_commune: str  # INSEE code, only for domicile and autre ('' otherwise or unknown)
    place_postcode: str
    equipment: tuple[str, ...]
    themes: tuple[str, ...]
    admin_subthemes: tuple[str, ...]  # only with aide_aux_demarches_administratives
    procedure_name: str  # precisions_demarche, only with aide_aux_demarches_administratives
    procedure_id: str  # the kiosk procedure the help was about ('' when none)
    language: str  # the language the visitor used ('' when not known)
    # individuel
    autonomy: str
    referred: bool
    referral_structure: str
    gender: str
    age_band: str
    status: str
    beneficiary_commune: str
    already_helped: bool
    # collectif
    workshop_title: str
    workshop_level: str
    participants: int  # 1 for an individual help
    participants_already_helped: int
    participants_by_gender: tuple[int, ...]  # in the order of GENDERS; () for individuel
    participants_by_age_band: tuple[int, ...]  # AGE_BANDS
    participants_by_status: tuple[int, ...]  # STATUSES
    notes: str
    author: str  # the staff account's id; '' after its erasure


def _codes(values: tuple[str, ...], allowed: tuple[str, ...], name: str) -> str | None:
    if len(set(values)) != len(values):
        return f"{name} must not repeat a value"
    unknown = [v for v in values if v not in allowed]
    if unknown:
        return f"{name}: unknown code {unknown[0]!r}"
    return None


def _individual_rules(r: AccompanimentReport) -> str | None:
    if r.autonomy not in AUTONOMY:
        return "autonomy must be one of " + ", ".join(AUTONOMY)
    if r.referral_structure and (not r.referred or r.referral_structure not in REFERRAL_STRUCTURES):
        return "referral_structure is a known structure, only when referred"
    if r.gender not in GENDERS or r.age_band not in AGE_BANDS or r.status not in STATUSES:
        return "gender, age_band and status must be known codes (non_communique when not given)"
    if r.beneficiary_commune and not COMMUNE.fullmatch(r.beneficiary_commune):
        return "beneficiary_commune must be an INSEE code"
    if r.workshop_title or r.workshop_level or r.participants != 1:
        return "an individual help has no workshop title or level and one participant"
    if r.participants_already_helped or any(
        (r.participants_by_gender, r.participants_by_age_band, r.participants_by_status)
    ):
        return "an individual help has no participant breakdowns"
    return None


def _workshop_rules(r: AccompanimentReport) -> str | None:
    if r.autonomy or r.referred or r.referral_structure or r.already_helped:
        return "a workshop has no autonomy or referral"
    if r.gender or r.age_band or r.status or r.beneficiary_commune:
        return "a workshop has no beneficiary fields: its participants are counted"
    if not r.workshop_title.strip() or len(r.workshop_title) > MAX_TITLE:
        return f"a workshop has a title of at most {MAX_TITLE} characters"
    if r.workshop_level not in LEVELS:
        return "workshop_level must be one of " + ", ".join(LEVELS)
    if not 1 <= r.participants <= MAX_PARTICIPANTS:
        return f"participants must be between 1 and {MAX_PARTICIPANTS}"
    if not 0 <= r.participants_already_helped <= r.participants:
        return "participants_already_helped must be between 0 and participants"
    for name, counts, codes in (
        ("participants_by_gender", r.participants_by_gender, GENDERS),
        ("participants_by_age_band", r.participants_by_age_band, AGE_BANDS),
        ("participants_by_status", r.participants_by_status, STATUSES),
    ):
        if len(counts) != len(codes) or any(c < 0 for c in counts):
            return f"{name} must have {len(codes)} counts, none negative"
        if sum(counts) > r.participants:
            return f"{name} must not add up to more than participants"
    return None


def _rules(r: AccompanimentReport) -> str | None:
    if not 1 <= r.duration <= MAX_DURATION:
        return f"duration must be between 1 and {MAX_DURATION} minutes"
    if r.place_type not in PLACE_TYPES:
        return "place_type must be one of " + ", ".join(PLACE_TYPES)
    if (r.place_commune or r.place_postcode) and r.place_type not in PLACES_WITH_COMMUNE:
        return "place_commune and place_postcode only for " + ", ".join(PLACES_WITH_COMMUNE)
    if r.place_commune and not COMMUNE.fullmatch(r.place_commune):
        return "place_commune must be an INSEE code"
    if r.place_postcode and not POSTCODE.fullmatch(r.place_postcode):
        return "place_postcode must be 5 digits"
    problem = _codes(r.equipment, EQUIPMENT, "equipment")
    if problem:
        return problem
    if "aucun" in r.equipment and len(r.equipment) > 1:
        return "equipment 'aucun' stands alone"
    if not r.themes:
        return "themes must hold at least one theme"
    problem = _codes(r.themes, THEMES, "themes") or _codes(
        r.admin_subthemes, ADMIN_SUBTHEMES, "admin_subthemes"
    )
    if problem:
        return problem
    if ADMIN_THEME not in r.themes and (r.admin_subthemes or r.procedure_name):
        return f"admin_subthemes and procedure_name only with the theme {ADMIN_THEME}"
    if len(r.procedure_name) > MAX_TITLE:
        return f"procedure_name must be at most {MAX_TITLE} characters"
    if r.procedure_id and (len(r.procedure_id) > 64 or not _SLUG.fullmatch(r.procedure_id)):
        return "procedure_id must be a procedure slug of at most 64 characters"
    if r.language and not _LANGUAGE.fullmatch(r.language):
        return "language must be a language code such as fr, ar or pt_BR"
    if len(r.notes) > MAX_NOTES:
        return f"notes must be at most {MAX_NOTES} characters"
    if r.author and not _ACCOUNT_ID.fullmatch(r.author):
        return "author must be a staff account id or ''"
    return _individual_rules(r) if r.kind == "individuel" else _workshop_rules(r)


ACCOMPANIMENT_REPORT_TYPE = register(
    RecordType("accompaniment_report", 1, AccompanimentReport, rules=_rules)
)
