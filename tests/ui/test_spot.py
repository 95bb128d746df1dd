"""A mock message to search for the signs of a scam (`spot`), by touch and by ear: each piece a
big button, a sign found is ticked and its reason shown and read, another piece says there is
nothing there, the count follows, and the explanation once all are found; a language switch
keeps what was found; a participant's touches count as tries, never what was touched."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from pasapas.app.content.model import StepKind
from pasapas.ui.widgets import WrapButton

CLICK = Qt.MouseButton.LeftButton


def open_spot(qtbot, window, step_id="trouver-signes-sms"):
    from pasapas.app.guide import follow, route_to

    window.start_walk("exercice-reperer-arnaques")
    walk = window.walk
    follow(walk, route_to(walk.procedure, step_id))
    window.screens["step"].show_step()
    assert walk.current.kind is StepKind.SPOT
    return window.screens["step"]


def piece(screen, index):
    found = [b for b in screen.findChildren(WrapButton, f"spot-piece-{index}") if b.isVisible()]
    assert found, index
    return found[0]


def text_of(screen, name):
    labels = [w for w in screen.findChildren(QLabel, name) if w.isVisible()]
    return labels[0].text() if labels else ""


def test_touching_the_signs_finds_them_and_says_why(qtbot, voiced, speech):
    window = voiced
    screen = open_spot(qtbot, window)
    step = window.walk.current
    assert "Exercice" in screen.warning_label.text()
    assert text_of(screen, "spot-count") == "Signes trouvés : 0 sur 3"
    said = "\n".join(text for part in speech.spoken()[-1] for text, _l in [part])
    assert "Morceau 1 : De : 06" in said and "Touchez chaque morceau" in said
    # A piece that is not a sign.
    qtbot.mouseClick(piece(screen, 1), CLICK)
    assert "rien de suspect" in text_of(screen, "spot-nothing")
    assert "rien de suspect" in speech.spoken()[-1][0][0]
    # The signs, one after the other.
    for n, index in enumerate(step.clues, start=1):
        qtbot.mouseClick(piece(screen, index), CLICK)
        assert piece(screen, index).title_label.text().startswith("✔")
        assert "(trouvé)" in piece(screen, index).accessibleName()
        clue = step.pieces[index].clue.get("fr")
        assert text_of(screen, f"spot-clue-{index}") == clue
        lines = "\n".join(text for text, _lang in speech.spoken()[-1]).splitlines()
        assert lines[0] == "Trouvé." and lines[1].rstrip(".") == clue.rstrip(".")
        assert text_of(screen, "spot-count") == f"Signes trouvés : {n} sur 3"
        assert window.focusWidget() is piece(screen, index)  # the focus stays where it was
    lines = "\n".join(text for text, _lang in speech.spoken()[-1]).splitlines()
    assert "Vous avez trouvé tous les signes." in lines
    assert step.explanation.get("fr") in lines
    assert screen.next_button.isVisible()
    assert window.visit.practice_results() == ((step.id, 2, True),)  # one miss, then all found


def test_a_language_switch_keeps_what_was_found(qtbot, window):
    screen = open_spot(qtbot, window)
    step = window.walk.current
    qtbot.mouseClick(piece(screen, step.clues[0]), CLICK)
    window.set_language("ar")
    assert (
        piece(screen, step.clues[0])
        .title_label.text()
        .lstrip("\u2066\u2067\u2068\u200f")
        .startswith("✔")
    )
    assert text_of(screen, "spot-count").startswith(("Signes", "العلامات", "عدد"))
    window.end_visit()
    assert window.visit.spot_try(step.id) is None
