"""The `pasapas` command under bad conditions, as a real subprocess: one translated sentence and
a non-zero exit for every expected failure, the files left as they were, and an unexpected
failure logged without personal data and summarised in one sentence."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pasapas.app.content import builtin_files
from pasapas.app.content.validation import MAX_FILE_BYTES
from pasapas.app.services import create_store
from pasapas.app.settings import Paths
from pasapas.app.store import Store
from tests.app import test_hardening_store as conditions
from tests.app.helpers import BUILTIN_IDS, PASSPHRASE, builtin_data, folder_snapshot, write_json
from tests.app.test_cli import ROOT, pasapas
from tests.app.test_hardening_store import (
    big_procedure,
    fill,
    immutable,
    lock_held,
    make_read_only,
)

small_disk = conditions.small_disk  # the fixture: a folder on a small file system of its own

WRONG = "Ce mot de passe n'ouvre pas la base"
NEW_PASSPHRASE = "une nouvelle phrase de passe"


def sentence(result: subprocess.CompletedProcess) -> str:
    """The one line the command wrote on stderr (and it failed)."""
    assert result.returncode != 0, result
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def make_home(home: Path) -> Paths:
    paths = Paths.under(home)
    store, _report = create_store(paths, PASSPHRASE)
    store.close()
    return paths


@pytest.fixture(scope="module")
def home_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of a store as `db init` makes it (every built-in procedure)."""
    return make_home(tmp_path_factory.mktemp("modele") / "home").store.read_bytes()


def home_with_store(home: Path, store_bytes: bytes) -> Paths:
    paths = Paths.under(home).ensure()
    paths.store.write_bytes(store_bytes)
    return paths


def store_on_disk(tmp_path: Path, small_disk, home_bytes: bytes, kib: int = 4096, **kw) -> Paths:
    """A kiosk home whose data folder is a small file system of its own."""
    home = tmp_path / "home"
    Paths.under(home).ensure()
    small_disk("home/data", kib=kib, **kw)
    return home_with_store(home, home_bytes)


def big_file(tmp_path: Path) -> Path:
    procedure = big_procedure()
    path = tmp_path / "tres-longue.json"
    path.write_text(procedure.document, encoding="utf-8")
    return path


# -- passphrase and pipes ---------------------------------------------------------------------


@pytest.mark.parametrize("command", [("db", "check"), ("content", "list"), ("db", "rekey")])
def test_an_empty_passphrase_gives_one_sentence_not_a_traceback(tmp_path, home_bytes, command):
    paths = home_with_store(tmp_path / "home", home_bytes)
    result = pasapas(paths.data_dir.parent, *command, passphrase="")
    assert "ne peut pas être vide" in sentence(result)
    assert paths.store.read_bytes() == home_bytes


@pytest.mark.parametrize(
    "command",
    [
        ("content", "list"),
        ("content", "search", "carte"),
        ("content", "validate", *map(str, builtin_files())),
        ("--help",),
        ("db", "--help"),
    ],
)
def test_a_listing_into_a_closed_pipe_stops_quietly(tmp_path, home_bytes, command):
    # `pasapas content list | head -1`: the reader is gone before all was written.
    paths = home_with_store(tmp_path / "home", home_bytes)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PASAPAS_")}
    env.update(PASAPAS_HOME=str(paths.data_dir.parent), PASAPAS_PASSPHRASE=PASSPHRASE)
    child = subprocess.Popen(
        [sys.executable, "-m", "pasapas", *command],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    child.stdout.close()  # the reader closes at once
    stderr = child.stderr.read().decode()
    # 141, as a shell reports a program stopped by SIGPIPE (argparse swallows its own failed
    # write of a help page, which then ends as it would have: 0)
    assert child.wait(timeout=60) in ((0, 141) if "--help" in command else (141,)), stderr
    assert "Traceback" not in stderr and "Broken" not in stderr and "Exception" not in stderr
    if command[0] != "content" or command[1] != "validate":  # (which warns of translations)
        assert stderr == ""
    assert paths.store.read_bytes() == home_bytes


def test_head_of_content_list_in_a_shell_pipeline_shows_no_error(tmp_path, home_bytes):
    paths = home_with_store(tmp_path / "home", home_bytes)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PASAPAS_")}
    env.update(PASAPAS_HOME=str(paths.data_dir.parent), PASAPAS_PASSPHRASE=PASSPHRASE)
    result = subprocess.run(
        ["sh", "-c", f"'{sys.executable}' -m pasapas content list | head -n 1"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) == 1


# -- the disk ---------------------------------------------------------------------------------


def test_db_check_on_a_read_only_file_system_says_it_cannot_open_the_store(
    tmp_path, small_disk, home_bytes
):
    paths = store_on_disk(tmp_path, small_disk, home_bytes, optional=True)
    make_read_only(paths.data_dir)
    before = folder_snapshot(paths.data_dir)
    line = sentence(pasapas(paths.data_dir.parent, "db", "check"))
    assert WRONG not in line
    assert "ne peut pas être ouverte" in line
    assert folder_snapshot(paths.data_dir) == before


def test_content_import_on_a_full_disk_says_so_and_leaves_the_store_as_it_was(
    tmp_path, small_disk, home_bytes
):
    paths = store_on_disk(tmp_path, small_disk, home_bytes)
    document = big_file(tmp_path)
    fill(paths.data_dir, leave=96 * 1024)
    line = sentence(pasapas(paths.data_dir.parent, "content", "import", str(document)))
    assert "place sur le disque" in line and WRONG not in line
    assert paths.store.read_bytes() == home_bytes
    (paths.data_dir / "remplissage").unlink()
    with Store.open(paths.store, PASSPHRASE) as store:
        assert store.query_one("SELECT count(*) FROM procedures") == (len(BUILTIN_IDS),)


def test_db_init_on_a_full_disk_says_so_and_leaves_no_store(tmp_path, small_disk):
    home = tmp_path / "home"
    Paths.under(home).ensure()
    data = small_disk("home/data", kib=256)
    fill(data, leave=64 * 1024)
    line = sentence(pasapas(home, "db", "init"))
    assert "place sur le disque" in line
    assert sorted(p.name for p in data.iterdir()) == ["remplissage"]


@pytest.mark.parametrize("command", ["content import", "db rekey", "staff add", "db restore"])
def test_changing_an_immutable_store_says_it_cannot_be_changed(tmp_path, home_bytes, command):
    paths = home_with_store(tmp_path / "home", home_bytes)
    args = {
        "content import": ("content", "import", str(big_file(tmp_path))),
        "db rekey": ("db", "rekey"),
        "staff add": ("staff", "add", "--name", "Léa", "--role", "volunteer"),
        "db restore": ("db", "restore", str(tmp_path / "sauvegarde.db")),
    }[command]
    (tmp_path / "sauvegarde.db").write_bytes(home_bytes)
    with immutable(paths.store):
        result = pasapas(
            paths.data_dir.parent,
            *args,
            PASAPAS_NEW_PASSPHRASE=NEW_PASSPHRASE,
            PASAPAS_STAFF_SECRET="918273",
        )
    line = sentence(result)
    assert "accès refusé" in line and WRONG not in line
    assert paths.store.read_bytes() == home_bytes
    with Store.open(paths.store, PASSPHRASE) as store:  # the old passphrase still opens it
        assert store.query_one("SELECT count(*) FROM staff_accounts") == (0,)


def test_db_backup_onto_a_full_disk_and_into_a_read_only_folder_says_so(
    tmp_path, small_disk, home_bytes
):
    paths = home_with_store(tmp_path / "home", home_bytes)
    full = small_disk("plein", kib=256)
    fill(full, leave=32 * 1024)
    line = sentence(pasapas(paths.data_dir.parent, "db", "backup", str(full / "copie.db")))
    assert "place sur le disque" in line
    assert sorted(p.name for p in full.iterdir()) == ["remplissage"]
    protected = small_disk("protege", kib=256, optional=True)
    make_read_only(protected)
    line = sentence(pasapas(paths.data_dir.parent, "db", "backup", str(protected / "copie.db")))
    assert "sauvegarde" in line
    assert list(protected.iterdir()) == []


def test_db_restore_of_a_missing_backup_names_the_backup(tmp_path, home_bytes):
    paths = home_with_store(tmp_path / "home", home_bytes)
    missing = tmp_path / "absente.db"
    line = sentence(pasapas(paths.data_dir.parent, "db", "restore", str(missing)))
    assert str(missing) in line and "db init" not in line
    assert paths.store.read_bytes() == home_bytes


def test_an_export_into_a_read_only_folder_is_one_sentence(tmp_path, small_disk, home_bytes):
    paths = home_with_store(tmp_path / "home", home_bytes)
    protected = small_disk("protege", kib=256, optional=True)
    make_read_only(protected)
    for command in (
        ("reports", "export", "--from", "2026-01-01", "--to", "2026-01-31"),
        ("stats", "export", "--from", "2026-01-01", "--to", "2026-01-31"),
    ):
        out = protected / ("sortie.csv")
        line = sentence(pasapas(paths.data_dir.parent, *command, str(out)))
        assert str(protected) in line, line
        assert "Traceback" not in line


# -- another process holds the lock -------------------------------------------------------------


def test_db_check_while_another_process_holds_an_exclusive_lock_is_busy_not_wrong(
    tmp_path, home_bytes
):
    paths = home_with_store(tmp_path / "home", home_bytes)
    with lock_held(paths.store, "exclusive") as pid:
        line = sentence(pasapas(paths.data_dir.parent, "db", "check", PASAPAS_BUSY_TIMEOUT="0.5"))
    assert WRONG not in line
    assert "occupée" in line and str(pid) in line


def test_content_import_while_another_process_writes_is_busy_after_the_configured_wait(
    tmp_path, home_bytes
):
    paths = home_with_store(tmp_path / "home", home_bytes)
    good = builtin_data("carte-vitale")
    good["id"] = "nouvelle-demarche"
    document = write_json(tmp_path / "nouvelle-demarche.json", good)
    with lock_held(paths.store, "writer") as pid:
        started = time.monotonic()
        result = pasapas(
            paths.data_dir.parent, "content", "import", str(document), PASAPAS_BUSY_TIMEOUT="0.5"
        )
        took = time.monotonic() - started
    line = sentence(result)
    assert "occupée" in line and str(pid) in line
    assert took < 8, took
    with Store.open(paths.store, PASSPHRASE) as store:
        assert store.query_one("SELECT count(*) FROM procedures") == (len(BUILTIN_IDS),)


def test_db_rekey_while_another_process_writes_is_busy_and_keeps_the_passphrase(
    tmp_path, home_bytes
):
    paths = home_with_store(tmp_path / "home", home_bytes)
    with lock_held(paths.store, "writer"):
        result = pasapas(
            paths.data_dir.parent,
            "db",
            "rekey",
            PASAPAS_NEW_PASSPHRASE=NEW_PASSPHRASE,
            PASAPAS_BUSY_TIMEOUT="0.5",
        )
    assert "occupée" in sentence(result)
    with Store.open(paths.store, PASSPHRASE) as store:
        assert store.query_one("SELECT count(*) FROM procedures") == (len(BUILTIN_IDS),)


# -- unexpected errors -------------------------------------------------------------------------


def test_an_unexpected_error_is_one_sentence_and_logged_without_personal_data(tmp_path, home_bytes):
    paths = home_with_store(tmp_path / "home", home_bytes)
    with Store.open(paths.store, PASSPHRASE) as store:  # a row no version of Pas à pas writes
        store.execute(
            "INSERT INTO staff_accounts (id, display_name, role, secret_kind, secret_hash, "
            "created_on) VALUES ('x', 'Jeanne Visiteuse', 'volunteer', 'pin', 'h', "
            "'Madame Dupont 06 12 34 56 78')"
        )
    result = pasapas(paths.data_dir.parent, "staff", "list")
    line = sentence(result)
    assert "inattendue" in line
    log = paths.log_dir / "pasapas.log"
    assert str(log) in line
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    text = log.read_text(encoding="utf-8")
    assert "ValueError" in text and "staff" in text
    for secret in (PASSPHRASE, "Madame Dupont", "06 12 34 56 78", "Jeanne"):
        assert secret not in text
        assert secret not in result.stderr


# -- inputs that are not procedure files ------------------------------------------------------


def _validate(tmp_path: Path, *files: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PASAPAS_")}
    env["PASAPAS_HOME"] = str(tmp_path / "home")
    result = subprocess.run(
        [sys.executable, "-m", "pasapas", "content", "validate", *files],
        cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_content_validate_refuses_a_fifo_at_once_instead_of_waiting_for_ever(tmp_path: Path):
    fifo = tmp_path / "tube.json"
    os.mkfifo(fifo)
    result = _validate(tmp_path, str(fifo), timeout=30)
    assert result.returncode == 1
    assert f"{fifo}: $: " in result.stderr and "fichier ordinaire" in result.stderr


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_content_validate_refuses_a_device_without_reading_it(tmp_path: Path, device: str):
    result = _validate(tmp_path, device, timeout=30)
    assert result.returncode == 1
    assert f"{device}: $: " in result.stderr and "fichier ordinaire" in result.stderr


def test_content_validate_refuses_a_folder(tmp_path: Path):
    result = _validate(tmp_path, str(tmp_path))
    assert result.returncode == 1 and "fichier ordinaire" in result.stderr


def test_content_validate_refuses_a_file_over_the_size_limit_before_reading_it(tmp_path: Path):
    huge = tmp_path / "enorme.json"
    with huge.open("wb") as out:  # sparse: as long as the limit and one byte, nothing written
        out.truncate(MAX_FILE_BYTES + 1)
    result = _validate(tmp_path, str(huge))
    assert result.returncode == 1
    assert f"{huge}: $: " in result.stderr and "trop gros" in result.stderr


@pytest.mark.parametrize(
    ("case", "path"),
    [
        ("version-2-63", "$.version"),
        ("surrogate", "$.steps[0].title.fr"),
        ("deep", "$.steps[0].text"),
        ("trailing-newline", "$.id"),
        ("huge-number", "$"),
    ],
)
def test_content_validate_and_server_publish_refuse_what_the_store_cannot_hold(
    tmp_path: Path, case: str, path: str
):
    data = builtin_data("medecin-traitant")
    bad = tmp_path / f"{case}.json"
    if case == "version-2-63":
        data["version"] = 2**63
        write_json(bad, data)
    elif case == "surrogate":
        data["steps"][0]["title"]["fr"] = "PLACE"
        bad.write_text(json.dumps(data).replace('"PLACE"', '"\\ud83d seule"'), encoding="utf-8")
    elif case == "deep":
        data["steps"][0]["text"] = "PLACE"
        bad.write_text(
            json.dumps(data).replace('"PLACE"', "[" * 5000 + "]" * 5000), encoding="utf-8"
        )
    elif case == "trailing-newline":
        data["id"] = "medecin-traitant\n"
        write_json(bad, data)
    else:
        data["version"] = 777
        bad.write_text(json.dumps(data).replace('"version": 777', '"version": ' + "9" * 5000))
    result = _validate(tmp_path, str(bad))
    assert result.returncode == 1
    assert f"{bad}: {path}: " in result.stderr, result.stderr
    assert "must" not in result.stderr and "Error" not in result.stderr

    env = {k: v for k, v in os.environ.items() if not k.startswith("PASAPAS_")}
    env["PASAPAS_SERVER_HOME"] = str(tmp_path / "service")
    published = subprocess.run(
        [sys.executable, "-m", "pasapas", "server", "publish", str(bad)],
        cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "Traceback" not in published.stderr, published.stderr
    assert published.returncode == 1
    assert "rien n'a été publié" in published.stderr
    assert f"{bad}: {path}: " in published.stderr
