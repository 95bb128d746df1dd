"""The take-home sheet: what a visitor carries away after a procedure, free of Qt.

A `Sheet` holds only content and the help point's settings, already in the visitor's language:
the procedure's title, the steps of the path taken, the documents to bring, the official website,
the phone numbers the content gives, the help point's name and opening hours, and the headings.
It never holds anything a visitor typed, ticked or chose beyond the path itself (step ids), so it
carries no personal data. `ui.sheet_render` prints it or writes it as a PDF.

Like the kiosk's screens, each text is in the visitor's language, or in French when it is not
translated yet (a step is never half translated); texts are passed through
`languages.directed`, so that a French step on an Arabic sheet still reads left to right.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pasapas.app.content.kinds import STEP_KINDS
from pasapas.app.content.model import FALLBACK_LANGUAGE, Procedure, Step, Text
from pasapas.app.errors import PasapasError
from pasapas.app.i18n import N_, gettext_in
from pasapas.app.languages import directed, is_rtl
from pasapas.app.settings import Settings

# Phone numbers French public services give, as the content writes them: what each one is for.
# A number is put on the sheet when the procedure's French text mentions it as a whole word.
KNOWN_NUMBERS: tuple[tuple[str, str], ...] = (
    ("3646", N_("Assurance Maladie")),
    ("3230", N_("Caf")),
    ("3960", N_("Assurance retraite")),
    ("33700", N_("Signaler un SMS ou un appel indésirable (par SMS)")),
    ("15", N_("Urgences médicales (SAMU)")),
    ("112", N_("Numéro d'urgence européen")),
)
# A French landline or mobile number written in full ("01 23 45 67 89", "0123456789").
_FULL_NUMBER = re.compile(r"(?<![\w+])0[1-9](?:[ .]?[0-9]{2}){4}(?!\w)")
# Words around a short number that say it is one to call (so "15 jours" is not taken for the 15).
_CALL_WORDS = re.compile(r"appel|numéro|compos|joindr|téléphon|sms", re.IGNORECASE)

HEADINGS = {
    "steps": N_("Les étapes"),
    "documents": N_("À préparer"),
    "website": N_("Site officiel"),
    "phones": N_("Numéros utiles"),
    "help_point": N_("Votre point d'aide"),
    "hours": N_("Horaires"),
    "note": N_("Note de la personne qui vous a aidé"),
    "untranslated": N_("Pas encore traduit dans votre langue : en français."),
    "nothing": N_("Rien à préparer."),
}


@dataclass(frozen=True)
class Sheet:
    """A take-home sheet, every text ready to print in `language`."""

    language: str
    rtl: bool
    title: str  # the procedure's title in that language
    # The path's steps, one string each: the step's title on the first line, then its text, then
    # a checklist's items as "• item" lines.
    steps: tuple[str, ...]
    documents: tuple[str, ...]  # "À préparer": the documents to bring
    website: str | None  # the procedure's official page (its first source's URL)
    website_label: str  # that source's title
    phones: tuple[tuple[str, str], ...]  # (what it is for, the number as the content says it)
    help_point: str  # from Settings.site_name
    opening_hours: str  # from Settings.opening_hours
    note_label: str  # the heading of the box for the volunteer's handwritten note
    headings: dict[str, str] = field(default_factory=dict)  # HEADINGS' keys, translated
    # "Pas encore traduit…" in the visitor's language when some text is shown in French, else "".
    untranslated_note: str = ""


def _resolved(texts: Sequence[Text | None], language: str) -> str:
    """The one language a group of texts is shown in: `language` when all have it, else French."""
    present = [text for text in texts if text is not None]
    if all(language in text.languages for text in present):
        return language
    return FALLBACK_LANGUAGE


def main_path(procedure: Procedure) -> tuple[str, ...]:
    """The path from the first step taking Next, or the first answer, until an end."""
    steps = {step.id: step for step in procedure.steps}
    path = [procedure.start]
    while True:
        moves = STEP_KINDS[steps[path[-1]].kind].moves(steps[path[-1]])
        # Validation refuses loops; the check keeps a damaged document from looping for ever.
        if not moves or moves[0].target in path or moves[0].target not in steps:
            return tuple(path)
        path.append(moves[0].target)


def _step_lines(step: Step, language: str) -> tuple[str, str]:
    """The step as printed, and the language it is printed in."""
    used = _resolved([found.text for found in STEP_KINDS[step.kind].texts(step)], language)
    lines = [step.title.get(used), step.text.get(used)]
    lines += ["•  " + item.get(used) for item in step.items]
    return "\n".join(directed(line, used) for line in lines if line.strip()), used


def phone_numbers(procedure: Procedure, language: str) -> tuple[tuple[str, str], ...]:
    """The phone numbers the procedure's French texts give, each with what it is for."""
    texts = [procedure.title, procedure.summary, procedure.audience, *procedure.documents]
    for step in procedure.steps:
        if STEP_KINDS[step.kind].printed:  # an exercise's made-up numbers are no advice
            texts += [found.text for found in STEP_KINDS[step.kind].texts(step)]
    french = [text.get(FALLBACK_LANGUAGE) for text in texts]
    found: dict[str, str] = {}
    for number, what in KNOWN_NUMBERS:
        word = re.compile(rf"(?<![\w.+/-]){re.escape(number)}(?![\w/-]|\.\w)")
        if any(word.search(text) and _CALL_WORDS.search(text) for text in french):
            found[number] = gettext_in(language, what)
    for text in french:
        for match in _FULL_NUMBER.finditer(text):
            number = match.group(0)
            found.setdefault(number, procedure.title.get(_resolved([procedure.title], language)))
    return tuple((what, number) for number, what in found.items())


def build_sheet(
    procedure: Procedure,
    language: str,
    settings: Settings,
    *,
    path: Sequence[str] | None = None,
) -> Sheet:
    """The sheet of `procedure` in `language`, with the steps of `path` (the step ids the visitor
    took; None: the main path, from the first step, taking the first answer of each question).

    Steps that only ask a question are left out: the path already went the visitor's way; so are
    an exercise's steps (a kind that is not `printed`: a mock message is no advice).
    `settings` is an `app.settings.Settings`: only the help point's name and hours are read.
    An unknown step id raises PasapasError.
    """
    steps = {step.id: step for step in procedure.steps}
    chosen = tuple(path) if path is not None else main_path(procedure)
    for step_id in chosen:
        if step_id not in steps:
            raise PasapasError(
                gettext_in(
                    language, "L'étape « {id} » n'existe pas dans la démarche « {procedure} »."
                ).format(id=step_id, procedure=procedure.id)
            )
    used_languages: set[str] = set()
    lines: list[str] = []
    for step_id in chosen:
        step = steps[step_id]
        if STEP_KINDS[step.kind].answers(step) or not STEP_KINDS[step.kind].printed:
            continue
        text, used = _step_lines(step, language)
        used_languages.add(used)
        lines.append(text)

    head = _resolved([procedure.title], language)
    documents_language = _resolved(list(procedure.documents), language)
    source = procedure.sources[0] if procedure.sources else None
    source_language = _resolved([source.title] if source else [], language)
    used_languages |= {head, documents_language, source_language}
    headings = {key: gettext_in(language, text) for key, text in HEADINGS.items()}
    return Sheet(
        language=language,
        rtl=is_rtl(language),
        title=directed(procedure.title.get(head), head),
        steps=tuple(lines),
        documents=tuple(
            directed(document.get(documents_language), documents_language)
            for document in procedure.documents
        ),
        website=source.url if source else None,
        website_label=directed(source.title.get(source_language), source_language)
        if source
        else "",
        phones=phone_numbers(procedure, language),
        help_point=settings.site_name.strip(),
        opening_hours=settings.opening_hours.strip(),
        note_label=headings["note"],
        headings=headings,
        untranslated_note=headings["untranslated"] if used_languages - {language} else "",
    )
