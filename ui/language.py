"""The interface language on the Qt side: Qt's own strings and the direction of the whole window.

Our strings go through gettext (`app.i18n`); Qt's own ones (the buttons of standard dialogs, the
context menu of a text field) come from the `qtbase_<lang>.qm` catalogs shipped with Qt, loaded
here through a `QTranslator`. Arabic mirrors the whole application: `setLayoutDirection` flips
every layout, so navigation buttons, progress and lists read from the right.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication

from pasapas.app.i18n import set_language
from pasapas.app.languages import is_rtl

_translator: QTranslator | None = None
_loaded_for = ""


def qt_translations_dir() -> str:
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def load_qt_translator(language: str) -> QTranslator | None:
    """Qt's catalog for `language` ("pt" finds `qtbase_pt_BR`), or None when Qt has none."""
    translator = QTranslator()
    if translator.load(QLocale(language), "qtbase", "_", qt_translations_dir()):
        return translator
    return None


def apply_language(language: str) -> None:
    """Make `language` the interface language: gettext, Qt's strings, direction, locale."""
    global _translator, _loaded_for
    set_language(language)
    app = QCoreApplication.instance()
    if app is None:
        return
    if _loaded_for != language:
        if _translator is not None:
            app.removeTranslator(_translator)
        _translator = load_qt_translator(language)
        if _translator is not None:
            app.installTranslator(_translator)
        _loaded_for = language
    QLocale.setDefault(QLocale(language))
    if isinstance(app, QApplication):
        app.setLayoutDirection(
            Qt.LayoutDirection.RightToLeft if is_rtl(language) else Qt.LayoutDirection.LeftToRight
        )
