"""The kit for a help point with no network: everything to install Pas à pas from a USB stick.

    sudo .venv/bin/python installer/usb/make_usb.py [--deb build/pasapas_….deb] [--out build/usb]

Writes build/usb/pasapas-<version>/ (copy that folder onto the stick):

    LISEZ-MOI.txt          the steps, in French (docs/deployment.md says the same)
    installer.sh           installs from the stick, without network: `sudo sh installer.sh`
    paquets/               pasapas_<version>_<arch>.deb and every Debian package it and cage
                           need that a minimal Debian 12 lacks, with their index (Packages)
    contenu/               the procedures as JSON, for `pasapas content import`

Which packages: a minimal Debian of the same release (debootstrap --variant=minbase, in a
temporary folder; needs root and the network, on the machine that makes the kit) is asked to
download, and not install, the package and cage. The stick's folder is then an apt repository of
its own: `installer.sh` points apt at it alone (no change to the computer's sources), so apt takes
from it only what the computer lacks.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "installer" / "deb"))
from build_deb import architecture, version  # noqa: E402

MIRROR = os.environ.get("PASAPAS_DEBIAN_MIRROR", "http://deb.debian.org/debian")
SUITE = "bookworm"
EXTRA = ["cage", "xwayland"]  # the locked session (the package recommends them)


class KitError(Exception):
    pass


def _run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise KitError(f"{' '.join(argv[:3])}…: {(done.stderr or done.stdout).strip()[-1500:]}")
    return done


def download_dependencies(deb: Path, into: Path, minimal_root: Path | None = None) -> None:
    """Every .deb that installing `deb` and EXTRA into a minimal Debian would download; in
    `minimal_root` when given (a fresh minbase root, whose apt cache this fills), else in one
    made here and removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="pasapas-kit-root-") as name:
        root = minimal_root or Path(name)
        if minimal_root is None:
            _run(["debootstrap", "--variant=minbase", SUITE, str(root), MIRROR], timeout=1800)
        shutil.copy(deb, root / "tmp" / deb.name)
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND": "noninteractive"}
        script = (
            "apt-get update -q && apt-get install -y -q --download-only "
            f"--no-install-recommends /tmp/{deb.name} {' '.join(EXTRA)}"
        )
        _run(["chroot", str(root), "/bin/sh", "-c", script], env=env, timeout=1800)
        for package in sorted((root / "var/cache/apt/archives").glob("*.deb")):
            shutil.copy(package, into / package.name)


def write_index(folder: Path) -> None:
    """The apt index of a flat repository (`deb [trusted=yes] file:FOLDER ./`)."""
    stanzas = []
    for package in sorted(folder.glob("*.deb")):
        control = _run(["dpkg-deb", "--field", str(package)]).stdout.rstrip("\n")
        data = package.read_bytes()
        stanzas.append(
            control
            + f"\nFilename: ./{package.name}\nSize: {len(data)}"
            + f"\nMD5sum: {hashlib.md5(data, usedforsecurity=False).hexdigest()}"
            + f"\nSHA256: {hashlib.sha256(data).hexdigest()}\n"
        )
    text = "\n".join(stanzas)
    (folder / "Packages").write_text(text, encoding="utf-8")
    with gzip.open(folder / "Packages.gz", "wt", encoding="utf-8") as packed:
        packed.write(text)


def make_kit(deb: Path, out: Path, minimal_root: Path | None = None) -> Path:
    kit = out / f"pasapas-{version()}"
    if kit.exists():
        shutil.rmtree(kit)
    packages = kit / "paquets"
    packages.mkdir(parents=True)
    download_dependencies(deb, packages, minimal_root)
    shutil.copy(deb, packages / deb.name)
    write_index(packages)
    content = kit / "contenu"
    content.mkdir()
    for procedure in sorted((ROOT / "app/content/builtin").glob("*.json")):
        shutil.copy(procedure, content / procedure.name)
    shutil.copy(HERE / "installer.sh", kit / "installer.sh")
    (kit / "installer.sh").chmod(0o755)
    shutil.copy(HERE / "LISEZ-MOI.txt", kit / "LISEZ-MOI.txt")
    return kit


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deb", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "build/usb")
    args = parser.parse_args()
    deb = args.deb or ROOT / "build" / f"pasapas_{version()}_{architecture()}.deb"
    if not deb.is_file():
        print(f"make_usb: {deb} is missing: run `make deb` first", file=sys.stderr)
        return 1
    if os.geteuid() != 0:
        print("make_usb: run as root (debootstrap and chroot): sudo make usb", file=sys.stderr)
        return 1
    try:
        print(make_kit(deb.resolve(), args.out.resolve()))
    except KitError as exc:
        print(f"make_usb: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
