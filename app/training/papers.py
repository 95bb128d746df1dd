"""What a workshop puts on paper: the trainer's session report and each participant's attestation.

Both are built here as plain data (`Paper`: a title and blocks of text, lists, a table, a bar
chart, a signature line) in the language they are read in, and laid out as PDF by
`ui.workshop_pdf`. The report is in the trainer's language and shows the progress table the
screen shows (`workshops.progress_table`) with a chart of the questions most missed; the
attestation is in the participant's own language (right to left for Arabic) and says only that
they took part: the workshop, its day, place and length, what it covered and what they
finished, never an answer or a score. Qt-free.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pasapas.app.content.model import Procedure
from pasapas.app.errors import PasapasError
from pasapas.app.formatting import long_date
from pasapas.app.i18n import _, gettext_in, ngettext_in
from pasapas.app.languages import directed, is_rtl
from pasapas.app.training.workshops import (
    ParticipantProgress,
    Workshop,
    WorkshopProgress,
    missed_lines,
    progress_table,
    table_headers,
    workshop_state_label,
)


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Para:
    text: str
    bold: bool = False
    big: bool = False


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    """Horizontal bars: (label, value) each, the longest bar for `top`."""

    title: str
    bars: tuple[tuple[str, int], ...]
    top: int


@dataclass(frozen=True)
class Signature:
    label: str


Block = Heading | Para | Bullets | Table | Chart | Signature


@dataclass(frozen=True)
class Paper:
    title: str
    language: str
    blocks: tuple[Block, ...]

    @property
    def rtl(self) -> bool:
        return is_rtl(self.language)


def minutes_text(count: int, language: str) -> str:
    """ "75 minutes", in `language` (never Babel's "1 heure": a workshop's length is exact)."""
    return ngettext_in(language, "{n} minute", "{n} minutes", count).format(n=count)


def workshop_minutes(workshop: Workshop) -> int:
    """How long the workshop lasted (as closed), or was planned to."""
    if workshop.started_at is not None and workshop.ended_at is not None:
        return max(1, round((workshop.ended_at - workshop.started_at).total_seconds() / 60))
    return workshop.planned_minutes


def _procedure_title(procedures: dict[str, Procedure], procedure_id: str, language: str) -> str:
    procedure = procedures.get(procedure_id)
    return procedure.title.get(language) if procedure is not None else procedure_id


def report_paper(
    progress: WorkshopProgress,
    procedures: dict[str, Procedure],
    language: str,
    *,
    site_name: str = "",
) -> Paper:
    """The trainer's report of one workshop, in the interface language (`language`)."""
    w = progress.workshop
    modules = w.module_objects
    facts = [
        _("Date : {day}").format(day=long_date(w.day, language)),
        _("Lieu : {place}").format(place=w.place),
        _("Durée : {length}").format(length=minutes_text(workshop_minutes(w), language)),
        _("État : {state}").format(state=workshop_state_label(w.state)),
    ]
    if site_name:
        facts.insert(0, _("Lieu d'accueil : {name}").format(name=site_name))
    counts = _(
        "Inscrites : {registered} · présentes : {present} · ont tout terminé : {done} · "
        "bloquées : {stuck}"
    ).format(
        registered=len(progress.rows),
        present=progress.present,
        done=progress.count("done"),
        stuck=progress.count("stuck"),
    )
    blocks: list[Block] = [Para(directed(f, language)) for f in facts]
    blocks.append(Heading(_("Au programme")))
    blocks.append(
        Bullets(
            tuple(
                directed(f"{m.title(language)} ({minutes_text(m.duration, language)})", language)
                for m in modules
            )
        )
    )
    blocks.append(Heading(_("Participation")))
    blocks.append(Para(counts, bold=True))
    blocks.append(
        Table(
            tuple(table_headers()),
            tuple(tuple(row) for row in progress_table(progress, procedures, language)),
        )
    )
    missed = missed_lines(progress, procedures, language)
    blocks.append(Heading(_("Les questions les plus manquées")))
    if missed:
        blocks.append(
            Chart(
                _("Personnes qui se sont trompées, par question"),
                tuple(
                    (directed(text, language), m.people)
                    for (text, _said), m in zip(missed, progress.missed, strict=False)
                ),
                max(1, len(progress.rows)),
            )
        )
        blocks.append(Bullets(tuple(f"{text} : {said}" for text, said in missed)))
    else:
        blocks.append(Para(_("Aucune question manquée.")))
    return Paper(
        _("Compte-rendu d'atelier : {title}").format(title=w.title), language, tuple(blocks)
    )


def attestation_paper(
    workshop: Workshop,
    row: ParticipantProgress,
    procedures: dict[str, Procedure],
    *,
    site_name: str = "",
    trainer_name: str = "",
    today: dt.date | None = None,
) -> Paper:
    """A participant's attestation of participation, in their own language."""
    person = row.participant
    if not person.present:
        raise PasapasError(
            _("{name} n'est pas notée présente : pas d'attestation.").format(name=person.name)
        )
    lang = person.language
    modules = workshop.module_objects
    title = modules[0].title(lang) if len(modules) == 1 else workshop.title
    blocks: list[Block] = [
        Para(
            gettext_in(lang, "{name} a participé à l'atelier « {title} ».").format(
                name=person.name, title=directed(title, lang)
            ),
            big=True,
        ),
        Para(
            gettext_in(lang, "Le {day}, à {place}, pendant {length}.").format(
                day=long_date(workshop.day, lang),
                place=directed(workshop.place, lang),
                length=minutes_text(workshop_minutes(workshop), lang),
            )
        ),
    ]
    if site_name:
        blocks.append(
            Para(gettext_in(lang, "Lieu d'accueil : {name}").format(name=directed(site_name, lang)))
        )
    blocks.append(Heading(gettext_in(lang, "Ce que l'atelier a permis d'apprendre")))
    goals = [directed(goal, lang) for m in modules for goal in m.goals_in(lang)]
    blocks.append(Bullets(tuple(goals)))
    finished = [
        directed(_procedure_title(procedures, item, lang), lang)
        for item in workshop.items
        if item in row.finished_items
    ]
    if finished:
        blocks.append(Heading(gettext_in(lang, "Exercices et démarches terminés")))
        blocks.append(Bullets(tuple(finished)))
    made = today or dt.date.today()
    blocks.append(Para(gettext_in(lang, "Fait le {day}.").format(day=long_date(made, lang))))
    if trainer_name:
        blocks.append(
            Para(gettext_in(lang, "Animé par : {name}").format(name=directed(trainer_name, lang)))
        )
    blocks.append(Signature(gettext_in(lang, "Signature de l'animateur ou de l'animatrice")))
    return Paper(gettext_in(lang, "Attestation de participation"), lang, tuple(blocks))
