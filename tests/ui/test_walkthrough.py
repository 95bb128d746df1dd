"""A visitor searches, opens a procedure, walks a branch to its end, goes back, and finishes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from pasapas.ui.widgets import WrapButton
from tests.app.helpers import BUILTIN_IDS


def visible_buttons(screen):
    return [b for b in screen.findChildren(QPushButton) if b.isVisibleTo(screen)]


def test_search_ignores_accents_and_lists_the_procedure_first(qtbot, window):
    home = window.screens["home"]
    qtbot.keyClicks(home.search, "medecin traitant")
    qtbot.keyClick(home.search, Qt.Key.Key_Return)
    titles = home.result_titles()
    assert titles[0] == "Déclarer votre médecin traitant"
    assert "trouvée" in home.results_title.text()


def test_search_as_you_type_shows_results_then_tiles_again_when_cleared(qtbot, window):
    home = window.screens["home"]
    qtbot.keyClicks(home.search, "vitale")
    qtbot.waitUntil(lambda: bool(home.result_titles()), timeout=3000)
    assert any("carte Vitale" in title for title in home.result_titles())
    home.search.clear()
    qtbot.waitUntil(lambda: home.result_titles() == [], timeout=3000)
    assert home.findChild(WrapButton, "theme-all").isVisibleTo(home)


def test_search_with_no_match_says_so(qtbot, window):
    home = window.screens["home"]
    qtbot.keyClicks(home.search, "zzzxqw")
    qtbot.keyClick(home.search, Qt.Key.Key_Return)
    assert home.result_titles() == []
    assert "Aucune démarche" in home.results_title.text()


def test_walk_a_branch_to_the_end_go_back_and_finish(qtbot, window, kiosk):
    home = window.screens["home"]
    qtbot.keyClicks(home.search, "medecin traitant")
    qtbot.keyClick(home.search, Qt.Key.Key_Return)
    qtbot.mouseClick(
        home.findChild(WrapButton, "procedure-medecin-traitant"), Qt.MouseButton.LeftButton
    )
    assert window.current_screen == "overview"
    overview = window.screens["overview"]
    assert overview.title.text() == "Déclarer votre médecin traitant"
    assert "minutes" in overview.duration.text()
    qtbot.mouseClick(overview.start_button, Qt.MouseButton.LeftButton)

    step = window.screens["step"]
    assert window.current_screen == "step"
    assert step.progress_label.text().startswith("Étape 1 sur ")
    qtbot.mouseClick(step.next_button, Qt.MouseButton.LeftButton)
    # A warning step says so in words, not by colour alone.
    assert step.warning.isVisibleTo(step)
    assert "Attention" in step.warning_label.text()
    qtbot.mouseClick(step.next_button, Qt.MouseButton.LeftButton)
    # The first question: "Savez-vous quel médecin choisir ?" -> "Non, je cherche un médecin".
    assert not step.next_button.isVisibleTo(step)
    qtbot.mouseClick(step.findChild(WrapButton, "choice-1"), Qt.MouseButton.LeftButton)
    assert step.title.text() == "Cherchez un médecin près de chez vous"
    assert step.progress_label.text().startswith("Étape 4 sur ")

    # Back returns to the question, forgetting the answer.
    qtbot.mouseClick(step.back_button, Qt.MouseButton.LeftButton)
    assert step.title.text() == "Savez-vous quel médecin choisir ?"
    qtbot.mouseClick(step.findChild(WrapButton, "choice-0"), Qt.MouseButton.LeftButton)
    assert step.title.text() == "Demandez l'accord du médecin"
    qtbot.mouseClick(step.next_button, Qt.MouseButton.LeftButton)
    # "Comment faire la déclaration ?" -> paper form: three steps, then the end.
    qtbot.mouseClick(step.findChild(WrapButton, "choice-1"), Qt.MouseButton.LeftButton)
    for _ in range(3):
        qtbot.mouseClick(step.next_button, Qt.MouseButton.LeftButton)
    assert window.current_screen == "finish"
    finish = window.screens["finish"]
    assert finish.title.text() == "Le formulaire est envoyé"

    qtbot.mouseClick(finish.back_button, Qt.MouseButton.LeftButton)
    assert window.current_screen == "step"
    assert step.title.text() == "Envoyez le formulaire à votre CPAM"
    qtbot.mouseClick(step.next_button, Qt.MouseButton.LeftButton)
    assert window.current_screen == "finish"
    qtbot.mouseClick(finish.home_button, Qt.MouseButton.LeftButton)

    assert window.current_screen == "home"
    assert window.walk is None
    assert kiosk.visits.stats().finished == 1
    assert kiosk.visits.stats().abandoned == 0


def test_back_on_the_first_step_returns_to_the_overview_without_ending_the_visit(qtbot, window):
    window.go("overview", procedure="attestation-droits")
    qtbot.mouseClick(window.screens["overview"].start_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.screens["step"].back_button, Qt.MouseButton.LeftButton)
    assert window.current_screen == "overview"
    assert window.walk is not None
    qtbot.mouseClick(window.screens["overview"].start_button, Qt.MouseButton.LeftButton)
    assert window.screens["step"].progress_label.text().startswith("Étape 1 sur ")


def test_stop_button_ends_the_visit_as_abandoned_and_goes_home(qtbot, window, kiosk):
    window.go("overview", procedure="carte-vitale")
    qtbot.mouseClick(window.screens["overview"].start_button, Qt.MouseButton.LeftButton)
    step = window.screens["step"]
    qtbot.mouseClick(step.quit_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(step.stop_confirmation.yes_button, Qt.MouseButton.LeftButton)
    assert window.current_screen == "home"
    assert window.walk is None
    assert kiosk.visits.stats().abandoned == 1


def test_theme_tile_lists_only_that_themes_procedures(qtbot, window):
    home = window.screens["home"]
    qtbot.mouseClick(home.findChild(WrapButton, "theme-retirement"), Qt.MouseButton.LeftButton)
    assert window.current_screen == "theme"
    theme = window.screens["theme"]
    assert theme.title.text() == "Retraite"
    names = [b.objectName() for b in theme.findChildren(WrapButton) if b.isVisibleTo(theme)]
    assert names == ["procedure-retraite-demande-en-ligne"]


def test_all_procedures_tile_lists_every_built_in_procedure(qtbot, window):
    home = window.screens["home"]
    qtbot.mouseClick(home.findChild(WrapButton, "theme-all"), Qt.MouseButton.LeftButton)
    theme = window.screens["theme"]
    shown = [b for b in theme.findChildren(WrapButton) if b.isVisibleTo(theme)]
    assert len(shown) == len(BUILTIN_IDS)


def test_every_screen_uses_large_text_and_big_targets(qtbot, window):
    """Body text at least 24 px and every button at least 44 x 44 px, on each screen."""
    from PySide6.QtWidgets import QLabel

    window.go("overview", procedure="message-frauduleux")
    visited = {"overview"}
    qtbot.mouseClick(window.screens["overview"].start_button, Qt.MouseButton.LeftButton)
    visited.add("step")
    for name in ("home", "theme", "overview", "step"):
        if name == "theme":
            window.go("theme", theme=None)
        elif name == "home":
            window.go("home")
        elif name == "overview":
            window.go("overview", procedure="message-frauduleux")
        else:
            window.go("step")
        screen = window.screens[name]
        qtbot.wait(1)  # let the layouts settle
        for button in visible_buttons(screen):
            assert button.width() >= 44 and button.height() >= 44, (name, button.objectName())
        for text_label in screen.findChildren(QLabel):
            if text_label.isVisibleTo(screen) and text_label.text():
                assert text_label.font().pixelSize() >= 24, (name, text_label.text())
