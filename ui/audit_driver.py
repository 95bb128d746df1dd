"""Builds the real kiosk offscreen and puts every registered screen in each of its states, in
every theme and text size, for the accessibility audit and for screenshots; then renders the
visitor's states at each kiosk screen size (`audit_sizes`).

Steps are audited kind by kind from sample procedures made from the step kinds' specs
(`kinds.sample_procedure`), one per kind of `STEP_KINDS`, with texts taken from the procedures in
the store in every language they have: a kind that no procedure uses yet is audited all the same.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication

from pasapas.accessibility.audit import (
    RULE_FOCUS_SPEECH,
    AuditResult,
    Violation,
    audit_geometry,
    audit_widget_tree,
)
from pasapas.accessibility.themes import THEMES
from pasapas.app.content.kinds import STEP_KINDS, sample_procedure
from pasapas.app.content.model import Procedure, StepKind, Text
from pasapas.app.content.validation import parse_document
from pasapas.app.guide import Walk, follow, route_to
from pasapas.app.i18n import set_language
from pasapas.app.preferences import TEXT_SIZES, Preferences
from pasapas.app.services import Kiosk
from pasapas.app.settings import Paths, Settings
from pasapas.app.staff import StaffDisplay

AUDIT_SCALES = (100, 200)
WINDOW_SIZE = (1280, 800)
# What a visitor sees is also rendered at each kiosk screen size, landscape and portrait, with and
# without a visible scroll bar: in French at the largest text, and in Arabic (right to left) at
# 200 %, the visitor's screens only (staff screens are audited at 1280 x 800).
GEOMETRY_SIZES = ((1280, 800), (1024, 768), (1080, 1920))
GEOMETRY_PASSES = (("fr", 300), ("ar", 200))


VISITOR_QUERY = "carte vitale"  # what a visitor types in the search field (not interface text)
DEMO_STAFF_NAME = "Camille (démo)"  # the demo store's site admin (a throwaway store)
DEMO_STAFF_PIN = "470312"


def is_staff_screen(window, name: str) -> bool:
    return window.screens[name].role is not None


def show_as_staff(window, name: str, display) -> None:
    """Log the demo site admin in, in `display` (their own text size, colours and language),
    and show the staff screen `name`."""
    account = window.kiosk.staff.accounts()[0]
    window.staff_login(account, target="staff_home")
    window.set_staff_display(display)
    window.go(name)


def demo_workshop(kiosk) -> str:
    """A workshop under way in the demo store (made once): four participants, three present,
    one done, one stuck on a practice question, one not started yet. Its id."""
    from pasapas.app.training.workshops import PracticeAnswer, Turn, WorkshopDraft

    workshops = kiosk.workshops
    for workshop in workshops.recent():
        return workshop.id
    workshop = workshops.create(
        WorkshopDraft(
            dt.date.today(),
            "Salle 2",
            ("atelier-arnaques",),
            participants=("Awa", "Bogdan", "Chafia", "Dédé"),
        ),
        actor="",
    )
    people = workshops.participants(workshop.id)
    workshops.start(workshop.id, actor="")
    for person in people[:3]:
        workshops.set_present(person.id, True, actor="")
    exercise = kiosk.procedure("exercice-reperer-arnaques")
    quiz = [step.id for step in exercise.steps if step.kind is StepKind.QUIZ]
    for item in workshop.items:
        answers = tuple(PracticeAnswer(q, 1, True) for q in quiz) if item == exercise.id else ()
        workshops.record_turn(people[0].id, Turn(item, 10, True, 420, "fin", answers))
    workshops.record_turn(
        people[1].id,
        Turn(exercise.id, 3, False, 180, quiz[0], (PracticeAnswer(quiz[0], 2, False),)),
    )
    return workshop.id


@contextmanager
def demo_window(language: str = "fr", size: tuple[int, int] = WINDOW_SIZE) -> Iterator:
    """A real kiosk window on a throwaway demo store, shown offscreen (or on the display)."""
    from pasapas.ui.window import KioskWindow

    app = QApplication.instance() or QApplication([])
    home = Path(tempfile.mkdtemp(prefix="pasapas-audit-"))
    paths = Paths.under(home).ensure()
    set_language(language)
    kiosk = Kiosk.create(paths, "demo", demo=True)
    # A site admin of the throwaway store, so that every staff screen can be shown logged in.
    kiosk.staff.create(DEMO_STAFF_NAME, "site_admin", DEMO_STAFF_PIN)
    window = KioskWindow(paths, Settings(language=language), kiosk=kiosk, locked_down=False)
    window.resize(*size)
    window.show()
    settle(app)
    try:
        yield window
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()
        shutil.rmtree(home, ignore_errors=True)


def settle(app: QApplication | None = None) -> None:
    """Let pending layout and style requests run to the end (they cascade parent by parent), and
    the deferred deletions (`deleteLater`) that a running event loop would do at once but
    `processEvents()` outside one leaves pending."""
    app = app or QApplication.instance()
    for _ in range(4):
        app.sendPostedEvents()
        app.processEvents()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _shown_on(window) -> str:
    """The screen that shows the walk's current step, as the view of its kind says."""
    from pasapas.ui.screens.step_views import step_view_class

    return step_view_class(window.walk.current.kind).screen


def open_step(window, procedure_id: str, step_id: str) -> None:
    window.start_walk(procedure_id)
    route = route_to(window.walk.procedure, step_id)
    follow(window.walk, route)
    window.go(_shown_on(window))


class _ContentTexts:
    """Texts for the sample steps, taken from the procedures in the store: for each field, the
    texts of that field that exist in every supported language (any, when none does), those of
    a step of the sample's own kind first, handed out in turn."""

    def __init__(self, procedures: list[Procedure], languages: tuple[str, ...]) -> None:
        found: dict[str, list[tuple[StepKind | None, Text]]] = {}
        for procedure in procedures:
            for field, text in (
                ("procedure-title", procedure.title),
                ("summary", procedure.summary),
                ("audience", procedure.audience),
                *(("source", source.title) for source in procedure.sources),
            ):
                found.setdefault(field, []).append((None, text))
            for step in procedure.steps:
                for text in STEP_KINDS[step.kind].texts(step):
                    found.setdefault(str(text.path[0]), []).append((step.kind, text.text))
        self._pools = {}
        for field, texts in found.items():
            complete = [(kind, t) for kind, t in texts if t.languages >= set(languages)]
            self._pools[field] = complete or texts

    def maker(self, kind: StepKind) -> Callable[[str], dict[str, str]]:
        pools = {
            field: sorted(texts, key=lambda entry: entry[0] is not kind)
            for field, texts in self._pools.items()
        }
        handed: dict[str, int] = {}

        def text(field: str) -> dict[str, str]:
            pool = pools.get(field) or pools.get("text")
            if not pool:  # a store with no procedure at all: the field's name will do
                return {"fr": field}
            count = handed.get(field, 0)
            handed[field] = count + 1
            return pool[count % len(pool)][1].to_json()

        return text


def sample_procedures(window) -> dict[StepKind, Procedure]:
    """For each kind of step, a procedure that shows one, made from its spec, with texts from
    the procedures in the window's store."""
    from pasapas.app.languages import SUPPORTED

    kiosk = window.kiosk
    procedures = [kiosk.procedure(item.id) for item in kiosk.procedures("fr")]
    texts = _ContentTexts(procedures, SUPPORTED)
    today = dt.date.today()
    samples = {}
    for kind in STEP_KINDS:
        data = sample_procedure(kind, texts.maker(kind), checked=today.isoformat())
        procedure, problems = parse_document(data, data["id"], today=today)
        if procedure is None:
            wrong = "\n".join(str(problem) for problem in problems)
            raise ValueError(f"the sample of {kind!r} is not valid:\n{wrong}")
        samples[kind] = procedure
    return samples


def open_sample(window, procedure: Procedure) -> None:
    """Open a walk on a sample procedure (not in the store) and show its first step."""
    window.visit.begin(Walk(procedure, language=window.language))
    window.go(_shown_on(window))


def _acted_states(
    window, name: str, kind: StepKind, sample: Procedure
) -> Iterator[tuple[str, Callable[[], None]]]:
    """The states a step of `kind` takes once the visitor acts on it: a practice question
    answered wrong (verdict, explanation, "Réessayer"); a practice form checked empty (an error
    under every field) and the same with the on-screen keyboard open over it; a mock message
    touched off a sign and on one, then with every sign found."""
    if kind is StepKind.QUIZ:

        def answered() -> None:
            open_sample(window, sample)
            settle()
            step = window.walk.current
            wrong = next(i for i, answer in enumerate(step.answers) if not answer.correct)
            window.screens[name].answer_quiz(wrong)

        yield f"{name}:{kind}:answered", answered
    elif kind is StepKind.SPOT:

        def touched(every: bool) -> None:
            open_sample(window, sample)
            settle()
            step, screen = window.walk.current, window.screens[name]
            others = [i for i in range(len(step.pieces)) if i not in step.clues]
            for index in [*others[:1], *(step.clues if every else step.clues[:1])]:
                screen.touch_piece(index)

        yield f"{name}:{kind}:touched", lambda: touched(False)
        yield f"{name}:{kind}:found", lambda: touched(True)
    elif kind is StepKind.PRACTICE_FORM:

        def checked(keyboard: bool) -> None:
            open_sample(window, sample)
            settle()
            screen = window.screens[name]
            screen.views[kind].check(window.walk.current)
            if keyboard:
                screen.keyboard.open_for(screen.views[kind].fields[sample.steps[0].form[0].name])

        yield f"{name}:{kind}:checked", lambda: checked(False)
        yield f"{name}:{kind}:keyboard", lambda: checked(True)


def screen_states(window) -> Iterator[tuple[str, Callable[[], None]]]:
    """(label, show) for every state worth checking, registered screens first."""
    from pasapas.ui.screens.step_views import step_view_class

    first = window.kiosk.procedures("fr")[0].id
    samples = sample_procedures(window)
    kinds_on: dict[str, list[StepKind]] = {}
    for kind in STEP_KINDS:  # every kind, on the screen its view says
        kinds_on.setdefault(step_view_class(kind).screen, []).append(kind)
    for name in sorted(window.screens):
        if name in kinds_on:
            for kind in kinds_on[name]:
                yield f"{name}:{kind}", lambda p=samples[kind]: open_sample(window, p)
                yield from _acted_states(window, name, kind, samples[kind])
        elif name == "overview":
            yield "overview", lambda: window.go("overview", procedure=first)
        elif name == "theme":
            yield "theme", lambda: window.go("theme", theme=None)
        elif name == "staff_workshop":  # a workshop under way, with its people and progress
            yield name, lambda: window.go("staff_workshop", workshop=demo_workshop(window.kiosk))
        elif is_staff_screen(window, name):
            yield name, lambda n=name: window.go(n)  # shown by the caller, logged in
        elif name == "home":
            yield "home", lambda: window.go("home")

            def searched() -> None:
                window.go("home")
                home = window.screens["home"]
                home.search.setText(VISITOR_QUERY)
                home.run_search()

            yield "home:search", searched
        else:
            yield name, lambda n=name: window.go(n)

    def warning() -> None:
        window.go("home")
        guard = window.inactivity
        guard.overlay.retranslate(guard.warning_seconds)
        guard.overlay.setGeometry(window.rect())
        guard.overlay.show()
        guard.overlay.raise_()

    yield "inactivity-warning", warning


def spoken_while(change: Callable[[], None]) -> list[str]:
    """What self-voicing said while the program changed the screen (`change`, then the layout
    settling): a program-made focus move that speaks cuts what the screen reads aloud."""
    from pasapas.ui import widgets

    said: list[str] = []
    before = widgets.speak_label

    def record(text: str, language: str | None = None) -> None:
        said.append(text)

    widgets.speak_label = record
    try:
        change()
        settle()
    finally:
        if widgets.speak_label is record:
            widgets.speak_label = before
    return said


def _spoke(window, where: str, said: list[str]) -> AuditResult:
    result = AuditResult(checks=1)
    if said:
        focused = window.focusWidget()
        widget = type(focused).__name__ if focused is not None else "-"
        result.violations.append(
            Violation(where, widget, RULE_FOCUS_SPEECH, "said " + " / ".join(map(repr, said)))
        )
    return result


def _pages(window) -> list:
    from pasapas.ui.widgets import ScrollPage

    return [page for page in window.findChildren(ScrollPage) if page.isVisible()]


def audit_sizes(
    language: str, scale: int, progress: Callable[[str], None] | None = None
) -> AuditResult:
    """Every visitor state in `language` at `scale` %, at each of `GEOMETRY_SIZES`, as laid out
    and again with the scroll bar of each page shown: glyphs inside their widget and the visible
    page, the way on in sight, overlays opaque, no focus move of the program spoken."""
    result = AuditResult()
    prefs = replace(Preferences(), text_size=scale)
    with demo_window(language) as window:
        window.set_prefs(prefs)
        states = [
            (label, show)
            for label, show in screen_states(window)
            if not (label in window.screens and is_staff_screen(window, label))
        ]
        for width, height in GEOMETRY_SIZES:
            window.resize(width, height)
            settle()
            for label, show in states:
                where = f"{label} [{width}x{height}, {scale}%, {language}]"
                result.add(_spoke(window, where, spoken_while(show)))
                result.add(audit_geometry(window, where))
                # The same with the scroll bar shown, where the page did not need it: the
                # page is narrower, and in Arabic the bar is on the left.
                pages = _pages(window)
                forced = [page for page in pages if not page.verticalScrollBar().isVisible()]
                for page in forced:
                    page.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
                if forced:
                    settle()
                    result.add(audit_geometry(window, where.replace("]", ", scroll bar]")))
                    for page in forced:
                        page.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
                window.inactivity.overlay.hide()
                if progress is not None:
                    progress(where)
    QApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    return result


def run_audit(language: str = "fr", progress: Callable[[str], None] | None = None) -> AuditResult:
    """Every state of every screen in every theme at 100 % and 200 % in `language`; then, from
    French, every state again in Arabic (right to left) at 100 % and 200 %, and in each other
    language at 200 % (longer words, other scripts), in the standard theme."""
    from pasapas.app.languages import SUPPORTED

    result = AuditResult()
    app = QApplication.instance() or QApplication([])
    passes = [(language, THEMES, AUDIT_SCALES)]
    if language == "fr":
        passes.append(("ar", ("standard",), AUDIT_SCALES))
        passes += [(code, ("standard",), (200,)) for code in SUPPORTED if code not in ("fr", "ar")]
    for pass_language, themes, scales in passes:
        with demo_window(pass_language) as window:
            for theme_id in themes:
                for scale in scales:
                    prefs = replace(Preferences(), theme=theme_id, text_size=scale)
                    window.set_prefs(prefs)
                    display = StaffDisplay(text_size=scale, theme=theme_id, language=pass_language)
                    for label, show in screen_states(window):
                        if label in window.screens and is_staff_screen(window, label):
                            window.wipe_visit()
                            window.set_prefs(prefs)
                            show_as_staff(window, label, display)
                        else:

                            def visit(show=show, prefs=prefs) -> None:
                                # The end of the last visit (as after an idle wipe), then this
                                # state: the program's own moves, none of which may speak.
                                window.wipe_visit()
                                if window.staff_session is not None:
                                    window.staff_logout()
                                window.set_prefs(prefs)
                                show()

                            said = spoken_while(visit)
                            result.add(_spoke(window, f"{label} [{theme_id}, {scale}%]", said))
                        settle(app)
                        tag = f", {pass_language}" if pass_language != language else ""
                        where = f"{label} [{theme_id}, {scale}%{tag}]"
                        result.add(audit_widget_tree(window, where))
                        window.inactivity.overlay.hide()
                        if progress is not None:
                            progress(where)
    if language == "fr":
        for pass_language, scale in GEOMETRY_PASSES:
            result.add(audit_sizes(pass_language, scale, progress))
    QApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    set_language(language)  # the report is in the language asked for
    return result


def screenshot(
    out: Path,
    *,
    screen: str = "home",
    procedure: str | None = None,
    step: str | None = None,
    theme_id: str = "standard",
    scale: int = 100,
    language: str = "fr",
    size: tuple[int, int] = WINDOW_SIZE,
) -> Path:
    """Render one screen offscreen to a PNG (for the README, the docs and reviewers)."""
    from pasapas.app.errors import PasapasError
    from pasapas.app.i18n import _

    if theme_id not in THEMES:
        raise PasapasError(
            _("Thème inconnu : {theme} (possibles : {themes})").format(
                theme=theme_id, themes=", ".join(THEMES)
            )
        )
    prefs = Preferences(theme=theme_id, text_size=scale).validated()
    if prefs.text_size != scale:
        raise PasapasError(
            _("Taille inconnue : {scale} (possibles : {sizes})").format(
                scale=scale, sizes=", ".join(str(size) for size in TEXT_SIZES)
            )
        )
    with demo_window(language, size) as window:
        if screen not in window.screens:
            raise PasapasError(
                _("Écran inconnu : {screen} (possibles : {screens})").format(
                    screen=screen, screens=", ".join(sorted(window.screens))
                )
            )
        window.set_prefs(prefs)
        if screen in ("step", "finish"):
            procedure = procedure or window.kiosk.procedures(language)[0].id
            chosen = window.kiosk.procedure(procedure)
            open_step(window, chosen.id, step or chosen.start)
        elif screen == "overview":
            window.go("overview", procedure=procedure or window.kiosk.procedures(language)[0].id)
        elif is_staff_screen(window, screen):
            display = StaffDisplay(text_size=scale, theme=theme_id, language=language)
            show_as_staff(window, screen, display)
        else:
            window.go(screen)
        settle()
        image = window.grab()
        out = Path(out)
        if not image.save(str(out), "PNG"):
            raise PasapasError(_("Impossible d'écrire l'image {path}.").format(path=out))
    return out


# The pictures docs/screenshots shows (issue 10 §5), each at 1280 x 800: name -> (language,
# text size %, what is put on screen). Taken again with `docs_screenshots(folder)`.
DOCS_PROCEDURE = "carte-vitale"  # its first step is a question


def _question(window) -> None:
    procedure = window.kiosk.procedure(DOCS_PROCEDURE)
    open_step(window, procedure.id, procedure.start)


def _keyboard(window) -> None:
    window.go("home")
    home = window.screens["home"]
    home.search.setFocus()
    settle()
    if not home.keyboard.isVisible():
        home.keyboard_button.click()


def _stop_question(window) -> None:
    _question(window)
    settle()
    window.screens[window.current_screen].ask_to_stop()


def _warning_over_step(window) -> None:
    _question(window)
    settle()
    guard = window.inactivity
    guard.overlay.retranslate(guard.warning_seconds)
    guard.overlay.setGeometry(window.rect())
    guard.overlay.show()
    guard.overlay.raise_()


def _quiz_wrong(window) -> None:
    """The practice exercise's first message, answered wrong: the verdict and the explanation."""
    open_step(window, "exercice-reperer-arnaques", "sms-carte-vitale")
    settle()
    step = window.walk.current
    wrong = next(i for i, answer in enumerate(step.answers) if not answer.correct)
    window.screens["step"].answer_quiz(wrong)


def _quiz_question(window) -> None:
    open_step(window, "exercice-reperer-arnaques", "sms-carte-vitale")


def _practice_form_refused(window) -> None:
    """The practice form of the ameli exercise: a real-looking social security number typed by
    habit, emptied at once, and the guard's sentence under the field."""
    open_step(window, "exercice-compte-ameli", "numero-securite-sociale")
    settle()
    view = window.screens["step"].views[StepKind.PRACTICE_FORM]
    field = window.walk.current.form[0]
    base = "1850578006084"  # a made-up number of a real number's shape, its key worked out
    view._typed(window.walk.current, field, f"{base}{97 - int(base) % 97:02d}", as_text=True)


def _practice_form(window) -> None:
    open_step(window, "exercice-compte-ameli", "numero-securite-sociale")


def _spot(window, every: bool = False) -> None:
    """The scam exercise's mock SMS in pieces; with `every`, each sign found (and one miss)."""
    open_step(window, "exercice-reperer-arnaques", "trouver-signes-sms")
    settle()
    if every:
        step, screen = window.walk.current, window.screens["step"]
        screen.touch_piece(1)
        for index in step.clues:
            screen.touch_piece(index)


def _workshop(window, present: bool = False):
    """The trainer's screen of a workshop under way (the demo site admin logged in); with
    `present`, the projected slide of its first practice question, answer shown."""
    workshop = demo_workshop(window.kiosk)
    show_as_staff(window, "staff_workshop", StaffDisplay(language=window.language).validated())
    window.go("staff_workshop", workshop=workshop)
    if not present:
        return None
    screen = window.screens["staff_workshop"]
    screen.toggle_presentation()
    presentation = window.presentation
    while presentation.current.kind is not StepKind.QUIZ:
        presentation.next()
    presentation.toggle_answer()
    return presentation.window


DOCS_SHOTS: dict[str, tuple[str, int, Callable]] = {
    "step-question-300.png": ("fr", 300, _question),
    "step-question-ar-200.png": ("ar", 200, _question),
    "keyboard-ar.png": ("ar", 100, _keyboard),
    "stop-confirmation.png": ("fr", 200, _stop_question),
    "inactivity-over-step.png": ("fr", 200, _warning_over_step),
    "quiz-wrong-answer.png": ("fr", 100, _quiz_wrong),
    "quiz-question-ar-200.png": ("ar", 200, _quiz_question),
    "practice-form-refused.png": ("fr", 100, _practice_form_refused),
    "practice-form-ar-200.png": ("ar", 200, _practice_form),
    "spot-found.png": ("fr", 100, lambda window: _spot(window, every=True)),
    "spot-ar-200.png": ("ar", 200, _spot),
    "workshop-trainer.png": ("fr", 100, _workshop),
    "presentation-answer.png": ("fr", 100, lambda window: _workshop(window, present=True)),
}


def docs_screenshots(folder: Path) -> list[Path]:
    """Render the documentation's pictures of `DOCS_SHOTS` into `folder`."""
    written = []
    for name, (language, scale, show) in DOCS_SHOTS.items():
        with demo_window(language) as window:
            window.set_prefs(replace(Preferences(), text_size=scale))
            shown = show(window) or window  # a window of its own (the presentation), or the kiosk
            settle()
            out = Path(folder) / name
            shown.grab().save(str(out), "PNG")
            written.append(out)
            window.close_presentation()
    QApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    return written
