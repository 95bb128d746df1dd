"""What the sync tests share: a throwaway PostgreSQL, the service (in a thread or a process),
a central side with its publisher key, and kiosks on real encrypted stores.

Nothing here is mocked: the service is uvicorn on loopback, the databases are real SQLite and
PostgreSQL, the kiosks are SQLCipher files. Waits always have a deadline; nothing sleeps blindly.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pasapas.app.content.model import Procedure
from pasapas.app.content.signing import PrivateKey
from pasapas.app.outbox import enqueue
from pasapas.app.records.visit_event import VISIT_EVENT_TYPE, VisitEvent
from pasapas.app.store import Store
from pasapas.sync.server.admin import sign_and_publish, sign_and_withdraw
from pasapas.sync.server.storage import ServerDB
from tests.app.helpers import BUILTIN_IDS, PASSPHRASE, builtin_data, procedure_from

ROOT = Path(__file__).resolve().parents[2]
PG_DSN_ENV = "PASAPAS_TEST_POSTGRES_DSN"


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll `condition` until it returns something true, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    event = threading.Event()
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        event.wait(0.02)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- PostgreSQL -------------------------------------------------------------------------------


def _pg_bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise AssertionError(
        "PostgreSQL is not installed (no initdb): run installer/system-deps.sh, or set "
        f"{PG_DSN_ENV} to a PostgreSQL where the tests may create databases"
    )


class PostgresCluster:
    """A throwaway cluster on 127.0.0.1 (initdb + pg_ctl), or the server named by the env var."""

    def __init__(self, *, durable: bool = False) -> None:
        """`durable=False` (tests) turns fsync off: safe against killed processes, which is
        what the tests do, not against a power cut; benchmarks keep PostgreSQL's defaults."""
        self.external = os.environ.get(PG_DSN_ENV, "")
        self.folder: Path | None = None
        if self.external:
            self.admin_dsn = self.external
            return
        bindir = _pg_bindir()
        self.folder = Path(tempfile.mkdtemp(prefix="pasapas-pg-"))
        self.port = free_port()
        prefix: list[str] = []
        if os.geteuid() == 0:
            user = _postgres_user()
            uid, gid = pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid
            os.chown(self.folder, uid, gid)
            prefix = ["runuser", "-u", user, "--"]
        data = self.folder / "data"
        self._prefix = prefix
        self._pg_ctl = str(bindir / "pg_ctl")
        self._data = data
        subprocess.run(
            [*prefix, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
             "-E", "UTF8", "--locale=C", "--no-sync"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
            "-c max_connections=300 -c shared_buffers=64MB"
        )
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run(
            [*prefix, self._pg_ctl, "-D", str(data), "-l", str(self.folder / "log"), "-o",
             options, "-w", "-t", "60", "start"],
            check=True, capture_output=True, timeout=90,
        )  # fmt: skip
        self.admin_dsn = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def create_database(self) -> str:
        import psycopg

        name = "pasapas_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        base = self.admin_dsn.rsplit("/", 1)[0]
        return f"{base}/{name}"

    def drop_database(self, url: str) -> None:
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self.folder is None:
            return
        subprocess.run(
            [*self._prefix, self._pg_ctl, "-D", str(self._data), "-m", "immediate", "-w",
             "stop"],
            capture_output=True, timeout=60,
        )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


def _postgres_user() -> str:
    try:
        pwd.getpwnam("postgres")
        return "postgres"
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "pasapas-pg"], check=False, timeout=30
        )
        return "pasapas-pg"


# -- the service ---------------------------------------------------------------------------------


class ThreadedService:
    """The real ASGI application served by uvicorn on 127.0.0.1, in a thread of this process."""

    def __init__(self, db_url: str, port: int = 0, tls: tuple[str, str] | None = None) -> None:
        import uvicorn

        from pasapas.sync.server.api import build_asgi

        self.db = ServerDB(db_url)
        self.db.create_schema()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(1024)
        self.port = self.sock.getsockname()[1]
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            build_asgi(self.db),
            log_level="error",
            access_log=False,
            lifespan="off",
            ssl_certfile=tls[0] if tls else None,
            ssl_keyfile=tls[1] if tls else None,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )
        self.thread.start()
        wait_for(lambda: self.server.started, 20, "the service to start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(20)
        self.sock.close()
        self.db.dispose()


class ServiceProcess:
    """`pasapas server run` in its own process (for restarts and for several processes)."""

    def __init__(self, db_url: str, home: Path, port: int = 0) -> None:
        self.db_url = db_url
        self.home = home
        env = {
            **os.environ,
            "PASAPAS_SERVER_HOME": str(home),
            "PYTHONUNBUFFERED": "1",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pasapas", "server", "run", "--port", str(port),
             "--database", db_url],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert self.process.stdout is not None
        line: list[str] = []
        reader = threading.Thread(
            target=lambda: line.append(self.process.stdout.readline()), daemon=True
        )
        reader.start()
        reader.join(60)
        if not line or not line[0].startswith("pasapas-server-ready"):
            self.kill()
            raise AssertionError(f"the service did not start: {self.process.stderr.read()}")
        self.url = line[0].split()[1]
        self.port = int(self.url.rsplit(":", 1)[1])

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.kill()


# -- the central side ---------------------------------------------------------------------------


class Central:
    """The service's admin: its database, its publisher key, one site, enrolment codes."""

    def __init__(self, db_url: str, site: str = "Maison France Services de Lens") -> None:
        self.db = ServerDB(db_url)
        self.db.create_schema()
        self.key = PrivateKey.generate()
        self.db.add_publisher_key(self.key.public.key_id, self.key.public.public_key)
        self.site = site
        self.db.add_site(site)

    def code(self, site: str | None = None) -> str:
        return self.db.enrolment_code(site or self.site)[0]

    def publish(self, procedures: Iterable[Procedure]) -> list[str]:
        return sign_and_publish(self.db, self.key, list(procedures))

    def withdraw(self, ids: Iterable[str]) -> list[str]:
        current = self.db.current_versions()
        return sign_and_withdraw(self.db, self.key, {i: current[i][0] for i in ids})

    def latest_catalog(self) -> dict[str, int]:
        return {
            pid: version
            for pid, (version, withdrawn, _doc) in self.db.current_versions().items()
            if not withdrawn
        }

    def close(self) -> None:
        self.db.dispose()


def variant(procedure_id: str, version: int, new_id: str | None = None) -> Procedure:
    """A valid procedure: a built-in one, renumbered (and renamed when `new_id` is given)."""
    data = copy.deepcopy(builtin_data(procedure_id))
    data["version"] = version
    if new_id:
        data["id"] = new_id
        data["title"]["fr"] = f"{data['title']['fr']} ({new_id})"
    return procedure_from(data, f"{new_id or procedure_id}.json")


def many_procedures(count: int, version: int = 1) -> list[Procedure]:
    return [
        variant(BUILTIN_IDS[i % len(BUILTIN_IDS)], version, new_id=f"demarche-{i:04d}")
        for i in range(count)
    ]


# -- kiosks ---------------------------------------------------------------------------------------


def new_store(path: Path) -> Store:
    return Store.create(path, PASSPHRASE)


def add_visits(store: Store, count: int, day: dt.date | None = None) -> list[str]:
    """`count` anonymous visit events, each with its outbox entry, in one transaction."""
    ids = [str(uuid.uuid4()) for _ in range(count)]
    with store.transaction():
        for i, event_id in enumerate(ids):
            event = VisitEvent(
                procedure_id=BUILTIN_IDS[i % len(BUILTIN_IDS)],
                outcome="finished" if i % 3 else "abandoned",
                minutes=i % 40,
                language=("fr", "ar", "uk")[i % 3],
                day=day or dt.date(2026, 11, 27),
            )
            store.execute(
                "INSERT INTO visit_events (id, procedure_id, outcome, minutes, language, day) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (event_id, *VISIT_EVENT_TYPE.to_payload(event).values()),
            )
            enqueue(store, event_id, VISIT_EVENT_TYPE, event)
    return ids


def visit_ids(store: Store) -> set[str]:
    return {row[0] for row in store.query("SELECT id FROM visit_events")}


def catalog_versions(store: Store) -> dict[str, int]:
    return dict(store.query("SELECT id, version FROM procedures"))
