"""Wrap the bundle (build/bundle/pasapas, made by `make bundle`) in a Debian package.

    python installer/deb/build_deb.py [--bundle build/bundle/pasapas] [--out build]

Prints the path of the .deb it wrote. The package holds:

    /usr/lib/pasapas/                the bundle (the program `pasapas` and `_internal/`)
    /usr/bin/pasapas                 a link to it
    /usr/sbin/pasapas-kiosk-setup    `pasapas kiosk-setup` for the site admin (installer/README.md)
    /usr/share/applications/pasapas.desktop, /usr/share/icons/hicolor/scalable/apps/pasapas.svg
    /usr/share/doc/pasapas/          copyright, README.md, deployment.md

Depends lists the Debian packages that own every system library the bundle links to and that it
does not carry itself (found with ldd over its binaries, owners with dpkg -S, as dpkg-shlibdeps
does for a source package), plus what it runs or loads by name: espeak-ng's library (loaded by
pyttsx3 through ctypes), aplay, the fonts for Latin, Arabic and Cyrillic. Recommends: cage and
Xwayland (the locked kiosk session). Suggests: the MBROLA voices (contrib/non-free, never
installed by us). Only the standard library: it runs with any Python 3.11.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent

# Run or loaded by name, so ldd cannot see them.
RUNTIME_DEPENDS = [
    "fonts-noto-color-emoji",  # the language picker's globe
    "libespeak-ng1",  # pyttsx3 loads it with ctypes
    "espeak-ng-data",
    "alsa-utils",  # aplay plays the voice
    "fonts-dejavu-core",
    "fonts-noto-core",  # Arabic and the other scripts
    "fontconfig",
]
RECOMMENDS = ["cage", "xwayland"]
SUGGESTS = ["mbrola", "mbrola-fr1", "mbrola-fr4", "mbrola-ar1", "mbrola-ar2", "cups"]
# Qt plugins for hardware or systems a kiosk does not use: their libraries are not dependencies
# (the plugin is simply not loaded).
OPTIONAL_PLUGINS = re.compile(
    r"(eglfs|linuxfb|vnc|vkkhrdisplay|minimalegl|wayland-brcm|qgtk3|libqtuiotouchplugin"
    r"|libqxdgdesktopportal|libqsqlmysql|libqsqlpsql|libqsqlodbc|libqsqlmimer|libqsqlibase"
    r"|libqsqloci|libqsqlite|libqtvirtualkeyboard|libqvkk|libqtposition|libqtsensors)"
)


class BuildError(Exception):
    pass


def version() -> str:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return data["project"]["version"]


def architecture() -> str:
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


def _elf_files(bundle: Path) -> list[Path]:
    found = []
    for path in sorted(bundle.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        if OPTIONAL_PLUGINS.search(path.name):
            continue
        with path.open("rb") as handle:
            if handle.read(4) == b"\x7fELF":
                found.append(path)
    return found


def system_libraries(bundle: Path) -> tuple[set[str], list[str]]:
    """(the system libraries the bundle's binaries load from outside it, those not found)."""
    internal = bundle / "_internal"
    env = {**os.environ, "LD_LIBRARY_PATH": str(internal)}
    outside: set[str] = set()
    missing: list[str] = []
    for elf in _elf_files(bundle):
        done = subprocess.run(["ldd", str(elf)], capture_output=True, text=True, env=env)
        for line in done.stdout.splitlines():
            match = re.match(r"\s*(\S+) => (not found|(\S+))", line)
            if not match:
                continue
            if match.group(2) == "not found":
                missing.append(f"{elf.relative_to(bundle)}: {match.group(1)}")
            elif not Path(match.group(3)).resolve().is_relative_to(bundle.resolve()):
                outside.add(str(Path(match.group(3))))
    return outside, missing


def owners(libraries: set[str]) -> set[str]:
    packages: set[str] = set()
    for library in sorted(libraries):
        candidates = [library, str(Path(library).resolve())]
        # usr-merge: /lib/x86_64-linux-gnu/... is recorded as such or under /usr
        candidates += [c.replace("/usr/lib/", "/lib/", 1) for c in candidates]
        candidates += [
            c.replace("/lib/", "/usr/lib/", 1) for c in candidates if c.startswith("/lib/")
        ]
        for candidate in dict.fromkeys(candidates):
            done = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
            if done.returncode == 0:
                packages.add(done.stdout.split(":", 1)[0].strip())
                break
        else:
            raise BuildError(f"no Debian package owns {library}")
    return packages


def _control(depends: list[str], size_kib: int) -> str:
    return (
        "\n".join(
            [
                "Package: pasapas",
                f"Version: {version()}",
                f"Architecture: {architecture()}",
                "Maintainer: Pas à pas <pasapas@localhost>",
                f"Installed-Size: {size_kib}",
                f"Depends: {', '.join(depends)}",
                f"Recommends: {', '.join(RECOMMENDS)}",
                f"Suggests: {', '.join(SUGGESTS)}",
                "Section: misc",
                "Priority: optional",
                "Description: kiosk that walks people through administrative procedures",
                " Pas à pas is an offline-first kiosk for digital-inclusion help points: it",
                " explains French Social Security procedures one step at a time, in large text,",
                " read aloud, in seven languages, with an encrypted local store that syncs",
                " when online.",
                " .",
                " This package holds a self-contained build (Python, Qt and the content inside).",
                " pasapas-kiosk-setup turns the computer into a locked kiosk started at boot.",
            ]
        )
        + "\n"
    )


POSTINST = """#!/bin/sh
# After an install or an update: nothing to migrate here (the kiosk backs its store up and
# upgrades it itself on its next start). A running locked kiosk keeps running the version it
# started with until it restarts; say so.
set -e
if [ "$1" = "configure" ] && [ -n "$2" ] && command -v systemctl >/dev/null 2>&1 \\
   && systemctl is-active --quiet pasapas-kiosk.service 2>/dev/null; then
  echo "Pas à pas mis à jour : la borne prendra la nouvelle version à son prochain démarrage" \\
       "(sudo systemctl restart pasapas-kiosk, ou redémarrez l'ordinateur)."
fi
exit 0
"""

PRERM = """#!/bin/sh
# Removing the package (not updating it) takes the locked kiosk session away first, so the
# computer does not boot into a program that is gone. The kiosk account's data stays.
set -e
if [ "$1" = "remove" ] && [ -e /etc/systemd/system/pasapas-kiosk.service ]; then
  /usr/lib/pasapas/pasapas kiosk-setup --remove || true
fi
exit 0
"""


def build(bundle: Path, out: Path) -> Path:
    if not (bundle / "pasapas").is_file():
        raise BuildError(f"{bundle} is not a bundle: run `make bundle` first")
    libraries, missing = system_libraries(bundle)
    if missing:
        raise BuildError(
            "the bundle needs libraries this machine lacks:\n  " + "\n  ".join(missing[:20])
        )
    depends = sorted(owners(libraries) | set(RUNTIME_DEPENDS))
    with tempfile.TemporaryDirectory(prefix="pasapas-deb-") as name:
        tree = Path(name) / "pasapas"
        lib = tree / "usr/lib/pasapas"
        shutil.copytree(bundle, lib, symlinks=True)
        (tree / "usr/bin").mkdir(parents=True)
        (tree / "usr/bin/pasapas").symlink_to("../lib/pasapas/pasapas")
        (tree / "usr/sbin").mkdir(parents=True)
        shutil.copy(HERE / "pasapas-kiosk-setup", tree / "usr/sbin/pasapas-kiosk-setup")
        apps = tree / "usr/share/applications"
        apps.mkdir(parents=True)
        shutil.copy(HERE / "pasapas.desktop", apps / "pasapas.desktop")
        icons = tree / "usr/share/icons/hicolor/scalable/apps"
        icons.mkdir(parents=True)
        shutil.copy(HERE / "pasapas.svg", icons / "pasapas.svg")
        doc = tree / "usr/share/doc/pasapas"
        doc.mkdir(parents=True)
        shutil.copy(ROOT / "README.md", doc / "README.md")
        if (ROOT / "docs/deployment.md").exists():
            shutil.copy(ROOT / "docs/deployment.md", doc / "deployment.md")
        (doc / "copyright").write_text(
            "Pas à pas\nLicense: EUPL-1.2\n"
            "The bundle carries Python, Qt (LGPL-3.0) through PySide6, SQLCipher and the other\n"
            "Python packages listed in pyproject.toml, each under its own licence.\n",
            encoding="utf-8",
        )
        for path in tree.rglob("*"):
            if path.is_symlink():
                continue
            executable = path.is_dir() or os.access(path, os.X_OK)
            path.chmod(0o755 if executable else 0o644)
        size = sum(p.stat().st_size for p in tree.rglob("*") if p.is_file() and not p.is_symlink())
        control = tree / "DEBIAN"
        control.mkdir()
        (control / "control").write_text(_control(depends, size // 1024 + 1), encoding="utf-8")
        for script, text in (("postinst", POSTINST), ("prerm", PRERM)):
            (control / script).write_text(text, encoding="utf-8")
            (control / script).chmod(0o755)
        sums = []
        for path in sorted(tree.rglob("*")):
            if path.is_file() and not path.is_symlink() and "DEBIAN" not in path.parts:
                digest = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
                sums.append(f"{digest}  {path.relative_to(tree)}")
        (control / "md5sums").write_text("\n".join(sums) + "\n", encoding="utf-8")
        out.mkdir(parents=True, exist_ok=True)
        target = out / f"pasapas_{version()}_{architecture()}.deb"
        subprocess.run(
            ["dpkg-deb", "--root-owner-group", "-Zxz", "-z6", "--build", str(tree), str(target)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "build/bundle/pasapas")
    parser.add_argument("--out", type=Path, default=ROOT / "build")
    args = parser.parse_args()
    try:
        print(build(args.bundle.resolve(), args.out.resolve()))
    except BuildError as exc:
        print(f"build_deb: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
