"""The PySide6 kiosk: windows, screens, widgets, and the GUI composition root (`ui.main`).

Screens register themselves in `ui.screens` and ask core services from `app` for everything; no SQL
and no HTTP here. Long work runs through `ui.background.run_in_background` and comes back to the GUI
thread.
"""
