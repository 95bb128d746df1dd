"""The window holds one Visit and broadcasts what the core changed: a full store cannot keep a
visitor's traces on screen, new procedures appear without anyone poking the home screen, and the
unlock screen asks the window to open the store."""

from __future__ import annotations

import ast
import copy
import uuid
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from pasapas.app.changes import Changes
from pasapas.app.services import Kiosk
from pasapas.ui.parts import Parts
from pasapas.ui.widgets import WrapButton
from tests.app.helpers import BUILTIN_IDS, builtin_data, write_json

ROOT = Path(__file__).resolve().parents[2]


def _fill_the_store(kiosk: Kiosk) -> None:
    """No room left: the store may not grow by one page, and the pages the visit's record would
    use are full (SQLite then fails with SQLITE_FULL, "database or disk is full")."""
    store = kiosk.store
    (pages,) = store.query_one("PRAGMA page_count")
    store.execute(f"PRAGMA max_page_count = {pages}")
    rows = (
        "INSERT INTO visit_events VALUES (?, ?, 'finished', 0, 'fr', '2026-01-01')",
        "INSERT INTO outbox (id, type, type_version, payload) VALUES (?, 'filler', 1, ?)",
    )
    for size in (3000, 300, 30, 1):
        for sql in rows:
            try:
                while True:
                    store.execute(sql, (str(uuid.uuid4()), "x" * size))
            except Exception as error:  # the store is full for rows of this size
                assert "full" in str(error)


def _texts(window) -> list[str]:
    found = []
    for screen in window.screens.values():
        found += [widget.text() for widget in screen.findChildren(QLabel)]
        found += [widget.accessibleName() for widget in screen.findChildren(WrapButton)]
    return found


def test_a_full_store_still_wipes_the_visit_and_watches_for_the_next_one(qtbot, window, kiosk):
    home = window.screens["home"]
    qtbot.keyClicks(home.search, "ameli")
    assert window.visit.search_text == "ameli"
    window.set_prefs(window.prefs.next_text_size())
    window.go("overview", procedure="ameli-creer-compte")
    qtbot.mouseClick(window.screens["overview"].start_button, Qt.MouseButton.LeftButton)
    step = window.screens["step"]
    qtbot.mouseClick(step.findChild(WrapButton, "choice-0"), Qt.MouseButton.LeftButton)
    seen_title = step.title.text()
    _fill_the_store(kiosk)
    (events,) = kiosk.store.query_one("SELECT count(*) FROM visit_events")
    (queued,) = kiosk.store.query_one("SELECT count(*) FROM outbox")

    window.inactivity.set_timeouts(idle_ms=30, warning_seconds=1, tick_ms=30)
    qtbot.waitUntil(lambda: window.current_screen == "home" and window.walk is None, timeout=5000)

    assert not window.visit.has_anything
    assert home.search.text() == "" and home.result_titles() == []
    assert window.prefs == window.settings.visitor_preferences()
    assert not any(seen_title in text for text in _texts(window))
    assert window.inactivity.idle.isActive()  # the next visitor is watched over
    assert "pleine" in window.access_bar.notice.text()  # said to staff, in one sentence
    assert kiosk.store.query_one("SELECT count(*) FROM visit_events") == (events,)
    assert kiosk.store.query_one("SELECT count(*) FROM outbox") == (queued,)


def test_new_procedures_reach_the_home_screen_through_the_broadcast(qtbot, window, kiosk, tmp_path):
    home = window.screens["home"]
    before = home.findChild(WrapButton, "theme-all").detail_label.text()
    assert before == f"{len(BUILTIN_IDS)} démarches"
    data = copy.deepcopy(builtin_data("carte-vitale"))
    data["id"] = "carte-vitale-bis"
    report = kiosk.import_files([write_json(tmp_path / "bis.json", data)])
    assert report.changes == Changes(procedures=True)
    window.broadcast(report.changes)
    after = home.findChild(WrapButton, "theme-all").detail_label.text()
    assert after == f"{len(BUILTIN_IDS) + 1} démarches"


def test_new_procedures_do_not_move_the_screen_under_a_visitor(qtbot, window, kiosk, tmp_path):
    home = window.screens["home"]
    qtbot.keyClicks(home.search, "vitale")
    home.run_search()
    listed = home.result_titles()
    data = copy.deepcopy(builtin_data("carte-vitale"))
    data["id"] = "carte-vitale-ter"
    window.broadcast(kiosk.import_files([write_json(tmp_path / "ter.json", data)]).changes)
    assert home.result_titles() == listed  # what the visitor is reading stays put


def test_the_unlock_screen_asks_the_window_which_asks_its_parts(
    qtbot, make_window, paths, passphrase
):
    Kiosk.create(paths, passphrase).close()
    opened = []

    def open_kiosk(where, typed):
        opened.append(where)
        return Kiosk.open(where, typed)

    from pasapas.app.settings import Settings
    from pasapas.ui.window import KioskWindow

    window = KioskWindow(paths, Settings(), locked_down=False, parts=Parts(open_kiosk=open_kiosk))
    qtbot.addWidget(window)
    try:
        unlock = window.screens["unlock"]
        assert window.current_screen == "unlock"
        qtbot.keyClicks(unlock.field, passphrase)
        qtbot.mouseClick(unlock.button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.store_open, timeout=10_000)
        assert opened == [paths]
        assert window.current_screen == "home"
        assert unlock.field.text() == ""
    finally:
        window.inactivity.stop()
        if window.sync_runner is not None:
            window.sync_runner.stop()
        window.kiosk.close()


def test_no_screen_builds_the_store_or_pokes_the_window_by_name():
    offences = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        if path.name in ("main.py", "parts.py", "audit_driver.py"):
            continue  # the composition roots (kiosk, audit) and the parts they build
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("open", "create")
                and isinstance(node.value, ast.Name)
                and node.value.id in ("Kiosk", "Store")
            ):
                offences.append(f"{path.name}:{node.lineno}: {node.value.id}.{node.attr}")
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "getattr":
                target = node.args[0] if node.args else None
                if ast.unparse(target).endswith("nav"):
                    offences.append(f"{path.name}:{node.lineno}: getattr on the navigator")
    assert offences == []


def test_an_operation_runs_on_its_own_store_connection_and_every_screen_hears_it(qtbot, window):
    import datetime as dt
    import threading

    from pasapas.app.records.visit_event import VISIT_EVENT_TYPE, VisitEvent
    from pasapas.ui.operations import run_operation

    heard, used = [], []
    window.screens["finish"].on_changes = lambda changes, origin: heard.append((changes, origin))

    def work(kiosk):
        used.append((kiosk.store, threading.current_thread()))
        return kiosk.write_record(
            VISIT_EVENT_TYPE, VisitEvent("carte-vitale", "abandoned", 2, "pt", dt.date(2026, 12, 2))
        )

    done = []
    run_operation(window, window.with_worker_kiosk(work), on_done=done.append, origin="test")
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    (store, thread), = used
    assert store is not window.kiosk.store  # the GUI thread's connection never crosses threads
    assert thread is not threading.main_thread()
    assert heard == [(Changes(outbox=True), "test")]
    # Written on the worker's connection, read back on the GUI thread's.
    assert window.kiosk.store.query_one(
        "SELECT count(*) FROM visit_events WHERE language = 'pt'"
    ) == (1,)


def test_an_unexpected_failure_is_one_translated_sentence_without_the_library_english(
    qtbot, window
):
    from pasapas.ui.operations import run_operation

    def broken(kiosk):
        raise OSError("disk I/O error on /secret/path")

    run_operation(window, window.with_worker_kiosk(broken))
    notice = window.access_bar.notice
    qtbot.waitUntil(lambda: notice.text() != "", timeout=10_000)
    assert notice.text() == (
        "Une erreur inattendue est survenue. Réessayez, ou appelez une personne responsable."
    )
    assert "disk" not in notice.text()
