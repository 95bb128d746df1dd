"""The `pasapas sync` and `pasapas server` commands end to end, the outbox migration, and the
rooms: the service never loads the kiosk's store or Qt."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import sqlcipher3

from pasapas.app.content import builtin_files
from pasapas.app.migrations import MIGRATIONS
from pasapas.app.outbox import Outbox
from pasapas.app.store import Store
from tests.sync.support import ROOT, ServiceProcess, wait_for

PASSPHRASE = "un cheval correct agrafe"


def _pasapas(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pasapas", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_the_whole_story_through_the_command_line(tmp_path, database_url):
    env = {
        **os.environ,
        "PASAPAS_HOME": str(tmp_path / "kiosk"),
        "PASAPAS_SERVER_HOME": str(tmp_path / "service"),
        "PASAPAS_PASSPHRASE": PASSPHRASE,
        "PASAPAS_SERVER_DATABASE": database_url,
    }
    assert _pasapas("server", "keygen", env=env).returncode == 0
    again = _pasapas("server", "keygen", env=env)
    assert again.returncode == 1 and "existe déjà" in again.stderr
    assert (tmp_path / "service" / "publisher-key.pem").stat().st_mode & 0o077 == 0
    assert _pasapas("server", "site", "add", "Médiathèque de Roubaix", env=env).returncode == 0
    unknown = _pasapas("server", "enroll-code", "Nulle part", env=env)
    assert unknown.returncode == 1 and "n'existe pas" in unknown.stderr
    code = _pasapas("server", "enroll-code", "Médiathèque de Roubaix", env=env).stdout.strip()
    assert len(code) == 14

    service = ServiceProcess(database_url, tmp_path / "service")
    try:
        assert _pasapas("db", "init", env=env).returncode == 0
        no_flag = _pasapas("sync", "enroll", service.url, code, env=env)
        assert no_flag.returncode == 1 and "--allow-http" in no_flag.stderr
        enrolled = _pasapas("sync", "enroll", service.url, code, "--allow-http", env=env)
        assert enrolled.returncode == 0, enrolled.stderr
        assert "Médiathèque de Roubaix" in enrolled.stdout
        spent = _pasapas("sync", "enroll", service.url, code, "--allow-http", env=env)
        assert spent.returncode == 1 and "déjà utilisé" in spent.stderr

        broken = tmp_path / "broken.json"
        broken.write_text("{", encoding="utf-8")
        refused = _pasapas("server", "publish", str(broken), env=env)
        assert refused.returncode == 1 and "rien n'a été publié" in refused.stderr
        files = [str(p) for p in builtin_files()[:3]]
        published = _pasapas("server", "publish", *files, env=env)
        assert published.returncode == 0 and "3 démarches publiées" in published.stdout

        with Store.open(tmp_path / "kiosk" / "data" / "pasapas.db", PASSPHRASE) as store:
            from pasapas.app.guide import Outcome
            from pasapas.app.visits import VisitLog

            VisitLog(store).record(Outcome("carte-vitale", True, 6, "fr"))
        synced = _pasapas("sync", "now", env=env)
        assert synced.returncode == 0, synced.stderr
        assert "1 enregistrement envoyé" in synced.stdout
        status = _pasapas("sync", "status", env=env)
        assert "En attente d'envoi : 0" in status.stdout and "Envoyés : 1" in status.stdout

        withdrawn = _pasapas("server", "withdraw", Path(files[0]).stem, env=env)
        assert withdrawn.returncode == 0
        stats = _pasapas("server", "stats", env=env)
        assert "Enregistrements reçus : 1" in stats.stdout
        assert "Démarches publiées : 2 (retirées : 1)" in stats.stdout

        listing = _pasapas("server", "device", "list", env=env).stdout.split("\t")
        device_id = listing[0]
        assert _pasapas("server", "device", "revoke", device_id, env=env).returncode == 0
        refused = _pasapas("sync", "now", env=env)
        assert refused.returncode == 1 and "révoqué" in refused.stderr
        status = _pasapas("sync", "status", env=env)
        assert "inscrire à nouveau" in status.stdout
    finally:
        service.stop()


def test_sync_commands_say_clearly_when_the_kiosk_is_not_enrolled(tmp_path):
    env = {**os.environ, "PASAPAS_HOME": str(tmp_path / "k"), "PASAPAS_PASSPHRASE": PASSPHRASE}
    assert _pasapas("db", "init", env=env).returncode == 0
    now = _pasapas("sync", "now", env=env)
    assert now.returncode == 1 and "pas inscrite" in now.stderr
    assert "Traceback" not in now.stderr
    status = _pasapas("sync", "status", env=env)
    assert status.returncode == 0 and "non inscrite" in status.stdout


def test_server_run_refuses_a_port_in_use(tmp_path, sqlite_url):
    first = ServiceProcess(sqlite_url, tmp_path / "service")
    try:
        env = {**os.environ, "PASAPAS_SERVER_HOME": str(tmp_path / "service")}
        busy = subprocess.run(
            [sys.executable, "-m", "pasapas", "server", "run", "--port", str(first.port),
             "--database", sqlite_url],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        # SO_REUSEADDR lets a restarted service take its port back, but not a live one's.
        assert busy.returncode == 1 and "Impossible d'écouter" in busy.stderr
    finally:
        first.stop()


def test_migration_4_queues_the_visit_events_a_version_3_store_holds(tmp_path):
    path = tmp_path / "v3.db"
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = '{PASSPHRASE}'")
    for version in range(3):
        conn.execute("BEGIN")
        for statement in MIGRATIONS[version]:
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {version + 1}")
        conn.execute("COMMIT")
    conn.execute(
        "INSERT INTO visit_events VALUES "
        "('0b5e3c1e-5b1a-4c8e-9a43-2f7c8d9e1a20', 'carte-vitale', 'finished', 7, 'ar', "
        "'2026-11-02')"
    )
    conn.close()
    with Store.open(path, PASSPHRASE) as store:
        assert store.schema_version() == len(MIGRATIONS)
        (entry,) = Outbox(store).queued(10)
        assert entry.id == "0b5e3c1e-5b1a-4c8e-9a43-2f7c8d9e1a20"
        assert entry.payload_json() == {
            "procedure_id": "carte-vitale",
            "outcome": "finished",
            "minutes": 7,
            "language": "ar",
            "day": "2026-11-02",
        }


def test_the_service_loads_neither_the_kiosk_store_nor_qt():
    probe = textwrap.dedent(
        """
        import sys
        import pasapas.sync.server.admin, pasapas.sync.server.api, pasapas.sync.server.storage
        banned = ("pasapas.app.store", "pasapas.app.outbox", "pasapas.app.services",
                  "pasapas.app.visits", "pasapas.app.content.catalog", "pasapas.sync.client",
                  "pasapas.ui", "PySide6", "shiboken6", "sqlcipher3")
        print(sorted(m for m in sys.modules if m.split(".")[0] in banned or m in banned))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_wait_for_fails_with_a_clear_message_after_its_deadline():
    try:
        wait_for(lambda: False, 0.05, "nothing")
    except AssertionError as exc:
        assert "nothing" in str(exc)
    else:
        raise AssertionError("wait_for did not fail")
