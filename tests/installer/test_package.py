"""The bundle and its Debian package, built and used as a site admin would.

- `make bundle`'s PyInstaller build runs without the source tree: it speaks (the speech worker is
  the bundle's own program), draws the home screen exactly as the development kiosk does, and
  runs as the locked kiosk session does, under cage, headless, on Wayland, as an unprivileged
  account: the only client, full screen, back after a crash.
- `make deb`'s package is installed with apt into a clean Debian root made by debootstrap (only
  what its Depends pull in), where the kiosk starts and draws the same screen, the kiosk session
  is set up (the real useradd) and taken away, an update keeps the store, and a store of an older
  schema is backed up, encrypted, before its upgrade.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pasapas.app import kiosk_session as ks
from tests.installer import cage

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests/app/fixtures"
READY = re.compile(
    r"pasapas-ready window=(\d+)x(\d+) screen=(\d+)x(\d+) (fullscreen|windowed) platform=(\S+)"
)
MIRROR = os.environ.get("PASAPAS_DEBIAN_MIRROR", "http://deb.debian.org/debian")
SUITE = "bookworm"


def _run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    return subprocess.run(argv, **kwargs)


@pytest.fixture(scope="module")
def built() -> Iterator[Path]:
    """A folder (readable by every account) with bundle/pasapas/ and the .deb."""
    base = Path(tempfile.mkdtemp(prefix="pasapas-package-"))
    base.chmod(0o755)
    try:
        done = _run(
            [
                sys.executable,
                "-m",
                "PyInstaller",
                "--noconfirm",
                "--log-level",
                "ERROR",
                "--distpath",
                str(base / "bundle"),
                "--workpath",
                str(base / "work"),
                str(ROOT / "installer/bundle/pasapas.spec"),
            ],
            cwd=ROOT,
            timeout=900,
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        done = _run(
            [
                sys.executable,
                str(ROOT / "installer/deb/build_deb.py"),
                "--bundle",
                str(base / "bundle/pasapas"),
                "--out",
                str(base),
            ],
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        assert Path(done.stdout.strip()).is_file()
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _program(built: Path) -> Path:
    return built / "bundle/pasapas/pasapas"


def _deb(built: Path) -> Path:
    return next(built.glob("pasapas_*.deb"))


def _clean_env(home: Path) -> dict[str, str]:
    """No virtualenv, no source tree, no Python path: what a site's computer has."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "VIRTUAL_ENV", "PASAPAS_", "QT_"))
    }
    env["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin"
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen", TMPDIR=str(home))
    return env


def _pixels(path: Path) -> tuple[int, int, bytes]:
    from PySide6.QtGui import QImage

    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    data = bytes(image.constBits())[: image.sizeInBytes()]
    return image.width(), image.height(), data


def _differing_share(one: Path, two: Path) -> float:
    w1, h1, a = _pixels(one)
    w2, h2, b = _pixels(two)
    assert (w1, h1) == (w2, h2)
    differing = sum(1 for i in range(0, len(a), 4) if a[i : i + 3] != b[i : i + 3])
    return differing / (w1 * h1)


@pytest.fixture(scope="module")
def reference_screens(tmp_path_factory) -> dict[str, Path]:
    """The home screen in French and Arabic as the development kiosk draws it."""
    folder = tmp_path_factory.mktemp("reference")
    shots = {}
    for lang in ("fr", "ar"):
        shot = folder / f"home-{lang}.png"
        env = {**os.environ, "PASAPAS_HOME": str(folder / "home"), "QT_QPA_PLATFORM": "offscreen"}
        done = _run(
            [sys.executable, "-m", "pasapas", "screenshot", "--lang", lang, str(shot)],
            env=env,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        shots[lang] = shot
    return shots


# -- the bundle -----------------------------------------------------------------------------------


def test_the_bundle_speaks_and_draws_home_as_the_development_kiosk_without_the_source_tree(
    built, reference_screens, tmp_path
):
    program = _program(built)
    internal = program.parent / "_internal"
    assert (internal / "pasapas/app/locales/ar/LC_MESSAGES/pasapas.mo").is_file()
    assert list((internal / "pasapas/app/content/builtin").glob("*.json"))
    assert not list(internal.rglob("*.py"))  # the code is in the archive, compiled
    assert not (internal / "fastapi").exists()  # the central service is not in a kiosk
    home = tmp_path / "site"
    home.mkdir()
    env = _clean_env(home)
    wav = tmp_path / "said.wav"
    done = _run(
        [str(program), "say", "--lang", "fr", "--to", str(wav), "Appelez le 36 46."],
        env=env,
        cwd="/",
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert wav.stat().st_size > 20_000  # about a second of real speech from espeak-ng
    for lang, reference in reference_screens.items():
        shot = tmp_path / f"bundle-{lang}.png"
        done = _run(
            [str(program), "screenshot", "--lang", lang, str(shot)], env=env, cwd="/", timeout=300
        )
        assert done.returncode == 0, done.stderr
        assert _differing_share(shot, reference) < 0.001, lang  # same fonts, same layout


def test_a_bundle_command_given_bad_input_says_one_translated_sentence(built, tmp_path):
    env = {**_clean_env(tmp_path), "PASAPAS_LANGUAGE": "en"}
    done = _run([str(_program(built)), "db", "restore", str(tmp_path / "none.db")], env=env)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


# -- the locked session, under cage ------------------------------------------------------------


def _unit_command(program: Path) -> list[str]:
    """What follows `cage -d --` in the unit's ExecStart, for this program."""
    unit = ks.Plan.make(str(program), "/usr/bin/cage").files[f"{ks.UNIT_DIR}/{ks.UNIT_NAME}"]
    exec_start = next(line for line in unit.splitlines() if line.startswith("ExecStart="))
    words = shlex.split(exec_start.removeprefix("ExecStart="))
    return words[words.index("--") + 1 :]


def _kiosk_pid(session: cage.Session) -> int:
    found = []
    for task in Path(f"/proc/{session.process.pid}/task").iterdir():
        for pid in (task / "children").read_text().split():
            if b"pasapas" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(int(pid))
    assert len(found) == 1, found
    return found[0]


@pytest.mark.xvfb
def test_under_cage_the_kiosk_is_the_only_full_screen_client_and_comes_back_after_a_crash(built):
    command = _unit_command(_program(built))
    assert command == [str(_program(built)), "kiosk"]  # the locked kiosk, not --windowed
    env = {"QT_QPA_PLATFORM": "wayland", "PASAPAS_REPORT_READY": "1"}  # as the unit sets it
    first = cage.start([*command, "--demo"], env)
    try:
        match = READY.match(first.wait_for("pasapas-ready", timeout=120))
        assert match, first.lines
        width, height, screen_w, screen_h = (int(v) for v in match.groups()[:4])
        assert match.group(6) == "wayland" and match.group(5) == "fullscreen"
        assert (width, height) == (screen_w, screen_h) and screen_w >= 640
        time.sleep(1)
        assert first.clients() == 1  # the kiosk and nothing else on the compositor
        os.kill(_kiosk_pid(first), signal.SIGKILL)  # a crash
        first.process.wait(30)  # cage ends with its application: systemd sees the unit stop
        # (the unit's Restart=always and start limit: tests/installer/test_kiosk_session.py)
    finally:
        cage.cleanup(first)
    again = cage.start([*command, "--demo"], env)  # what Restart=always does two seconds later
    try:
        assert READY.match(again.wait_for("pasapas-ready", timeout=120)), again.lines
        time.sleep(1)
        assert again.clients() == 1
    finally:
        cage.cleanup(again)


# -- the Debian package, in a clean Debian root ------------------------------------------------


def test_the_package_holds_the_command_the_desktop_entry_and_its_dependencies(built):
    deb = _deb(built)
    fields = _run(["dpkg-deb", "--field", str(deb)]).stdout
    depends = re.search(r"^Depends: (.*)$", fields, re.M).group(1).split(", ")
    for needed in ("libespeak-ng1", "alsa-utils", "fonts-noto-core", "libxcb1", "libegl1"):
        assert needed in depends
    assert "postgresql" not in fields and "python3" not in depends  # self-contained, kiosk only
    assert "mbrola-fr4" in re.search(r"^Suggests: (.*)$", fields, re.M).group(1)
    assert "cage" in re.search(r"^Recommends: (.*)$", fields, re.M).group(1)
    listing = _run(["dpkg-deb", "--contents", str(deb)]).stdout
    for path in (
        "./usr/bin/pasapas -> ../lib/pasapas/pasapas",
        "./usr/lib/pasapas/pasapas",
        "./usr/sbin/pasapas-kiosk-setup",
        "./usr/share/applications/pasapas.desktop",
        "./usr/share/icons/hicolor/scalable/apps/pasapas.svg",
    ):
        assert path in listing, path
    assert " root/root " in listing and "./usr/lib/pasapas/_internal/" in listing


@pytest.fixture(scope="module")
def pristine_root() -> Iterator[Path]:
    """A minimal Debian (debootstrap's minbase), never changed: tests work on copies."""
    if os.geteuid() != 0:
        pytest.fail("installing the package into a Debian root needs root (CI runs as root)")
    if shutil.which("debootstrap") is None:
        pytest.fail("debootstrap is missing: run installer/system-deps.sh test")
    root = Path(tempfile.mkdtemp(prefix="pasapas-debian-"))
    root.chmod(0o755)
    try:
        done = _run(["debootstrap", "--variant=minbase", SUITE, str(root), MIRROR], timeout=1200)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def _copy_of(pristine: Path) -> Iterator[Path]:
    """A copy of the minimal Debian, /proc mounted; removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="pasapas-debian-copy-"))
    mounted = False
    try:
        assert _run(["cp", "-a", f"{pristine}/.", str(root)]).returncode == 0
        root.chmod(0o755)
        assert _run(["mount", "-t", "proc", "proc", str(root / "proc")]).returncode == 0
        mounted = True
        yield root
    finally:
        if mounted:
            _run(["umount", "-l", str(root / "proc")])
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def debian_root(pristine_root) -> Iterator[Path]:
    with _copy_of(pristine_root) as root:
        yield root


def _in_root(root: Path, script: str, timeout: float = 600, user: str | None = None, offline=False):
    argv = ["unshare", "--net", "chroot"] if offline else ["chroot"]
    if user:
        argv.append(f"--userspec={user}:{user}")
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "HOME": "/root"}
    return _run([*argv, str(root), "/bin/sh", "-c", script], env=env, timeout=timeout)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_package_installs_into_a_clean_debian_and_runs_sets_up_updates_and_removes(
    built, debian_root, reference_screens
):
    root = debian_root
    deb = _deb(built)
    shutil.copy(deb, root / "tmp" / deb.name)
    install = (
        "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "
        f"--no-install-recommends /tmp/{deb.name}"
    )
    done = _in_root(root, install, timeout=1200)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert (root / "usr/bin/pasapas").resolve() == root / "usr/lib/pasapas/pasapas"

    # The kiosk starts from the package with only its dependencies, and draws the same screens.
    for lang, reference in reference_screens.items():
        done = _in_root(
            root,
            "mkdir -p /tmp/h && HOME=/tmp/h QT_QPA_PLATFORM=offscreen "
            f"pasapas screenshot --lang {lang} /tmp/home-{lang}.png",
        )
        assert done.returncode == 0, done.stderr
        assert _differing_share(root / f"tmp/home-{lang}.png", reference) < 0.001, lang

    # The locked session: without cage (not a Depends, a Recommends) it says so and changes
    # nothing; with cage, the account is made by Debian's useradd, then nothing more to change.
    before = _run(["find", str(root / "etc"), "-newer", str(root / "etc/hostname")]).stdout
    done = _in_root(root, "pasapas-kiosk-setup")
    assert done.returncode == 1 and "sudo apt install cage" in done.stderr
    assert _run(["find", str(root / "etc"), "-newer", str(root / "etc/hostname")]).stdout == before
    done = _in_root(root, "DEBIAN_FRONTEND=noninteractive apt-get install -y -q cage", timeout=1200)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    done = _in_root(root, "pasapas-kiosk-setup")
    assert done.returncode == 0, done.stderr
    assert "Compte de la borne créé" in done.stdout
    assert f"\n{ks.KIOSK_USER}:" in "\n" + (root / "etc/passwd").read_text()
    unit = (root / ks.UNIT_DIR / ks.UNIT_NAME).read_text()
    assert "ExecStart=/usr/bin/cage -d -- /usr/bin/pasapas kiosk" in unit
    again = _in_root(root, "pasapas-kiosk-setup")
    assert again.stdout.strip() == "Rien à changer : tout est déjà comme il faut."

    # The site's store, as an older version left it: upgraded on first use, after a backup.
    entry = next(
        s
        for s in json.loads((FIXTURES / "stores.json").read_text())["stores"]
        if s["schema_version"] == 5
    )
    data = root / ks.KIOSK_HOME.lstrip("/") / ".local/share/pasapas"
    data.mkdir(parents=True, mode=0o700)
    shutil.copy(FIXTURES / entry["file"], data / "pasapas.db")
    _in_root(root, f"chown -R {ks.KIOSK_USER}: {ks.KIOSK_HOME}")
    check = (
        f"cd {ks.KIOSK_HOME} && HOME={ks.KIOSK_HOME} "
        f"PASAPAS_PASSPHRASE={shlex.quote(entry['passphrase'])} pasapas db check"
    )
    done = _in_root(root, check, user=ks.KIOSK_USER)
    assert done.returncode == 0, done.stdout + done.stderr
    backups = list((data / "backups").glob("before-upgrade-schema5-*.db"))
    assert len(backups) == 1
    assert backups[0].read_bytes()[:16] != b"SQLite format 3\x00"
    store_digest = _digest(data / "pasapas.db")

    # An update (the same package again, as apt does for a new version) keeps everything.
    done = _in_root(root, f"DEBIAN_FRONTEND=noninteractive dpkg -i /tmp/{deb.name}")
    assert done.returncode == 0, done.stderr
    assert _digest(data / "pasapas.db") == store_digest
    assert (root / ks.UNIT_DIR / ks.UNIT_NAME).is_file()  # the session stays set up
    done = _in_root(root, check, user=ks.KIOSK_USER)
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(list((data / "backups").glob("before-upgrade-*.db"))) == 1  # nothing to upgrade

    # Removing the package takes the session away first; the kiosk's data stays.
    done = _in_root(root, "DEBIAN_FRONTEND=noninteractive apt-get remove -y -q pasapas")
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (root / ks.UNIT_DIR / ks.UNIT_NAME).exists()
    assert not (root / ks.WANTS_LINK).exists()
    assert not (root / "usr/bin/pasapas").exists()
    assert _digest(data / "pasapas.db") == store_digest


# -- the USB kit, for a help point with no network ------------------------------------------------


def test_the_usb_kit_installs_the_kiosk_and_its_session_on_a_debian_with_no_network(
    built, pristine_root, tmp_path
):
    sys.path.insert(0, str(ROOT / "installer" / "usb"))
    import make_usb

    with _copy_of(pristine_root) as downloader:
        kit = make_usb.make_kit(_deb(built), tmp_path / "usb", minimal_root=downloader)
    names = {p.name for p in (kit / "paquets").glob("*.deb")}
    assert _deb(built).name in names and any(n.startswith("cage_") for n in names)
    assert any(n.startswith("libespeak-ng1_") for n in names)
    index = (kit / "paquets/Packages").read_text()
    assert index.count("\nPackage: ") + 1 == len(names) and "SHA256: " in index
    assert sorted(p.name for p in (kit / "contenu").glob("*.json"))
    assert "sudo sh installer.sh" in (kit / "LISEZ-MOI.txt").read_text()

    with _copy_of(pristine_root) as root:
        stick = root / "media/usb"
        shutil.copytree(kit, stick / kit.name)
        done = _in_root(root, f"sh /media/usb/{kit.name}/installer.sh", timeout=1200, offline=True)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        assert "Pas à pas est installé" in done.stdout
        done = _in_root(
            root,
            "mkdir -p /tmp/h && HOME=/tmp/h QT_QPA_PLATFORM=offscreen "
            "pasapas screenshot --lang fr /tmp/home.png && pasapas-kiosk-setup",
            offline=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert (root / "tmp/home.png").stat().st_size > 10_000
        assert (root / ks.WANTS_LINK).is_symlink()
        # The computer's own apt sources were not changed by the kit.
        assert not list((root / "etc/apt/sources.list.d").glob("*pasapas*"))
