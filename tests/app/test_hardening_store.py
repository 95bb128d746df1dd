"""The store under bad conditions, made real: a read-only file system, a full disk, an immutable
file, another process holding the lock; and the modes its files are created with.

A small file system is a tmpfs mounted for the test (tests run as root; where mounting is not
permitted the tests that need one are skipped with the reason, and a read-only folder falls back
to a write-protected one, which a non-root account really cannot write). Another process is a
real `python` subprocess holding SQLite's lock on the same file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pasapas.app.errors import (
    StoreBusyError,
    StoreError,
    StoreFullError,
    StoreUnavailableError,
    WrongPassphraseError,
)
from pasapas.app.instance import KioskLock
from pasapas.app.settings import Paths
from pasapas.app.store import Store, busy_timeout_seconds, restore_backup
from tests.app.helpers import PASSPHRASE, builtin_data, folder_snapshot, procedure_from

ROOT = Path(__file__).resolve().parents[2]
WRONG = "Ce mot de passe n'ouvre pas la base"
NEW_PASSPHRASE = "une autre phrase bien longue"


# -- real conditions -------------------------------------------------------------------------------


def mount_tmpfs(folder: Path, kib: int, *, optional: bool = False) -> bool:
    """A tmpfs of `kib` KiB on `folder`: True once mounted. When mounting is not permitted the
    test is skipped, or (`optional`) the folder is left a plain folder and False returned."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={kib}k,mode=0700", "pasapas-test", str(folder)],
        capture_output=True,
        text=True,
    )
    if done.returncode == 0:
        return True
    if optional:
        return False
    pytest.skip(f"a small file system cannot be mounted here: {done.stderr.strip()}")


def unmount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """`small_disk(name, kib)`: a folder on a file system of its own, unmounted at the end
    (`optional=True`: a plain folder where mounting is not permitted, for `make_read_only`)."""
    mounted: list[Path] = []

    def make(name: str = "disque", kib: int = 4096, *, optional: bool = False) -> Path:
        folder = tmp_path / name
        if mount_tmpfs(folder, kib, optional=optional):
            mounted.append(folder)
        return folder

    yield make
    for folder in reversed(mounted):
        unmount(folder)
    for folder in tmp_path.iterdir():  # write-protected folders, so pytest can remove them
        if folder.is_dir():
            folder.chmod(0o700)


def fill(folder: Path, *, leave: int = 0) -> Path:
    """Fill the file system of `folder` to the last byte, then give back `leave` bytes."""
    filler = folder / "remplissage"
    block = b"\0" * 65536
    with filler.open("wb") as out:
        try:
            while True:
                out.write(block)
                out.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
    if leave:
        os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def make_read_only(folder: Path) -> None:
    """Remount `folder`'s tmpfs read-only, or write-protect it where mounting is not permitted
    (an account other than root then really cannot write; root would, so it is skipped)."""
    done = subprocess.run(["mount", "-o", "remount,ro", str(folder)], capture_output=True)
    if done.returncode != 0:
        if os.geteuid() == 0:
            pytest.skip("cannot remount read-only here")
        for path in folder.rglob("*"):
            path.chmod(0o400)
        folder.chmod(0o500)


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[Path]:
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not permitted here: {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True, check=False)


_HOLDER = textwrap.dedent(
    """
    import os, sys
    import sqlcipher3
    path, mode = sys.argv[1], sys.argv[2]
    if mode.startswith("kiosk"):
        from pasapas.app.instance import KioskLock
        from pasapas.app.settings import Paths
        from pathlib import Path
        lock = KioskLock(Paths.under(Path(sys.argv[3]))).acquire()
    conn = sqlcipher3.connect(path, isolation_level=None)
    conn.execute("PRAGMA key = '" + os.environ["HOLDER_PASSPHRASE"].replace("'", "''") + "'")
    if mode.endswith("exclusive"):
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    else:  # a writer in the middle of its transaction
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO meta (key, value) VALUES ('holder', 'en cours')")
    print("held", flush=True)
    sys.stdin.read()
    conn.execute("ROLLBACK")
    """
)


@contextlib.contextmanager
def lock_held(path: Path, mode: str = "exclusive", home: Path | None = None) -> Iterator[int]:
    """Another real process holds SQLite's lock on `path` until the block ends: its pid.

    `mode`: "exclusive" (locking_mode EXCLUSIVE: nobody may even read), "writer" (a write
    transaction: others may read, not write); prefixed "kiosk-" it also holds the kiosk's lock
    of the data folder under `home`."""
    env = {**os.environ, "HOLDER_PASSPHRASE": PASSPHRASE}
    args = [sys.executable, "-c", _HOLDER, str(path), mode]
    if home is not None:
        args.append(str(home))
    holder = subprocess.Popen(
        args, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        yield holder.pid
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def new_store(folder: Path, name: str = "pasapas.db") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with Store.create(path, PASSPHRASE) as store:
        store.execute("INSERT INTO meta (key, value) VALUES ('marque', 'avant')")
    return path


def big_procedure(steps: int = 400):
    """A valid procedure of many long steps: importing it needs hundreds of KiB of log."""
    data = builtin_data("medecin-traitant")
    data["id"] = "tres-longue"
    final = data["steps"][-1]
    body = []
    for n in range(steps):
        body.append(
            {
                "id": f"etape-{n}",
                "kind": "info",
                "title": {"fr": f"Étape {n}"},
                "text": {"fr": f"Texte {n} " + "lorem ipsum dolor sit amet " * 20},
                "next": f"etape-{n + 1}" if n + 1 < steps else final["id"],
            }
        )
    data["steps"] = [*body, final]
    data["start"] = "etape-0"
    return procedure_from(data)


@pytest.fixture
def short_busy_wait(monkeypatch: pytest.MonkeyPatch) -> float:
    monkeypatch.setenv("PASAPAS_BUSY_TIMEOUT", "0.5")
    return 0.5


# -- each cause its own message ----------------------------------------------------------------


def test_a_store_on_a_read_only_file_system_is_cannot_open_not_a_wrong_passphrase(
    small_disk, tmp_path: Path
):
    disk = small_disk("lecture-seule", optional=True)
    path = new_store(disk)
    make_read_only(disk)
    before = folder_snapshot(disk)
    with pytest.raises(StoreUnavailableError) as caught:
        Store.open(path, PASSPHRASE)
    message = caught.value.message
    assert WRONG not in message
    assert "ne peut pas être ouverte" in message
    assert "lecture seule" in message or "accès refusé" in message
    assert "Rien n'a été modifié" in message
    assert folder_snapshot(disk) == before


def test_opening_a_store_on_a_full_disk_says_the_disk_is_full(small_disk):
    disk = small_disk("plein", kib=2048)
    path = new_store(disk)
    before = path.read_bytes()
    fill(disk)
    with pytest.raises(StoreFullError) as caught:
        Store.open(path, PASSPHRASE)
    assert WRONG not in caught.value.message
    assert "place sur le disque" in caught.value.message
    assert path.read_bytes() == before


def test_another_process_holding_an_exclusive_lock_is_busy_named_by_its_pid(
    tmp_path: Path, short_busy_wait: float
):
    path = new_store(tmp_path / "data")
    with lock_held(path, "exclusive") as pid:
        started = time.monotonic()
        with pytest.raises(StoreBusyError) as caught:
            Store.open(path, PASSPHRASE)
        waited = time.monotonic() - started
    message = caught.value.message
    assert WRONG not in message
    assert "occupée" in message and str(pid) in message
    assert "Rien n'a été modifié" in message
    assert short_busy_wait * 0.8 <= waited < 5, waited
    with Store.open(path, PASSPHRASE) as store:  # the holder gone, it opens as before
        assert store.query_one("SELECT value FROM meta WHERE key = 'marque'") == ("avant",)


def test_the_busy_message_names_the_open_kiosk_and_its_pid(tmp_path: Path, short_busy_wait):
    home = tmp_path / "home"
    paths = Paths.under(home).ensure()
    new_store(paths.data_dir)
    with (
        lock_held(paths.store, "kiosk-exclusive", home) as pid,
        pytest.raises(StoreBusyError) as caught,
    ):
        Store.open(paths.store, PASSPHRASE)
    assert "borne" in caught.value.message and str(pid) in caught.value.message


def test_a_write_while_another_process_writes_is_busy_after_the_configured_wait(
    tmp_path: Path, short_busy_wait: float
):
    path = new_store(tmp_path / "data")
    with Store.open(path, PASSPHRASE) as store, lock_held(path, "writer") as pid:
        started = time.monotonic()
        with pytest.raises(StoreBusyError) as caught, store.transaction():
            store.execute("INSERT INTO meta (key, value) VALUES ('perdu', 'non')")
        waited = time.monotonic() - started
        assert str(pid) in caught.value.message
        assert short_busy_wait * 0.8 <= waited < 5, waited
    with Store.open(path, PASSPHRASE) as store:
        assert store.query("SELECT key FROM meta WHERE key IN ('perdu', 'holder')") == []


def test_the_busy_wait_is_ten_seconds_unless_configured(monkeypatch: pytest.MonkeyPatch, tmp_path):
    monkeypatch.delenv("PASAPAS_BUSY_TIMEOUT", raising=False)
    assert busy_timeout_seconds() == 10
    path = new_store(tmp_path)
    with Store.open(path, PASSPHRASE) as store:
        assert store.query_one("PRAGMA busy_timeout") == (10000,)
    for text, expected in (("0.5", 0.5), ("3", 3), ("n'importe quoi", 10), ("-1", 10)):
        monkeypatch.setenv("PASAPAS_BUSY_TIMEOUT", text)
        assert busy_timeout_seconds() == expected, text


def test_a_write_on_a_full_disk_is_refused_in_one_sentence_and_the_store_is_unchanged(
    small_disk,
):
    disk = small_disk("plein-en-route", kib=4096)
    path = new_store(disk)
    procedure = big_procedure()
    with Store.open(path, PASSPHRASE) as store:
        from pasapas.app.content.catalog import Catalog

        fill(disk, leave=96 * 1024)
        with pytest.raises(StoreFullError) as caught:
            Catalog(store).import_procedures([procedure])
        assert "place sur le disque" in caught.value.message
        assert store.query_one("SELECT count(*) FROM procedures WHERE id = 'tres-longue'") == (0,)
    (disk / "remplissage").unlink()
    with Store.open(path, PASSPHRASE) as store:
        assert store.check() == []
        assert store.query_one("SELECT value FROM meta WHERE key = 'marque'") == ("avant",)


def test_an_immutable_store_is_read_but_a_write_is_refused_in_one_sentence(tmp_path: Path):
    path = new_store(tmp_path / "data")
    before = path.read_bytes()
    with immutable(path):
        with Store.open(path, PASSPHRASE) as store:
            assert store.query_one("SELECT value FROM meta WHERE key = 'marque'") == ("avant",)
            with pytest.raises(StoreUnavailableError) as caught, store.transaction():
                store.execute("INSERT INTO meta (key, value) VALUES ('jamais', 'écrit')")
        assert "ne peut pas être modifiée" in caught.value.message
        assert WRONG not in caught.value.message
        assert path.read_bytes() == before


def test_an_empty_passphrase_is_refused_with_a_sentence(tmp_path: Path):
    path = new_store(tmp_path)
    before = folder_snapshot(tmp_path)
    with pytest.raises(StoreError, match="ne peut pas être vide"):
        Store.open(path, "")
    assert folder_snapshot(tmp_path) == before


def test_rekey_while_another_process_writes_is_busy_and_the_old_passphrase_still_opens(
    tmp_path: Path, short_busy_wait
):
    path = new_store(tmp_path / "data")
    with (
        Store.open(path, PASSPHRASE) as store,
        lock_held(path, "writer"),
        pytest.raises(StoreBusyError),
    ):
        store.rekey(NEW_PASSPHRASE)
    with Store.open(path, PASSPHRASE) as store:
        assert store.query_one("SELECT value FROM meta WHERE key = 'marque'") == ("avant",)
    with pytest.raises(WrongPassphraseError):
        Store.open(path, NEW_PASSPHRASE)


def test_a_backup_onto_a_full_disk_says_so_and_leaves_nothing_behind(tmp_path: Path, small_disk):
    path = new_store(tmp_path / "data")
    disk = small_disk("sauvegardes", kib=256)
    fill(disk, leave=64 * 1024)
    with Store.open(path, PASSPHRASE) as store, pytest.raises(StoreFullError) as caught:
        store.backup(disk / "sauvegarde.db")
    assert "sauvegarde" in caught.value.message and "place sur le disque" in caught.value.message
    assert sorted(p.name for p in disk.iterdir()) == ["remplissage"]


def test_a_backup_into_a_read_only_folder_says_so_and_writes_nothing(tmp_path: Path, small_disk):
    path = new_store(tmp_path / "data")
    disk = small_disk("protege", kib=256, optional=True)
    make_read_only(disk)
    with Store.open(path, PASSPHRASE) as store, pytest.raises(StoreUnavailableError) as caught:
        store.backup(disk / "sauvegarde.db")
    assert "sauvegarde" in caught.value.message
    assert list(disk.iterdir()) == []


def test_a_restore_onto_a_full_disk_says_so_and_leaves_the_store_as_it_was(
    tmp_path: Path, small_disk
):
    source = new_store(tmp_path / "ailleurs")
    backup = tmp_path / "sauvegarde.db"
    with Store.open(source, PASSPHRASE) as store:
        store.backup(backup)
    disk = small_disk("donnees", kib=1024)
    path = new_store(disk)
    fill(disk, leave=16 * 1024)
    before = {k: v for k, v in folder_snapshot(disk).items() if k != "remplissage"}
    with pytest.raises(StoreFullError):
        restore_backup(backup, path, PASSPHRASE)
    after = {k: v for k, v in folder_snapshot(disk).items() if k != "remplissage"}
    assert after == before


def test_restoring_a_backup_that_does_not_exist_names_the_backup(tmp_path: Path):
    path = new_store(tmp_path / "data")
    with pytest.raises(StoreError) as caught:
        restore_backup(tmp_path / "absente.db", path, PASSPHRASE)
    assert "absente.db" in caught.value.message
    assert "pasapas db init" not in caught.value.message


# -- file modes ------------------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask: the modes must not depend on it."""
    before = os.umask(0)
    try:
        yield
    finally:
        os.umask(before)


def test_a_new_store_and_its_wal_and_shm_are_0600_whatever_the_umask(tmp_path: Path, open_umask):
    path = tmp_path / "data" / "pasapas.db"
    with Store.create(path, PASSPHRASE) as store:
        store.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")
        companions = [Path(f"{path}{s}") for s in ("-wal", "-shm")]
        assert all(p.exists() for p in companions)
        for file in (path, *companions):
            assert _mode(file) == 0o600, file
    assert _mode(path.parent) == 0o700


def test_an_opened_store_written_0644_by_an_older_version_is_made_0600(tmp_path: Path, open_umask):
    path = new_store(tmp_path / "data")
    path.chmod(0o644)
    with Store.open(path, PASSPHRASE) as store:
        store.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")
        for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            assert _mode(file) == 0o600, file


def test_backups_and_the_store_kept_by_a_restore_are_0600(tmp_path: Path, open_umask):
    path = new_store(tmp_path / "data")
    backups = tmp_path / "backups"
    backups.mkdir()
    with Store.open(path, PASSPHRASE) as store:
        written = store.backup(backups / "sauvegarde.db")
    assert _mode(written) == 0o600
    path.chmod(0o644)  # as an older version left it
    kept = restore_backup(written, path, PASSPHRASE)
    assert _mode(path) == 0o600
    assert kept is not None and _mode(kept) == 0o600
    with Store.open(path, PASSPHRASE) as store:
        store.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")
        assert _mode(Path(f"{path}-wal")) == 0o600


def test_a_rekeyed_store_stays_0600(tmp_path: Path, open_umask):
    path = new_store(tmp_path / "data")
    with Store.open(path, PASSPHRASE) as store:
        store.rekey(NEW_PASSPHRASE)
        for suffix in ("", "-wal", "-shm"):
            file = Path(f"{path}{suffix}")
            if file.exists():
                assert _mode(file) == 0o600, file
    assert _mode(path) == 0o600


def test_data_folders_are_0700_and_made_so_when_an_older_version_left_them_open(
    tmp_path: Path, open_umask
):
    paths = Paths.under(tmp_path / "home")
    paths.data_dir.mkdir(parents=True, mode=0o755)
    paths.data_dir.chmod(0o755)
    paths.ensure()
    for folder in (paths.data_dir, paths.config_dir, paths.log_dir, paths.backup_dir):
        assert _mode(folder) == 0o700, folder


def test_the_kiosk_lock_records_the_pid_of_the_kiosk(tmp_path: Path):
    paths = Paths.under(tmp_path / "home").ensure()
    with KioskLock(paths) as lock:
        assert lock.path.read_text(encoding="ascii").strip() == str(os.getpid())
        assert _mode(lock.path) == 0o600
    shutil.rmtree(paths.data_dir)


# -- documents the validator passed but the store could not hold --------------------------------

FRENCH_ONLY = ("must", "should", "is not", "does not", "Error", "expected")


def _refusals(data) -> tuple[bool, list]:
    """Does fastjsonschema refuse the document, and what the whole validator says of it."""
    import fastjsonschema

    from pasapas.app.content.validation import _fast_check, parse_document

    try:
        _fast_check()(data)
        fast = False
    except fastjsonschema.JsonSchemaException:
        fast = True
    procedure, problems = parse_document(data, "demarche.json", today=dt.date(2026, 11, 29))
    assert (procedure is None) == bool(problems)
    return fast, problems


def _in(data, *keys):
    for key in keys:
        data = data[key]
    return data


# Every field the schema checks with a pattern (medecin-traitant: step 2 is a choice).
PATTERN_FIELDS = [
    (("id",), "$.id"),
    (("start",), "$.start"),
    (("steps", 0, "id"), "$.steps[0].id"),
    (("steps", 0, "next"), "$.steps[0].next"),
    (("steps", 2, "choices", 0, "next"), "$.steps[2].choices[0].next"),
    (("sources", 0, "url"), "$.sources[0].url"),
    (("sources", 0, "checked"), "$.sources[0].checked"),
]


@pytest.mark.parametrize(("keys", "path"), PATTERN_FIELDS, ids=[p for _k, p in PATTERN_FIELDS])
def test_a_trailing_newline_is_refused_by_both_validators_in_french_at_its_field(keys, path):
    data = builtin_data("medecin-traitant")
    target = _in(data, *keys[:-1])
    target[keys[-1]] += "\n"
    fast, problems = _refusals(data)
    assert fast, "fastjsonschema must refuse it"
    found = [p for p in problems if p.path == path]
    assert found, [str(p) for p in problems]
    assert "format incorrect" in found[0].message
    for problem in problems:
        assert problem.path != "$" or path == "$"
        assert not any(word in problem.message for word in FRENCH_ONLY), problem


def test_a_language_code_with_a_trailing_newline_is_refused_by_both_validators():
    data = builtin_data("medecin-traitant")
    data["title"]["fr\n"] = "Titre"
    fast, problems = _refusals(data)
    assert fast and problems
    assert all(p.path.startswith("$.title") for p in problems), [str(p) for p in problems]


def test_every_schema_pattern_is_read_with_ecma_end_of_text_in_python():
    from pasapas.app.content.validation import procedure_schema, python_pattern

    patterns = []
    stack = [procedure_schema()]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                patterns.append(node["pattern"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    assert len(patterns) >= 4
    for pattern in patterns:
        assert pattern.endswith("$"), pattern
        assert re.search(python_pattern(pattern), "x\n") is None
        assert python_pattern(pattern).endswith("\\Z")


def test_the_fast_and_the_detailed_validator_agree_on_every_mistake():
    from tests.app.test_validation import CASES

    mutations = [mutate for _name, mutate, _path, _words in CASES]
    mutations += [
        lambda d: d.update(version=2**63),
        lambda d: d.update(version=0),
        lambda d: d.update(id="x" * 65),
        lambda d: d.update(id="Carte-Vitale"),
        lambda d: d["steps"][0].update(items=[{"fr": "x"}]),
        lambda d: d["title"].update(en=""),
        lambda d: d.update(themes=[]),
    ]
    for mutate in mutations:
        data = builtin_data("medecin-traitant")
        mutate(data)
        fast, problems = _refusals(data)
        assert problems
        if fast:  # a schema mistake: the detailed validator names it too, in French
            assert not any(word in p.message for p in problems for word in FRENCH_ONLY), problems


def test_a_refusal_only_the_fast_validator_finds_is_still_french_and_at_its_field():
    import fastjsonschema

    from pasapas.app.content.validation import _fast_check, _fast_problem

    data = builtin_data("medecin-traitant")
    data["steps"][1]["id"] = "Majuscules"
    with pytest.raises(fastjsonschema.JsonSchemaException) as caught:
        _fast_check()(data)
    problem = _fast_problem("demarche.json", data, caught.value)
    assert problem.path == "$.steps[1].id"
    assert problem.message.startswith("format incorrect")
    data["steps"][1]["items"] = [{"fr": "interdit sur une étape info"}]
    data["steps"][1]["id"] = "attention-remboursement"
    with pytest.raises(fastjsonschema.JsonSchemaException) as caught:
        _fast_check()(data)
    problem = _fast_problem("demarche.json", data, caught.value)
    assert problem.path == "$.steps[1].items"
    assert not any(word in problem.message for word in FRENCH_ONLY)


def test_the_largest_version_sqlite_holds_is_accepted_and_stored_and_one_more_is_refused(
    tmp_path: Path,
):
    from pasapas.app.content.catalog import Catalog

    data = builtin_data("medecin-traitant")
    data["version"] = 2**63 - 1
    procedure = procedure_from(data)
    with Store.create(tmp_path / "pasapas.db", PASSPHRASE) as store:
        Catalog(store).import_procedures([procedure])
        assert Catalog(store).get("medecin-traitant").version == 2**63 - 1
    data["version"] = 2**63
    fast, problems = _refusals(data)
    assert fast and [p.path for p in problems] == ["$.version"]
    assert "hors limites" in problems[0].message


@pytest.mark.parametrize(
    ("where", "path"),
    [
        (("steps", 0, "title", "fr"), "$.steps[0].title.fr"),
        (("synonyms", "fr", 0), "$.synonyms.fr[0]"),
        (("summary", "fr"), "$.summary.fr"),
    ],
)
def test_a_lone_surrogate_is_refused_with_its_path_before_it_reaches_the_store(where, path):
    data = builtin_data("medecin-traitant")
    data.setdefault("synonyms", {"fr": ["x"]}).setdefault("fr", ["x"])
    target = _in(data, *where[:-1])
    target[where[-1]] = "avant \ud83d après"
    _fast, problems = _refusals(data)
    assert [p.path for p in problems] == [path]
    assert "U+D83D" in problems[0].message
    str(problems[0]).encode("utf-8")  # the problem itself prints anywhere


def test_a_lone_surrogate_in_a_key_is_refused_and_its_path_is_printable():
    data = builtin_data("medecin-traitant")
    data["title"]["\udc00"] = "clé cassée"
    _fast, problems = _refusals(data)
    assert [p.path for p in problems] == ['$.title["\\udc00"]']
    str(problems[0]).encode("utf-8")


@pytest.mark.parametrize("depth", [40, 900, 5000, 100000])
def test_json_nested_deeper_than_the_format_allows_is_refused_with_file_and_path(
    tmp_path: Path, depth: int
):
    from pasapas.app.content.validation import MAX_DEPTH, load_file

    data = builtin_data("medecin-traitant")
    data["steps"][3]["text"] = {"fr": "PLACE"}
    path = tmp_path / "profond.json"
    path.write_text(
        json.dumps(data).replace('"PLACE"', "[" * depth + "]" * depth), encoding="utf-8"
    )
    procedure, problems = load_file(path)
    assert procedure is None
    assert [(p.file, p.path) for p in problems] == [(str(path), "$.steps[3].text.fr")]
    assert f"au plus {MAX_DEPTH}" in problems[0].message


def test_unusual_characters_in_an_unknown_field_name_are_shown_escaped():
    data = builtin_data("medecin-traitant")
    data["\x1b[31mrouge\nligne"] = 1
    _fast, problems = _refusals(data)
    text = "\n".join(str(p) for p in problems)
    assert "\x1b" not in text and "rouge\nligne" not in text
    assert "champ inconnu" in text and "\\x1b" in text


@pytest.mark.parametrize(
    "text",
    ["", "{", '{"a"', '{"a": 1,}', '"\x01"', '"\\q"', '"\\u12"', "1 2", "\ufeff{}", "[1 2]"],
)
def test_invalid_json_is_explained_in_french_with_line_and_column(tmp_path: Path, text: str):
    from pasapas.app.content.validation import load_file

    path = tmp_path / "casse.json"
    path.write_text(text, encoding="utf-8")
    procedure, problems = load_file(path)
    assert procedure is None and len(problems) == 1
    message = problems[0].message
    assert message.startswith("JSON invalide, ligne 1 colonne ")
    assert not re.search(r"Expecting|Invalid|Extra|Unterminated|Unexpected", message), message
