"""The kiosk by ear: what a visitor who cannot read hears, in real time.

The speech engine is replaced at the edge by one that keeps real time: `say()` lasts as long as
its text would take to speak (at a high rate, so the walk stays fast), a new `say()` or `stop()`
cuts what is being said and records where. A reading cut by the program (a control it focused by
itself, a label spoken over the step) shows up as a cut, or as speech nobody asked for.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from pasapas.app.content.model import StepKind
from pasapas.ui.voice import continue_hint, sentences
from pasapas.ui.widgets import HOLD_MS, WrapButton
from pasapas.ui.window import LABEL_DELAY_MS
from tests.app.helpers import BUILTIN_IDS

# About 14 characters a second is espeak-ng's usual pace; 700 keeps a step's reading (200 to
# 600 characters) a few tenths of a second: longer than the label delay, short enough to walk.
REAL_CHARS_PER_SECOND = 14
CHARS_PER_SECOND = 700
QUIET_MS = LABEL_DELAY_MS + 120  # a program-made label would have started by then
# The walk over every branch shares one faster clock between the engine and the window: speech
# 300 times faster, and the window's label delay 300 times shorter (150 ms -> 1 ms), so a label
# the program makes speak still lands inside the step's reading, as it would at the real pace.
WALK_SPEED = 300


@dataclass
class Utterance:
    parts: list[tuple[str, str]]
    start: float
    duration: float
    cut_at: float | None = None
    cut_by: str = ""

    @property
    def text(self) -> str:
        return "\n".join(text for text, _language in self.parts)

    @property
    def end(self) -> float:
        return self.start + self.duration

    @property
    def cut(self) -> bool:
        return self.cut_at is not None


@dataclass
class RealTimeSpeech:
    """A speech engine that says nothing, but takes the time saying it would take."""

    chars_per_second: float = CHARS_PER_SECOND
    utterances: list[Utterance] = field(default_factory=list)
    status: str = ""

    @property
    def available(self) -> bool:
        return not self.status

    def say(self, text: str, language: str) -> None:
        self._start([(text, language)])

    def say_parts(self, parts) -> None:
        self._start([tuple(part) for part in parts])

    def stop(self) -> None:
        self._cut("stop")

    def set_rate(self, rate: str) -> None:
        pass

    def close(self) -> None:
        self._cut("close")

    def _start(self, parts: list[tuple[str, str]]) -> None:
        self._cut("say")
        text = "\n".join(text for text, _language in parts)
        self.utterances.append(
            Utterance(parts, time.monotonic(), len(text) / self.chars_per_second)
        )

    def _cut(self, how: str) -> None:
        now = time.monotonic()
        if self.utterances:
            last = self.utterances[-1]
            if not last.cut and now < last.end:
                last.cut_at, last.cut_by = now, how

    def speaking(self) -> bool:
        return (
            bool(self.utterances)
            and not self.utterances[-1].cut
            and (time.monotonic() < self.utterances[-1].end)
        )

    def since(self, mark: int) -> list[Utterance]:
        return self.utterances[mark:]


@pytest.fixture
def ear():
    return RealTimeSpeech()


@pytest.fixture
def heard(make_window, kiosk, ear):
    from pasapas.app.settings import Settings

    return make_window(kiosk, speech=ear, settings=Settings(languages=("fr", "ar", "en")))


def act_and_listen(qtbot, ear, action, quiet_ms: int | None = None, window=None) -> list[Utterance]:
    """Do what the visitor does, then listen without touching anything until the kiosk is quiet
    (nothing said, and no label waiting to be said): what was said from the action on."""
    quiet = (QUIET_MS if quiet_ms is None else quiet_ms) / 1000
    mark = len(ear.utterances)
    began = time.monotonic()
    action()

    def quiet_now() -> bool:
        waiting = window is not None and window._label_timer.isActive()
        return not ear.speaking() and not waiting and time.monotonic() - began >= quiet

    qtbot.waitUntil(quiet_now, timeout=20_000)
    return ear.since(mark)


listen = act_and_listen  # (the walk below listens with its own faster clock)


def merged(parts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Parts as the voice sends them: neighbours in the same language read as one."""
    out: list[tuple[str, str]] = []
    for text, language in parts:
        if not text:
            continue
        if out and out[-1][1] == language:
            out[-1] = (f"{out[-1][0]}\n{text}", language)
        else:
            out.append((text, language))
    return out


def assert_read_to_its_end(said: list[Utterance], expected: list[tuple[str, str]], where: str):
    readings = [u for u in said if u.parts]
    assert readings, f"{where}: nothing was read"
    first = readings[0]
    assert not first.cut, (
        f"{where}: the reading was cut ({first.cut_by}) after "
        f"{(first.cut_at - first.start) * 1000:.0f} ms of {first.duration * 1000:.0f} ms, by "
        + " | ".join(repr(u.text[:60]) for u in readings[1:])
    )
    assert len(readings) == 1, f"{where}: more than the screen's reading was said: " + " | ".join(
        repr(u.text[:60]) for u in readings
    )
    reading = readings[0]
    assert not reading.cut, (
        f"{where}: the reading was cut ({reading.cut_by}) after "
        f"{(reading.cut_at - reading.start) * 1000:.0f} ms of {reading.duration * 1000:.0f} ms"
    )
    assert reading.parts == merged(expected), where


def click(qtbot, button):
    return lambda: qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def walk_every_branch(qtbot, window, ear, procedure_id: str, language: str) -> int:
    """Next, every answer of every question, and Back, along the whole procedure. Returns how
    many readings were heard to their end."""
    ear.chars_per_second = REAL_CHARS_PER_SECOND * WALK_SPEED
    delay = max(1, round(LABEL_DELAY_MS / WALK_SPEED))
    window._label_timer.setInterval(delay)
    quiet = delay + 40  # a label made to speak by the program would have started by then

    def act_and_listen(qtbot, ear, action):
        return listen(qtbot, ear, action, quiet, window)

    window.set_language(language)
    window.go("overview", procedure=procedure_id)
    overview = window.screens["overview"]
    step_screen = window.screens["step"]
    finish = window.screens["finish"]
    said = act_and_listen(qtbot, ear, click(qtbot, overview.start_button))
    checked = 0

    def check(said, where):
        nonlocal checked
        walk = window.walk
        if window.current_screen == "finish":
            expected = finish.spoken_parts() if hasattr(finish, "spoken_parts") else None
            readings = [u for u in said if u.parts]
            assert len(readings) == 1 and not readings[0].cut, f"{where}: finish reading"
            if expected is not None:
                assert readings[0].parts == merged(expected), where
        else:
            assert window.current_screen == "step", where
            expected = [(t, lang) for t, lang in step_screen.spoken_parts(walk.current)]
            assert_read_to_its_end(said, expected, where)
            heard_text = "\n".join(text for text, _lang in expected)
            used = step_screen.shown_language(walk.current)
            assert walk.current.title.get(used).rstrip(".") in heard_text, where
            # Ready for the keyboard too: the focus is where the step puts it, said by nobody.
            # (the window's own focus widget: the offscreen platform may deactivate the window
            # for a moment, the focus comes back there)
            focus = step_screen.first_focus()
            assert window.focusWidget() is focus, (where, window.focusWidget())
        checked += 1

    seen: set[str] = set()

    def back_button():
        return finish.back_button if window.current_screen == "finish" else step_screen.back_button

    def back_to(step_id: str, where: str) -> None:
        """Back, Back… to the question (the visitor does not wait for the steps in between),
        then its whole reading again before the next answer."""
        while window.walk.path[-2] != step_id:
            qtbot.mouseClick(back_button(), Qt.MouseButton.LeftButton)
        check(act_and_listen(qtbot, ear, click(qtbot, back_button())), f"{where} back")
        assert window.walk.current.id == step_id

    def explore(where: str) -> None:
        walk = window.walk
        step = walk.current
        if window.current_screen == "finish" or step.id in seen:
            return
        seen.add(step.id)
        if step.kind is StepKind.CHOICE:
            for index in range(len(step.choices)):
                here = f"{where} > {step.id}[{index}]"
                answer = step_screen.findChild(WrapButton, f"choice-{index}")
                check(act_and_listen(qtbot, ear, click(qtbot, answer)), here)
                explore(here)
                back_to(step.id, here)
        else:
            here = f"{where} > {step.id}"
            if step.kind is StepKind.QUIZ:
                practise(step, here)
            check(act_and_listen(qtbot, ear, click(qtbot, step_screen.next_button)), here)
            explore(here)

    def practise(step, where: str) -> None:
        """A practice question: a wrong answer, its verdict and explanation heard to their end;
        "Réessayer", the question and its answers again; the right answer, heard too."""
        nonlocal checked
        used, lang = step_screen.shown_language(step), window.language
        view = step_screen.views[StepKind.QUIZ]
        wrong = next((i for i, a in enumerate(step.answers) if not a.correct), None)
        right = min(step.right_answers)
        tries = [wrong, right] if wrong is not None else [right]
        for index in tries:
            button = step_screen.findChild(WrapButton, f"quiz-answer-{index}")
            said = act_and_listen(qtbot, ear, click(qtbot, button))
            expected = [*view.feedback(step, used, lang), (continue_hint(lang), lang)]
            assert_read_to_its_end(said, sentences(expected), f"{where} answer {index}")
            checked += 1
            if index != right:
                retry = step_screen.findChild(WrapButton, "quiz-retry")
                assert window.focusWidget() is retry, where
                said = act_and_listen(qtbot, ear, click(qtbot, retry))
                readings = [u for u in said if u.parts]
                assert len(readings) == 1 and not readings[0].cut, f"{where} retry"
                checked += 1

    check(said, f"{language}:{procedure_id} start")
    explore(f"{language}:{procedure_id}")
    window.wipe_visit()
    return checked


def built_in_ids(kiosk) -> list[str]:
    return [item.id for item in kiosk.procedures("fr", None)]


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_step_of_every_built_in_procedure_is_heard_to_its_end(
    qtbot, heard, ear, kiosk, language
):
    ids = built_in_ids(kiosk)
    assert len(ids) == len(BUILTIN_IDS)
    total = sum(walk_every_branch(qtbot, heard, ear, pid, language) for pid in ids)
    print(f"{language}: {total} readings heard to their end")
    assert total > 100  # every step, every answer, and the Back presses to each question


def test_a_question_reached_with_next_is_heard_whole_not_cut_by_its_first_answer(qtbot, heard, ear):
    heard.go("overview", procedure="medecin-traitant")
    step = heard.screens["step"]
    act_and_listen(qtbot, ear, click(qtbot, heard.screens["overview"].start_button))
    act_and_listen(qtbot, ear, click(qtbot, step.next_button))
    said = act_and_listen(qtbot, ear, click(qtbot, step.next_button))
    assert heard.walk.current.kind is StepKind.CHOICE
    assert_read_to_its_end(said, step.spoken_parts(heard.walk.current), "the question")
    assert "Réponse 1" in said[0].text
    # The focus is on the first answer, ready for the keyboard, without a word said about it.
    assert heard.focusWidget() is step.findChild(WrapButton, "choice-0")


def test_a_language_switch_reads_the_step_again_whole_in_the_new_language(qtbot, heard, ear):
    heard.go("overview", procedure="medecin-traitant")
    step = heard.screens["step"]
    act_and_listen(qtbot, ear, click(qtbot, heard.screens["overview"].start_button))
    act_and_listen(qtbot, ear, click(qtbot, heard.access_bar.language_button))
    assert heard.current_screen == "language"
    arabic = heard.screens["language"].findChild(WrapButton, "language-ar")
    said = act_and_listen(qtbot, ear, click(qtbot, arabic))
    assert heard.current_screen == "step"
    assert_read_to_its_end(said, step.spoken_parts(heard.walk.current), "after the switch")
    assert all("Langue" not in u.text for u in said)
    assert said[0].parts[0][1] == "ar"


def test_after_an_idle_wipe_home_is_introduced_not_the_language_button(qtbot, heard, ear):
    heard.set_language("ar")
    heard.go("overview", procedure="carte-vitale")
    act_and_listen(qtbot, ear, click(qtbot, heard.screens["overview"].start_button))
    said = act_and_listen(qtbot, ear, heard.wipe_visit)
    assert heard.current_screen == "home"
    texts = [u.text for u in said if u.parts]
    assert not any("Langue" in text for text in texts), texts
    assert not any(text in ("Français", "Chercher une démarche") for text in texts), texts
    home = heard.screens["home"]
    assert_read_to_its_end(said, home.spoken_parts(hint=True), "home after the wipe")


def test_unlocking_introduces_home_and_says_no_control_by_itself(
    qtbot, make_window, paths, passphrase, ear
):
    from pasapas.app.services import Kiosk

    Kiosk.create(paths, passphrase).close()
    window = make_window(None, speech=ear)
    assert window.current_screen == "unlock"
    unlock = window.screens["unlock"]
    unlock.field.setText(passphrase)
    mark = len(ear.utterances)
    qtbot.mouseClick(unlock.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_screen == "home", timeout=30_000)
    qtbot.waitUntil(lambda: not ear.speaking(), timeout=20_000)
    qtbot.wait(QUIET_MS)
    said = [u for u in ear.since(mark) if u.parts]
    home = window.screens["home"]
    assert [u.parts for u in said] == [merged(home.spoken_parts(hint=True))]
    assert not said[0].cut
    window.close()


def test_tab_still_says_the_control_the_visitor_reached(qtbot, heard, ear):
    home = heard.screens["home"]
    home.search.setFocus()
    qtbot.wait(QUIET_MS)
    said = act_and_listen(qtbot, ear, lambda: qtbot.keyClick(home.search, Qt.Key.Key_Tab))
    assert heard.focusWidget() is home.search_button
    assert [u.text for u in said] == ["Chercher"]


def test_an_arrow_key_the_visitor_presses_says_the_control_it_reaches(qtbot, heard, ear):
    home = heard.screens["home"]
    first, second = list(home._language_buttons.values())[:2]
    first.setFocus()
    qtbot.wait(QUIET_MS)
    said = act_and_listen(qtbot, ear, lambda: qtbot.keyClick(first, Qt.Key.Key_Right))
    assert heard.focusWidget() is second
    assert [u.text for u in said] == [second.accessibleName()]


def test_press_and_hold_is_explained_once_a_visit_and_says_the_tile(qtbot, heard, ear):
    home = heard.screens["home"]
    said = [u.text for u in ear.utterances]
    hints = [text for text in said if "appuyé" in text]
    assert len(hints) == 1  # home's introduction explains it, once
    act_and_listen(qtbot, ear, lambda: heard.go("theme", theme=None))
    again = act_and_listen(qtbot, ear, lambda: heard.go("home"))
    assert not any("appuyé" in u.text for u in again)
    tile = home.findChild(WrapButton, "theme-retirement")
    mark = len(ear.utterances)
    qtbot.mousePress(tile, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(ear.utterances) > mark, timeout=HOLD_MS * 4)
    qtbot.mouseRelease(tile, Qt.MouseButton.LeftButton)
    assert "Retraite" in ear.utterances[mark].text
    assert "1 démarche" in ear.utterances[mark].text
    assert heard.current_screen == "home"


def test_one_focus_change_per_screen_change(qtbot, heard):
    moves: list[str] = []

    def seen(_old, new):
        if new is not None:
            moves.append(new.objectName() or type(new).__name__)

    app = QApplication.instance()
    app.focusChanged.connect(seen)
    try:
        overview = heard.screens["overview"]
        heard.go("overview", procedure="medecin-traitant")
        moves.clear()
        qtbot.mouseClick(overview.start_button, Qt.MouseButton.LeftButton)
        assert moves == ["next"], moves
        step = heard.screens["step"]
        moves.clear()
        qtbot.mouseClick(step.next_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(step.next_button, Qt.MouseButton.LeftButton)
        assert moves == ["choice-0"], moves  # the warning keeps Next; the question its answer
        moves.clear()
        qtbot.mouseClick(step.findChild(WrapButton, "choice-1"), Qt.MouseButton.LeftButton)
        assert moves[-1:] == ["next"] and len(moves) <= 2, moves  # the click, then Next
        moves.clear()
        # (a pressed button takes the focus: that move is the visitor's own finger)
        qtbot.mouseClick(heard.access_bar.language_button, Qt.MouseButton.LeftButton)
        assert moves == ["language", "language-fr"], moves  # then the picker's chosen one
        moves.clear()
        picker = heard.screens["language"]
        qtbot.mouseClick(picker.findChild(WrapButton, "language-ar"), Qt.MouseButton.LeftButton)
        assert heard.current_screen == "step"
        assert moves == ["language-ar", step.first_focus().objectName()], moves
        moves.clear()
        heard.wipe_visit()
        assert moves == ["search"], moves
    finally:
        app.focusChanged.disconnect(seen)


def symbols_in(text: str) -> list[str]:
    import unicodedata

    return [
        char
        for char in text
        if unicodedata.category(char) == "So" or 0x2190 <= ord(char) <= 0x21FF or char in "•✓✔"
    ]


def named_symbols(window) -> list[tuple[str, str]]:
    from PySide6.QtWidgets import QAbstractButton

    found = []
    for widget in window.findChildren(QAbstractButton):
        if not widget.isVisible():
            continue
        name = widget.accessibleName()
        if symbols_in(name) or not name.strip():  # no symbol, and a name before it is shown
            found.append((widget.objectName(), name))
    return found


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_no_accessible_name_carries_a_symbol_on_any_visitor_screen(qtbot, heard, language):
    heard.set_language(language)
    seen = {"home": named_symbols(heard)}
    heard.go("language", back_to="home")
    seen["language"] = named_symbols(heard)
    heard.go("theme", theme=None)
    seen["theme"] = named_symbols(heard)
    heard.go("overview", procedure="medecin-traitant")
    seen["overview"] = named_symbols(heard)
    qtbot.mouseClick(heard.screens["overview"].start_button, Qt.MouseButton.LeftButton)
    step = heard.screens["step"]
    for index in range(3):  # an information, a warning, a question
        seen[f"step {index + 1}"] = named_symbols(heard)
        if index < 2:
            qtbot.mouseClick(step.next_button, Qt.MouseButton.LeftButton)
    heard.go("finish")
    seen["finish"] = named_symbols(heard)
    assert {where: names for where, names in seen.items() if names} == {}
    # The window is named for screen readers after the kiosk, not after the interpreter.
    assert heard.accessibleName() == heard.windowTitle()
    assert "python" not in heard.accessibleDescription().lower()


def test_the_chosen_language_is_a_checked_state(qtbot, heard):
    home = heard.screens["home"]
    buttons = home._language_buttons
    assert buttons["fr"].isChecked() and not buttons["ar"].isChecked()
    qtbot.mouseClick(buttons["ar"], Qt.MouseButton.LeftButton)
    assert buttons["ar"].isChecked() and not buttons["fr"].isChecked()
    qtbot.mouseClick(buttons["ar"], Qt.MouseButton.LeftButton)  # pressed again: still chosen
    assert buttons["ar"].isChecked()
    heard.go("language", back_to="home")
    picker = heard.screens["language"]
    assert picker.findChild(WrapButton, "language-ar").isChecked()
    assert not picker.findChild(WrapButton, "language-fr").isChecked()


def test_screen_titles_are_headings_for_screen_readers(qtbot, heard):
    from PySide6.QtGui import QAccessible

    heard.go("overview", procedure="medecin-traitant")
    qtbot.mouseClick(heard.screens["overview"].start_button, Qt.MouseButton.LeftButton)
    for name in ("home", "overview", "step"):
        title = heard.screens[name].title
        interface = QAccessible.queryAccessibleInterface(title)
        assert interface.role() == QAccessible.Role.Heading, name
        assert interface.text(QAccessible.Text.Name) == title.text().strip("\u2068\u2069")
    body = QAccessible.queryAccessibleInterface(heard.screens["step"].text)
    assert body.role() != QAccessible.Role.Heading
