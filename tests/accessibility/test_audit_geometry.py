"""What a visitor sees at each window size: right-to-left text that stays whole and in order, and
an audit that renders the screens and finds glyphs cut at an edge, a way on out of sight, a
see-through overlay, a symbol in an accessible name and a focus move of the program that speaks."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextLayout, QTextOption
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from pasapas.accessibility.audit import (
    RULE_GLYPHS,
    RULE_OVERLAY,
    RULE_PRIMARY,
    RULE_SYMBOL,
    audit_geometry,
    audit_widget_tree,
    glyph_overflow,
)
from pasapas.app.languages import directed, strip_isolates

PARENTHESIS = "التأمين الصحي في فرنسا هو (Assurance Maladie) وهو يساعدك"


def _lines(text: str, font: QFont, width: int) -> list[str]:
    """The lines Qt breaks `text` into in a right-to-left label `width` px wide."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    option.setTextDirection(Qt.LayoutDirection.RightToLeft)
    layout.setTextOption(option)
    layout.beginLayout()
    lines = []
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        lines.append(strip_isolates(text[line.textStart() : line.textStart() + line.textLength()]))
    layout.endLayout()
    return lines


def test_a_french_name_in_brackets_stays_whole_on_one_line_in_arabic(qtbot):
    font = QFont()
    font.setPixelSize(52)
    shown = directed(PARENTHESIS, "ar")
    assert strip_isolates(shown) == PARENTHESIS  # the voice and the logs read the same text
    # At every width where the sentence wraps, "(Assurance Maladie)" is on one line, brackets
    # and both words: never "Assurance)" on one line and "(Maladie" on the next.
    wrapped = 0
    for width in range(300, 1400, 20):
        lines = _lines(shown, font, width)
        wrapped += len(lines) > 1
        holding = [line for line in lines if "Assurance" in line or "Maladie" in line]
        assert len(holding) == 1 and "(Assurance Maladie)" in holding[0], (width, lines)
    assert wrapped > 10


def test_left_to_right_runs_in_arabic_are_isolated_and_the_sentence_punctuation_stays_out():
    lri, pdi = "\u2066", "\u2069"
    text = "افتح موقع ameli.fr، ثم اختر « Mes démarches » (إجراءاتي)."
    shown = directed(text, "ar")
    assert f"{lri}ameli.fr{pdi}،" in shown  # the Arabic comma follows the address, outside it
    assert shown.count(lri) == 2 and shown.count(pdi) == 2
    assert strip_isolates(shown) == text
    assert directed("Assurance Maladie (CPAM)", "fr") == "Assurance Maladie (CPAM)"


def test_the_audit_sees_glyphs_that_qt_draws_past_a_label_edge(qtbot):
    """An unbreakable word wider than its label is drawn past its edge, and cut there."""
    label = QLabel("Anticonstitutionnellement")
    label.setWordWrap(True)
    font = label.font()
    font.setPixelSize(40)
    label.setFont(font)
    label.setFixedWidth(200)
    qtbot.addWidget(label)
    label.show()
    assert glyph_overflow(label)[1] > 100
    label.setFixedWidth(800)
    assert glyph_overflow(label) == (0, 0)


def test_the_geometry_audit_flags_each_kind_of_problem(qtbot):
    root = QWidget()
    qtbot.addWidget(root)
    root.setStyleSheet("QWidget { background: #ffffff; color: #000000; }")
    layout = QVBoxLayout(root)
    cut = QLabel("Anticonstitutionnellement " * 2)
    cut.setWordWrap(True)
    cut.setFixedWidth(120)
    layout.addWidget(cut)
    symbol = QPushButton("✚ Se soigner")
    symbol.setMinimumSize(200, 60)
    layout.addWidget(symbol)
    layout.addStretch(1)
    primary = QPushButton("Suivant", root)  # placed by hand, below the window
    primary.setProperty("role", "primary")
    primary.setGeometry(20, 700, 200, 60)
    veil = QWidget(root)  # an overlay that only tints what it covers
    veil.setObjectName("veil")
    veil.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    veil.setStyleSheet("background: rgba(0, 0, 0, 120);")
    root.resize(600, 500)
    veil.setGeometry(root.rect())
    root.show()
    qtbot.waitExposed(root)

    result = audit_geometry(root, "test")
    found = {(v.rule, v.widget.split("(")[0]) for v in result.violations}
    assert (RULE_OVERLAY, "QWidget") in found
    assert (RULE_GLYPHS, "QLabel") in found
    assert (RULE_PRIMARY, "QPushButton") in found
    assert (RULE_SYMBOL, "QPushButton") in audit_widget_tree_rules(root)
    # Made opaque, the overlay is what the visitor sees: nothing under it is checked, and it
    # passes.
    veil.setStyleSheet("background: #ffffff;")
    assert audit_geometry(root, "test").violations == []


def audit_widget_tree_rules(root: QWidget) -> set[tuple[str, str]]:
    return {(v.rule, v.widget.split("(")[0]) for v in audit_widget_tree(root, "t").violations}


@pytest.fixture(scope="module")
def arabic_window():
    from pasapas.ui.audit_driver import demo_window

    with demo_window("ar", (1280, 1024)) as window:
        yield window


def test_arabic_questions_and_checklists_at_200_percent_on_1280x1024_keep_every_word_in_sight(
    arabic_window,
):
    """The defect seen on the kiosk: with the page's scroll bar shown (on the left, in Arabic),
    the first word of a question's line and checklist words were cut at the left edge."""
    from pasapas.app.guide import Walk, follow, route_to
    from pasapas.app.preferences import Preferences
    from pasapas.ui.audit_driver import settle
    from pasapas.ui.screens.step_views import step_view_class
    from pasapas.ui.widgets import CheckItem

    window = arabic_window
    window.set_prefs(replace(Preferences(), text_size=200))
    cut = []
    seen = 0
    for item in window.kiosk.procedures("ar"):
        procedure = window.kiosk.procedure(item.id)
        for step in procedure.steps:
            if step.kind not in ("choice", "checklist"):
                continue
            walk = Walk(procedure, language="ar")
            follow(walk, route_to(procedure, step.id))
            window.visit.begin(walk)
            window.go(step_view_class(step.kind).screen)
            screen = window.screens[window.current_screen]
            screen.page.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
            settle()
            labels = [screen.title, screen.text] + [
                box.text_label for box in screen.findChildren(CheckItem) if box.isVisible()
            ]
            for label in labels:
                left, right = glyph_overflow(label)
                seen += 1
                if left > 2 or right > 2:
                    cut.append((procedure.id, step.id, label.text()[:40], left, right))
            screen.page.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    assert seen > 60
    assert cut == []


def test_the_audit_hears_a_focus_move_of_the_program_that_speaks(arabic_window, monkeypatch):
    """Moving on to a question hides Next, and the program gives the focus to the first answer:
    a self-voicing that speaks that move cuts the question's reading. The audit records what is
    said while the program changes the screen and reports it."""
    from pasapas.app.guide import Walk
    from pasapas.ui import widgets
    from pasapas.ui.audit_driver import _spoke, settle, spoken_while

    window = arabic_window
    procedure = window.kiosk.procedure("medecin-traitant")
    window.visit.begin(Walk(procedure, language="ar"))
    window.go("step")
    settle()
    screen = window.screens["step"]

    def to_the_question() -> None:
        screen.next_button.setFocus()
        screen.next()  # c-est-quoi -> attention-remboursement
        screen.next()  # -> a-un-medecin, a question

    assert spoken_while(to_the_question) == []
    assert _spoke(window, "here", []).violations == []
    # A self-voicing that speaks every focus change, whoever made it, is caught.
    window.visit.begin(Walk(procedure, language="ar"))
    window.go("step")
    settle()
    monkeypatch.setattr(widgets, "visitor_moves_focus", lambda: True)
    said = spoken_while(to_the_question)
    assert said, "the focus given to the first answer was not spoken"
    found = _spoke(window, "here", said).violations
    assert [v.rule for v in found] == ["program-focus-speaks"]


def test_a_control_marked_for_the_finger_only_is_not_asked_to_take_the_tab_key(qtbot):
    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    arrows = []
    for touch_only in (False, True):
        arrow = QPushButton("Plus bas")
        arrow.setObjectName(f"arrow-{touch_only}")
        arrow.setMinimumSize(80, 80)
        arrow.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        arrow.setProperty("touch_only", touch_only)
        layout.addWidget(arrow)
        arrows.append(arrow)
    root.show()
    qtbot.waitExposed(root)
    flagged = {(v.widget, v.rule) for v in audit_widget_tree(root, "t").violations}
    assert ("QPushButton(arrow-False)", "keyboard-unreachable") in flagged
    assert not {rule for widget, rule in flagged if widget == "QPushButton(arrow-True)"}
