"""The core of Pas à pas, free of Qt.

Settings and folders, the encrypted store and its migrations, the procedure content format, its
validation, import and search, the walk-through engine, anonymous visit events, and the `pasapas`
command line. Nothing here imports PySide6 (a test enforces it): screens in `ui/` call these
services, and so can the command line, the tests and the benchmarks.
"""
