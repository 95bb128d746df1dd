"""Staff: the kiosk's default language (each visit starts in it), the languages visitors may
choose, and the voice each language is read with (among the voices installed, MBROLA ones
included when the site installed them; each can be heard first). Reached from the staff home
(site admins only); saved in the kiosk's settings file."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import QButtonGroup, QCheckBox, QRadioButton, QVBoxLayout, QWidget

from pasapas.accessibility.speech_worker import is_mbrola, voice_for
from pasapas.accessibility.spoken_text import sample_text
from pasapas.app.i18n import _
from pasapas.app.languages import SUPPORTED, directed, is_rtl, name_in, native_name
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.widgets import BigButton, label


def _row(body: Any, control: Any, name: str) -> tuple[Any, Any]:
    """A tick box or a radio button under its words: a control's own text does not wrap at large
    sizes, a label does."""
    text = label()
    control.setObjectName(name)
    text.setBuddy(control)
    body.addWidget(text)
    body.addWidget(control)
    return text, control


def _in_direction(text: str, language: str) -> str:
    """`text` laid out in the interface's direction. A line wholly in Latin letters (an engine's
    voice name, "Spanish (Latin America)") in a right-to-left interface is isolated whole, so that
    it sits on the right without its brackets being turned around."""
    if is_rtl(language) and not any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return "\u200f\u2066" + text + "\u2069"
    return directed(text, language)


def _speaks(voice: Any, code: str) -> bool:
    return any(
        str(lang).lower().replace("_", "-").split("-", 1)[0] == code for lang in voice.languages
    )


@register_screen
class StaffLanguagesScreen(Screen):
    name = "staff_languages"
    role = "site_admin"

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        _outer, page = self._scrolling_page()
        body = page.body_layout
        self.title = label("", "title")
        self.offered_title = label("", "subtitle")
        body.addWidget(self.title)
        body.addWidget(self.offered_title)
        self.offered: dict[str, QCheckBox] = {}
        self.offered_labels: dict[str, Any] = {}
        for code in SUPPORTED:
            self.offered_labels[code], self.offered[code] = _row(body, QCheckBox(), f"offer-{code}")
        self.default_title = label("", "subtitle")
        body.addWidget(self.default_title)
        self.default_group = QButtonGroup(self)
        self.defaults: dict[str, QRadioButton] = {}
        self.default_labels: dict[str, Any] = {}
        for code in SUPPORTED:
            self.default_labels[code], radio = _row(body, QRadioButton(), f"default-{code}")
            self.default_group.addButton(radio)
            self.defaults[code] = radio
        # The voice per language: rebuilt on each visit of the screen, from the voices the engine
        # reports (it starts after the first paint; MBROLA voices appear once installed).
        self.voices_title = label("", "subtitle")
        self.voices_help = label()
        body.addWidget(self.voices_title)
        body.addWidget(self.voices_help)
        self.voices_box = QWidget()
        self.voices_box.setObjectName("voices-box")
        self.voices_layout = QVBoxLayout(self.voices_box)
        self.voices_layout.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.voices_box)
        self.voice_groups: dict[str, QButtonGroup] = {}
        self.voice_radios: dict[str, dict[str, QRadioButton]] = {}  # language -> voice id ("")
        self.listen_buttons: dict[str, BigButton] = {}
        self.voice_headings: dict[str, Any] = {}
        self.voice_labels: dict[tuple[str, str], Any] = {}
        self._voice_widgets: list[QWidget] = []
        self.message = label("", "error")
        self.message.setObjectName("languages-message")
        self.message.hide()
        body.addWidget(self.message)
        self.save_button = BigButton(role="primary")
        self.save_button.setObjectName("languages-save")
        self.save_button.clicked.connect(self.save)
        self.back = BigButton()
        self.back.setObjectName("languages-back")
        self.back.clicked.connect(lambda: self.nav.go("staff_home"))
        body.addWidget(self.save_button)
        body.addWidget(self.back)
        body.addStretch(1)
        # No texts until shown: language names come from Babel, which start-up need not load.

    def retranslate(self) -> None:
        if self.isVisible():
            self._set_texts()

    def _set_texts(self) -> None:
        lang = self.nav.language
        self.title.setText(_("Langues de la borne"))
        self.offered_title.setText(_("Langues proposées aux visiteurs"))
        self.default_title.setText(_("Langue de départ de chaque visite"))
        for code in SUPPORTED:
            # Both names: staff read the interface's, visitors recognise their own.
            # Laid out in the interface's direction, whichever script the line starts with.
            shown = _in_direction(f"{native_name(code)} ({name_in(code, lang)})", lang)
            self.offered_labels[code].setText(shown)
            self.offered[code].setText(native_name(code))
            self.offered[code].setAccessibleName(
                _("Proposer : {language}").format(language=name_in(code, lang))
            )
            self.default_labels[code].setText(shown)
            self.defaults[code].setText(native_name(code))
            self.defaults[code].setAccessibleName(
                _("Langue de départ : {language}").format(language=name_in(code, lang))
            )
        self.voices_title.setText(_("Voix de lecture"))
        self.voices_help.setText(
            _(
                "Chaque langue est lue par sa voix habituelle, sauf si vous en choisissez une "
                "autre ici. Les voix MBROLA, plus naturelles, apparaissent une fois installées "
                "sur la borne."
            )
        )
        for code, radios in self.voice_radios.items():
            language = name_in(code, lang)
            for voice_id, radio in radios.items():
                name = radio.property("voice-name")
                if voice_id:
                    shown = name
                elif name:
                    shown = _("Voix habituelle ({voice})").format(voice=name)
                else:
                    shown = _("Voix habituelle")
                self.voice_labels[(code, voice_id)].setText(_in_direction(shown, lang))
                radio.setText(radio.property("voice-code") or shown)
                radio.setAccessibleName(
                    _("Voix pour {language} : {voice}").format(language=language, voice=shown)
                )
            heading = f"{native_name(code)} ({language})"
            self.voice_headings[code].setText(_in_direction(heading, lang))
            self.listen_buttons[code].set_text(_("Écouter"))
            self.listen_buttons[code].setAccessibleName(
                _("Écouter la voix : {language}").format(language=language)
            )
        self.save_button.set_text(_("Enregistrer"))
        self.back.set_text(_("← Retour"))

    def _speech(self) -> Any:
        """The running engine (None before it started, or with no voice at all)."""
        return self.nav.voice.speech

    def _build_voices(self, chosen: dict[str, str]) -> None:
        for widget in self._voice_widgets:
            self.voices_layout.removeWidget(widget)
            widget.deleteLater()
        self._voice_widgets = []
        self.voice_groups, self.voice_radios, self.listen_buttons = {}, {}, {}
        self.voice_headings, self.voice_labels = {}, {}
        installed = tuple(getattr(self._speech(), "voices", ()) or ())
        for code in SUPPORTED:
            heading = label("", "subtitle")
            self.voice_headings[code] = heading
            self.voices_layout.addWidget(heading)
            self._voice_widgets.append(heading)
            group = QButtonGroup(self)
            radios: dict[str, QRadioButton] = {}
            standard = [v for v in installed if not is_mbrola(v.id)]
            usual = voice_for(code, standard) if standard else None
            usual_name = next((v.name for v in standard if v.id == usual), "")
            options = [("", usual_name)] + [
                (v.id, f"{v.name} (MBROLA)" if is_mbrola(v.id) else v.name)
                for v in installed
                if _speaks(v, code) and v.id != usual
            ]
            if chosen.get(code) and chosen[code] not in {voice_id for voice_id, _n in options}:
                options.append((chosen[code], chosen[code]))  # kept, even when not (yet) listed
            for index, (voice_id, name) in enumerate(options):
                # The voice's name in a label, which wraps at large sizes; the radio button
                # under it keeps a short text (the voice's code).
                text, radio = _row(self.voices_layout, QRadioButton(), f"voice-{code}-{index}")
                radio.setProperty("voice-id", voice_id)
                radio.setProperty("voice-name", name)
                radio.setProperty("voice-code", (voice_id or usual or "").rsplit("/", 1)[-1])
                radio.setChecked(voice_id == chosen.get(code, ""))
                group.addButton(radio)
                self._voice_widgets += [text, radio]
                radios[voice_id] = radio
                self.voice_labels[(code, voice_id)] = text
            listen = BigButton()
            listen.setObjectName(f"voice-listen-{code}")
            listen.clicked.connect(lambda _checked=False, c=code: self.listen(c))
            self.voices_layout.addWidget(listen)
            self._voice_widgets.append(listen)
            self.voice_groups[code] = group
            self.voice_radios[code] = radios
            self.listen_buttons[code] = listen

    def chosen_voices(self) -> tuple[tuple[str, str], ...]:
        """(language, voice id) for each language given a voice other than its usual one."""
        chosen = []
        for code, radios in self.voice_radios.items():
            for voice_id, radio in radios.items():
                if voice_id and radio.isChecked():
                    chosen.append((code, voice_id))
        return tuple(chosen)

    def listen(self, code: str) -> None:
        """Read a short sentence in `code` with the voice ticked for it, for staff to hear."""
        speech = self._speech()
        if speech is None or not hasattr(speech, "sample"):
            return
        voice = next(
            (vid for vid, radio in self.voice_radios.get(code, {}).items() if radio.isChecked()),
            "",
        )
        speech.sample(sample_text(code), code, voice or None)

    def enter(self, **params: Any) -> None:
        settings = self.nav.settings
        for code in SUPPORTED:
            self.offered[code].setChecked(code in settings.languages)
            self.defaults[code].setChecked(code == settings.language)
        self._build_voices(settings.voice_choice())
        self.message.hide()
        self._set_texts()

    def first_focus(self) -> QWidget:
        return self.offered[SUPPORTED[0]]

    def chosen(self) -> tuple[str, tuple[str, ...]]:
        default = next((code for code, radio in self.defaults.items() if radio.isChecked()), "")
        return default, tuple(code for code in SUPPORTED if self.offered[code].isChecked())

    def save(self) -> None:
        default, offered = self.chosen()
        problem = ""
        if not offered:
            problem = _("Cochez au moins une langue.")
        elif default not in offered:
            problem = _("La langue de départ doit faire partie des langues proposées.")
        if problem:  # nothing is saved
            self.message.setText(problem)
            self.message.show()
            return
        voices = self.chosen_voices()
        try:
            self.nav.update_settings(
                replace(
                    self.nav.settings, language=default, languages=offered, speech_voices=voices
                )
            )
        except OSError as error:  # a full or read-only disk: say so, keep the screen as it is
            self.message.setText(
                _("Réglages non enregistrés : {reason}").format(reason=error.strerror or error)
            )
            self.message.show()
            return
        speech = self._speech()
        if speech is not None and hasattr(speech, "set_voices"):
            speech.set_voices(dict(voices))  # heard from the next reading on
        self.message.hide()
        self.nav.go("staff_home")
