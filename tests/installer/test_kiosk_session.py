"""`pasapas kiosk-setup`: the locked kiosk session's files, written into a folder standing for a
Debian system's root, checked by systemd's own verifier, idempotent, and taken away again.

The account is created by the real `useradd --root` when the suite runs as root (as CI does);
otherwise by a runner that writes the same passwd line (the edge of this unit test: the package
test, tests/installer/test_package.py, creates it for real in a Debian root)."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pasapas.app import kiosk_session as ks
from pasapas.cli import main

ROOT = Path(__file__).resolve().parents[2]
CAGE = shutil.which("cage") or "/usr/bin/cage"


def _system_root(tmp_path: Path) -> Path:
    """A root with what Debian's useradd reads, a cage and a pasapas program."""
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (root / "etc/group").write_text("root:x:0:\n", encoding="utf-8")
    (root / "etc/shadow").write_text("root:*:19000:0:99999:7:::\n", encoding="utf-8")
    (root / "etc/gshadow").write_text("root:*::\n", encoding="utf-8")
    for program in ("usr/bin/cage", "usr/bin/pasapas"):
        (root / program).parent.mkdir(parents=True, exist_ok=True)
        (root / program).write_text("#!/bin/sh\n", encoding="utf-8")
        (root / program).chmod(0o755)
    return root


def _runner(calls: list[list[str]]):
    def run(argv: list[str]) -> None:
        calls.append(argv)
        if argv[0] == "useradd" and os.geteuid() == 0 and shutil.which("useradd"):
            ks._run(argv)  # the real thing
        elif argv[0] == "useradd":
            root = Path(argv[argv.index("--root") + 1])
            with (root / "etc/passwd").open("a", encoding="utf-8") as passwd:
                passwd.write(f"{ks.KIOSK_USER}:x:999:999::{ks.KIOSK_HOME}:/usr/sbin/nologin\n")

    return run


def _tree(root: Path) -> dict[str, str]:
    seen = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        if path.is_symlink():
            seen[key] = "-> " + os.readlink(path)
        elif path.is_file():
            seen[key] = path.read_text(encoding="utf-8")
        else:
            seen[key] = "dir"
    return seen


ACCOUNT_FILES = ("etc/passwd", "etc/group", "etc/shadow", "etc/gshadow", "etc/.pwd.lock")


def _files_of(tree: dict[str, str]) -> dict[str, str]:
    """The files and links of a `_tree`, without folders, account files and the kiosk's home."""
    home = ks.KIOSK_HOME.lstrip("/")
    return {
        key: value
        for key, value in tree.items()
        if value != "dir"
        and not key.startswith(home)
        and not key.rstrip("-").endswith(ACCOUNT_FILES)
        and not key.startswith(("etc/subuid", "etc/subgid"))
    }


def _files(root: Path) -> dict[str, str]:
    return _files_of(_tree(root))


def _unit(text: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # keys are case-sensitive in systemd
    parser.read_string(text)
    return parser


def test_setup_writes_the_session_says_each_change_and_a_second_run_changes_nothing(tmp_path):
    root = _system_root(tmp_path)
    calls: list[list[str]] = []
    plan = ks.Plan.make("/usr/bin/pasapas")
    first = ks.apply(root, plan, run=_runner(calls))
    assert [c[0] for c in calls] == ["useradd"]
    assert f"{ks.KIOSK_USER}:" in (root / "etc/passwd").read_text(encoding="utf-8")
    assert (root / ks.KIOSK_HOME.lstrip("/")).is_dir()
    for relative in plan.files:
        assert (root / relative).read_text(encoding="utf-8") == plan.files[relative]
        assert any(relative in line for line in first.changed)  # each file is announced
    assert os.readlink(root / ks.WANTS_LINK) == f"/{ks.UNIT_DIR}/{ks.UNIT_NAME}"
    for unit in ks.MASKED:  # nothing suspends the help point, Ctrl+Alt+Del reboots nothing
        assert os.readlink(root / ks.UNIT_DIR / unit) == "/dev/null"
    before = _tree(root)

    again = ks.apply(root, plan, run=_runner(calls))
    assert again.changed == [] and again.warnings == []
    assert _tree(root) == before
    assert [c[0] for c in calls] == ["useradd"]  # the account is not made twice


def test_the_unit_restarts_the_kiosk_under_cage_as_the_kiosk_account_with_a_limit():
    unit = _unit(
        ks.Plan.make("/usr/bin/pasapas", "/usr/bin/cage").files[f"{ks.UNIT_DIR}/{ks.UNIT_NAME}"]
    )
    service = unit["Service"]
    assert service["Restart"] == "always"
    assert service["User"] == ks.KIOSK_USER and service["PAMName"] == ks.KIOSK_USER
    assert service["ExecStart"] == "/usr/bin/cage -d -- /usr/bin/pasapas kiosk"
    assert " -s" not in service["ExecStart"]  # no VT switching: Ctrl+Alt+F2 leads nowhere
    assert service["TTYPath"] == "/dev/tty1"
    assert "QT_QPA_PLATFORM=wayland" in service["Environment"]
    assert int(unit["Unit"]["StartLimitBurst"]) == ks.RESTART_BURST
    assert int(unit["Unit"]["StartLimitIntervalSec"]) == ks.RESTART_WINDOW_S
    assert unit["Unit"]["OnFailure"] == "getty@tty1.service"  # staff get a screen that says why
    assert unit["Install"]["WantedBy"] == "graphical.target"
    pam = ks.PAM.splitlines()
    assert "auth      required  pam_deny.so" in pam  # nobody logs in through this name
    assert any("pam_systemd.so" in line for line in pam)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemds_verifier_accepts_the_unit_and_refuses_a_broken_one(tmp_path):
    if not Path(CAGE).exists():
        pytest.fail("cage is not installed: installer/system-deps.sh test installs it")
    program = ROOT / ".venv/bin/pasapas"
    text = ks.Plan.make(str(program), CAGE).files[f"{ks.UNIT_DIR}/{ks.UNIT_NAME}"]
    unit = tmp_path / ks.UNIT_NAME
    unit.write_text(text, encoding="utf-8")
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(unit)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == ""  # not even a warning
    broken = tmp_path / "broken.service"
    broken.write_text(
        text.replace("Restart=always", "Restrat=always").replace(CAGE, "/nowhere/cage"),
        encoding="utf-8",
    )
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(broken)], capture_output=True, text=True
    )
    assert done.returncode != 0 and "Restrat" in done.stderr  # the check can fail


def test_remove_takes_away_only_what_setup_wrote_and_keeps_the_kiosks_data(tmp_path):
    root = _system_root(tmp_path)
    foreign = root / ks.UNIT_DIR / "sleep.target"  # set by the site before us: never touched
    foreign.parent.mkdir(parents=True)
    foreign.symlink_to("/lib/systemd/system/sleep.target")
    untouched = _tree(root)
    outcome = ks.apply(root, ks.Plan.make("/usr/bin/pasapas"), run=_runner([]))
    assert any("sleep.target" in w for w in outcome.warnings)
    store = root / ks.KIOSK_HOME.lstrip("/") / ".local/share/pasapas/pasapas.db"
    store.parent.mkdir(parents=True)
    store.write_bytes(b"the kiosk's encrypted store")

    removed = ks.remove(root, run=_runner([]))
    assert any(ks.UNIT_NAME in line for line in removed.changed)
    assert any("userdel -r" in w for w in removed.warnings)  # says how to erase for good
    assert store.read_bytes() == b"the kiosk's encrypted store"
    # Every file and link is as before setup, but for the account (kept, as said) and its home.
    assert _files(root) == _files_of(untouched)
    assert os.readlink(foreign) == "/lib/systemd/system/sleep.target"
    assert ks.remove(root, run=_runner([])).changed == []  # a second remove: nothing to do


def test_setup_refuses_in_one_sentence_and_changes_nothing_without_cage_or_over_a_foreign_file(
    tmp_path,
):
    root = _system_root(tmp_path)
    (root / "usr/bin/cage").unlink()
    before = _tree(root)
    with pytest.raises(ks.KioskSetupError) as caught:
        ks.apply(root, ks.Plan.make("/usr/bin/pasapas"), run=_runner([]))
    assert (
        "apt install cage" in caught.value.message
        and "Rien n'a été modifié" in caught.value.message
    )
    assert _tree(root) == before

    root = _system_root(tmp_path / "second")
    pam = root / f"etc/pam.d/{ks.KIOSK_USER}"
    pam.parent.mkdir(parents=True)
    pam.write_text("# the site's own file\n", encoding="utf-8")
    before = _tree(root)
    with pytest.raises(ks.KioskSetupError) as caught:
        ks.apply(root, ks.Plan.make("/usr/bin/pasapas"), run=_runner([]))
    assert f"/etc/pam.d/{ks.KIOSK_USER}" in caught.value.message
    assert _tree(root) == before


def test_the_command_says_what_it_changed_then_that_nothing_is_left_to_change(
    tmp_path, capsys, monkeypatch
):
    root = _system_root(tmp_path)
    if os.geteuid() != 0:  # useradd --root needs root: the runner stands in at this edge
        monkeypatch.setattr(ks, "_run", _runner([]))
    assert main(["kiosk-setup", "--root", str(root), "--program", "/usr/bin/pasapas"]) == 0
    said = capsys.readouterr().out
    assert "Compte de la borne créé" in said and "Redémarrez l'ordinateur" in said
    assert main(["kiosk-setup", "--root", str(root), "--program", "/usr/bin/pasapas"]) == 0
    assert capsys.readouterr().out.strip() == "Rien à changer : tout est déjà comme il faut."
    assert main(["kiosk-setup", "--remove", "--root", str(root)]) == 0
    said = capsys.readouterr().out
    assert "Retiré : /etc/systemd/system/pasapas-kiosk.service" in said
    assert "Traceback" not in said
