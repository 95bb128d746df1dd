"""The PySide6 kiosk: windows, screens, widgets, and the GUI composition root (`ui.main`, which
builds the `ui.parts.Parts` the window is made from).

Screens register themselves in `ui.screens` (each step kind has its view in
`ui.screens.step_views`) and ask core services from `app` for everything; no SQL and no HTTP here.
Long work runs through `ui.operations.run_operation`: off the GUI thread, a translated sentence
when it fails, and the `Changes` it made broadcast to every screen. `ui.commands` adds the
`kiosk`, `a11y-audit` and `screenshot` commands.
"""
