"""The bar on every visitor screen: language, voice on/off, repeat, slow voice, text size,
colours, and in its corner the discreet way into the staff area ("Espace équipe").

One big control each, reachable by keyboard, each saying its current state in words. When the
window is short for the text size (the bar would take more than a quarter of it), the controls
fold into one big "Affichage et voix" button that opens them over the whole window.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from pasapas.app.formatting import whole_percent
from pasapas.app.i18n import _, current_language
from pasapas.app.languages import native_name
from pasapas.app.preferences import Preferences
from pasapas.ui.style import bar_stylesheet
from pasapas.ui.widgets import BigButton, FlowLayout, ScrollPage, WindowOverlay, label

# The bar folds when, all controls shown, it would take more than this share of the window.
FOLD_SHARE = 0.27


class AccessPanel(WindowOverlay):
    """The access bar's controls, unfolded over the whole window, one under the other."""

    def __init__(self, on_close: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("access-panel")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.title = label("", "subtitle")
        self.title.setContentsMargins(24, 16, 24, 0)
        outer.addWidget(self.title)
        self.page = ScrollPage()
        self.page.body_layout.setContentsMargins(24, 12, 24, 12)
        self.page.body_layout.setSpacing(12)
        outer.addWidget(self.page, 1)
        row = QHBoxLayout()
        row.setContentsMargins(24, 8, 24, 16)
        row.addStretch(1)
        self.close_button = BigButton(role="primary")
        self.close_button.setObjectName("access-panel-close")
        self.close_button.clicked.connect(on_close)
        row.addWidget(self.close_button)
        outer.addLayout(row)

    @property
    def controls_layout(self) -> QVBoxLayout:
        return self.page.body_layout

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_button.click()
            return
        super().keyPressEvent(event)


class AccessBar(QWidget):
    def __init__(
        self,
        *,
        on_voice: Callable[[], None],
        on_repeat: Callable[[], None],
        on_rate: Callable[[], None],
        on_size: Callable[[], None],
        on_theme: Callable[[], None],
        on_language: Callable[[], None],
        on_staff: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("access-bar")
        layout = FlowLayout(self)
        layout.setContentsMargins(24, 12, 24, 0)
        self._flow = layout
        # Shown instead of the six controls when the window is short for the text size.
        self.fold_button = BigButton(role="primary")
        self.fold_button.setObjectName("access-unfold")
        self.fold_button.clicked.connect(self.open_panel)
        self.fold_button.hide()
        layout.addWidget(self.fold_button)
        self.language_button = BigButton()
        self.language_button.setObjectName("language")
        self.voice_button = BigButton()
        self.voice_button.setObjectName("voice")
        self.voice_button.setCheckable(True)  # its state is exposed: checked, voice on
        self.repeat_button = BigButton()
        self.repeat_button.setObjectName("repeat")
        self.rate_button = BigButton()
        self.rate_button.setObjectName("rate")
        self.rate_button.setCheckable(True)  # checked: the slow voice
        self.size_button = BigButton()
        self.size_button.setObjectName("text-size")
        self.theme_button = BigButton()
        self.theme_button.setObjectName("theme")
        # The language picker is a screen: the panel closes first.
        self.language_button.clicked.connect(self.close_panel)
        self.controls = (
            self.language_button,
            self.voice_button,
            self.repeat_button,
            self.rate_button,
            self.size_button,
            self.theme_button,
        )
        for button, action in zip(
            self.controls,
            (on_language, on_voice, on_repeat, on_rate, on_size, on_theme),
            strict=True,
        ):
            button.clicked.connect(action)
            layout.addWidget(button)
        self.notice = label("", "muted")
        self.notice.setObjectName("voice-notice")
        self.notice.hide()
        layout.addWidget(self.notice)
        # A discreet sign when the sound does not work: an icon, its sentence on a touch.
        self.audio_fault_button = BigButton("🔇")
        self.audio_fault_button.setObjectName("audio-fault")
        self.audio_fault_button.clicked.connect(self._explain_audio_fault)
        self.audio_fault_button.hide()
        layout.addWidget(self.audio_fault_button)
        self.audio_fault_note = label("", "muted")
        self.audio_fault_note.setObjectName("audio-fault-note")
        self.audio_fault_note.hide()
        layout.addWidget(self.audio_fault_note)
        # Last, in the corner, and small in words: staff find it, visitors pass it by.
        self.staff_button = BigButton()
        self.staff_button.setObjectName("staff-entry")
        self.staff_button.setVisible(on_staff is not None)
        if on_staff is not None:
            self.staff_button.clicked.connect(on_staff)
        layout.addWidget(self.staff_button)
        self._scale = 0.0
        self._audio_fault = False
        self.folded = False
        self.panel = AccessPanel(self.close_panel, self)
        self._watched: QWidget | None = None

    def show_state(self, prefs: Preferences) -> None:
        language = current_language()
        # The globe and the language's own name: found by a visitor who reads no French.
        self.language_button.set_text(f"🌐 {native_name(language)}")
        self.language_button.setAccessibleName(
            _("Langue : {name}").format(name=native_name(language))
        )
        self.language_button.setAccessibleDescription(_("Choisir une autre langue"))
        self.voice_button.set_text(_("Voix : oui") if prefs.voice else _("Voix : non"))
        self.voice_button.setAccessibleDescription(_("Lire les étapes à voix haute, ou non"))
        self.repeat_button.set_text(_("↻ Répéter"))
        self.repeat_button.setAccessibleDescription(_("Lire encore une fois"))
        self.repeat_button.setEnabled(prefs.voice)
        self.rate_button.set_text(_("Lente : oui") if prefs.rate == "slow" else _("Lente : non"))
        self.rate_button.setAccessibleDescription(_("Lire plus lentement, ou non"))
        self.rate_button.setEnabled(prefs.voice)
        size = whole_percent(prefs.text_size, language)  # "200 %", "200%", "%200" (CLDR)
        self.size_button.set_text(_("A+ {size}").format(size=size))
        self.size_button.setAccessibleName(_("Taille du texte : {size}").format(size=size))
        self.size_button.setAccessibleDescription(_("Changer la taille du texte"))
        self.theme_button.set_text(_("◐ Couleurs : {name}").format(name=prefs.theme_name()))
        self.theme_button.setAccessibleDescription(
            _("Changer les couleurs de l'écran. Maintenant : {name}").format(
                name=prefs.theme_description()
            )
        )
        self.staff_button.setText(_("Équipe"))
        self.staff_button.setAccessibleName(_("Espace équipe"))
        self.staff_button.setAccessibleDescription(
            _("Pour les bénévoles et les responsables : se connecter avec son code")
        )
        self.voice_button.setChecked(prefs.voice)
        self.rate_button.setChecked(prefs.rate == "slow")
        self.fold_button.set_text(_("Affichage et voix"))
        self.fold_button.setAccessibleDescription(_("Langue, voix, taille du texte et couleurs"))
        self.panel.title.setText(_("Affichage et voix"))
        self.panel.close_button.set_text(_("Fermer"))
        self._name_audio_fault()
        # The bar grows less than the page: at 200 % and more it would leave no room for it.
        scale = min(prefs.scale, 1.5)
        if scale != self._scale:  # a new style sheet re-polishes the whole bar: only on a change
            self._scale = scale
            self.setStyleSheet(bar_stylesheet(scale))
            self.panel.setStyleSheet(bar_stylesheet(scale))
        QTimer.singleShot(0, self.fit)

    # -- folding ---------------------------------------------------------------------------

    def _unfolded_height(self, width: int) -> int:
        """The bar's height with every control in it, at `width` (as its flow lays them)."""
        margins = self._flow.contentsMargins()
        usable = width - margins.left() - margins.right()
        spacing = 12
        widgets = [w for w in self.controls if not w.isHidden()]
        widgets += [
            w for w in (self.notice, self.audio_fault_button, self.staff_button) if not w.isHidden()
        ]
        x, height, line = 0, 0, 0
        for widget in widgets:
            hint = widget.sizeHint()
            item_width = min(hint.width(), usable)
            if x + item_width > usable and line > 0:
                height += line + spacing
                x, line = 0, 0
            x += item_width + spacing
            line = max(line, hint.height())
        return height + line + margins.top() + margins.bottom()

    def fit(self) -> None:
        """Fold or unfold to the window's height (never while the panel is open)."""
        window = self.window()
        if window is self or self.panel.isVisible():
            return
        self._watch(window)
        fold = self._unfolded_height(window.width()) > FOLD_SHARE * window.height()
        self.set_folded(fold)

    def set_folded(self, fold: bool) -> None:
        if fold == self.folded:
            return
        self.folded = fold
        hidden = {w: w.isHidden() for w in self.controls}
        if fold:
            for button in self.controls:
                self._flow.removeWidget(button)
                self.panel.controls_layout.addWidget(button)
            self.panel.controls_layout.addStretch(1)
        else:
            stretch = self.panel.controls_layout.takeAt(self.panel.controls_layout.count() - 1)
            del stretch
            for button in self.controls:
                self.panel.controls_layout.removeWidget(button)
            items = [self._flow.takeAt(0) for _ in range(self._flow.count())]
            self._flow.addWidget(self.fold_button)
            for button in self.controls:
                self._flow.addWidget(button)
            for item in items[1:]:  # the notice, the sound sign, the staff entry
                self._flow.addItem(item)
        for button, was_hidden in hidden.items():
            button.setVisible(not was_hidden)
        self.fold_button.setVisible(fold)
        self._flow.invalidate()

    def open_panel(self) -> None:
        window = self.window()
        self.panel.show_over(window)
        first = next((b for b in self.controls if not b.isHidden()), self.panel.close_button)
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_panel(self) -> None:
        if not self.panel.isVisible():
            return
        self.panel.hide()
        if self.fold_button.isVisible():
            self.fold_button.setFocus(Qt.FocusReason.OtherFocusReason)
        QTimer.singleShot(0, self.fit)

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self.panel.hide()  # staff mode hides the bar: its panel goes with it

    def _watch(self, window: QWidget) -> None:
        if self._watched is not window:
            window.installEventFilter(self)
            self._watched = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._watched and event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, self.fit)
        return False

    # -- the sound -------------------------------------------------------------------------

    def set_audio_fault(self, on: bool) -> None:
        """The sound does not work (no engine, no sound card): a discreet icon says so, in the
        visitor's language, and says to ask a volunteer; never the engine's own words."""
        self._audio_fault = on
        self.audio_fault_button.setVisible(on)
        if not on:
            self.audio_fault_note.hide()
        self._name_audio_fault()

    def _name_audio_fault(self) -> None:
        sentence = _("Le son ne fonctionne pas : demandez à un bénévole")
        self.audio_fault_button.setAccessibleName(sentence)
        self.audio_fault_button.setToolTip(sentence)
        self.audio_fault_note.setText(sentence)

    def _explain_audio_fault(self) -> None:
        self.audio_fault_note.setVisible(not self.audio_fault_note.isVisible())

    def show_notice(self, message: str) -> None:
        """A short note for staff (the voice cannot speak here); hidden when empty."""
        self.notice.setText(message)
        self.notice.setVisible(bool(message))
