"""The core of Pas à pas, free of Qt.

Settings and folders (with the allowed values of a visitor's preferences), the encrypted store
and its frozen migrations, the procedure content format and its step kinds, validation, import
and search, the walk-through engine, the `Visit` (everything of one visitor), typed `Changes`,
anonymous visit events and the synced record types (`records/`), practice exercises for
workshops (`training/`: the real-data guard), and the core's own commands
(`commands.py`, `terminal.py`). Nothing here imports PySide6 or any room above it (tests enforce
both): screens in `ui/` call these services, and so can the command line, the tests and the
benchmarks.
"""
