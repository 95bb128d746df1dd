"""The locked kiosk session on Linux: what `pasapas kiosk-setup` writes, and takes away again.

A help point's computer starts straight into the kiosk and a visitor cannot leave it:

- a dedicated unprivileged account (`KIOSK_USER`, no password, no login shell) owns the kiosk's
  store, settings and backups in its home (`KIOSK_HOME`);
- `pasapas-kiosk.service` logs that account in on tty1 (a PAM session: the automatic login) and
  runs the kiosk as the only application under cage, a kiosk compositor with no desktop, no
  panel, no terminal and no shortcut (VT switching stays off: cage is started without `-s`);
- systemd restarts the kiosk whenever it stops (`Restart=always`: cage exits with status 0
  whatever its application did, so a crash and a close cannot be told apart, and closing the
  kiosk with Ctrl+Alt+Q and the admin passphrase starts a fresh one), at most `RESTART_BURST`
  times in `RESTART_WINDOW_S` seconds; past that the screen shows a login prompt whose banner
  tells staff what happened and how to see why;
- the computer never suspends (sleep targets masked, lid and sleep keys ignored), Ctrl+Alt+Del
  does not reboot it, the SysRq keys are off; the power button still shuts it down cleanly, so
  a volunteer can turn the help point off at night.

Every file is planned here as text (`plan`), then compared with what is on disk (`apply`): a run
says each thing it changes, a second run finds nothing to change, `remove` takes away only what
carries our mark (or our masks) and leaves the kiosk account's data where it is. `root` makes the
whole thing happen inside a folder (a chroot, an image being prepared, a test) instead of `/`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pasapas.app.errors import PasapasError
from pasapas.app.i18n import _

KIOSK_USER = "pasapas-kiosk"
KIOSK_HOME = "/var/lib/pasapas-kiosk"
UNIT_NAME = "pasapas-kiosk.service"
TTY = "tty1"
RESTART_BURST = 5
RESTART_WINDOW_S = 600
MARK = "Pas à pas kiosk session: written by `pasapas kiosk-setup`, removed by its --remove."
# Units masked (linked to /dev/null) so that nothing suspends the help point or reboots it from
# the keyboard.
MASKED = (
    "ctrl-alt-del.target",
    "sleep.target",
    "suspend.target",
    "hibernate.target",
    "hybrid-sleep.target",
    "suspend-then-hibernate.target",
)
UNIT_DIR = "etc/systemd/system"
WANTS_LINK = f"{UNIT_DIR}/graphical.target.wants/{UNIT_NAME}"
DEFAULT_TARGET = f"{UNIT_DIR}/default.target"
GRAPHICAL_TARGET = "/lib/systemd/system/graphical.target"
SAVED_DEFAULT = "var/lib/pasapas-kiosk-setup/default-target"  # what default.target was before


class KioskSetupError(PasapasError):
    pass


def _unit(command: str, cage: str) -> str:
    return f"""# {MARK}
[Unit]
Description=Pas à pas kiosk (cage, {TTY})
Documentation=file:///usr/share/doc/pasapas/deployment.md
After=systemd-user-sessions.service plymouth-quit-wait.service getty@{TTY}.service
After=dbus.socket systemd-logind.service
Wants=dbus.socket systemd-logind.service
Conflicts=getty@{TTY}.service
# Stopping for good ({RESTART_BURST} starts in {RESTART_WINDOW_S} s): a login prompt comes back
# on the screen, its banner (/etc/issue.d/pasapas-kiosk.issue) says why.
OnFailure=getty@{TTY}.service
StartLimitIntervalSec={RESTART_WINDOW_S}
StartLimitBurst={RESTART_BURST}

[Service]
Type=simple
User={KIOSK_USER}
WorkingDirectory=~
# The automatic login: a PAM session of the kiosk account on {TTY}, seat access from logind.
PAMName={KIOSK_USER}
TTYPath=/dev/{TTY}
TTYReset=yes
TTYVHangup=yes
TTYVTDisallocate=yes
StandardInput=tty-fail
StandardOutput=journal
StandardError=journal
UtmpIdentifier={TTY}
UtmpMode=user
Environment=XDG_SESSION_TYPE=wayland QT_QPA_PLATFORM=wayland
ExecStart={cage} -d -- {command} kiosk
Restart=always
RestartSec=2

[Install]
WantedBy=graphical.target
"""


PAM = f"""# {MARK}
# The kiosk account's automatic session: systemd opens it for the service (account and
# session stacks only); nothing may authenticate through this name.
auth      required  pam_deny.so
account   required  pam_unix.so
session   required  pam_unix.so
session   optional  pam_loginuid.so
session   required  pam_systemd.so
"""

LOGIND = f"""# {MARK}
# A help point never goes to sleep by itself; the power button shuts it down cleanly.
[Login]
HandleSuspendKey=ignore
HandleHibernateKey=ignore
HandleLidSwitch=ignore
HandleLidSwitchExternalPower=ignore
HandleLidSwitchDocked=ignore
IdleAction=ignore
HandlePowerKey=poweroff
"""

SYSCTL = f"""# {MARK}
# No SysRq key combinations at the kiosk's keyboard.
kernel.sysrq = 0
"""


def _issue() -> str:
    # Shown by the login prompt that replaces the kiosk when it stops for good: written for staff.
    return (
        f"# {MARK}\n"
        + _(
            "La borne Pas à pas est fermée : elle s'est arrêtée plusieurs fois de suite, ou "
            "quelqu'un l'a arrêtée pour l'entretien. Prévenez la personne qui s'occupe de la "
            "borne. "
            "Pour voir pourquoi : journalctl -b -u pasapas-kiosk. Pour la rouvrir : "
            "systemctl restart pasapas-kiosk (ou redémarrez l'ordinateur)."
        )
        + "\n\n"
    )


@dataclass(frozen=True)
class Plan:
    """The kiosk session for one computer: files (path under the root → text) and masks."""

    command: str
    cage: str
    files: dict[str, str] = field(default_factory=dict)

    @classmethod
    def make(cls, command: str, cage: str = "/usr/bin/cage") -> Plan:
        return cls(
            command,
            cage,
            {
                f"{UNIT_DIR}/{UNIT_NAME}": _unit(command, cage),
                f"etc/pam.d/{KIOSK_USER}": PAM,
                "etc/systemd/logind.conf.d/pasapas-kiosk.conf": LOGIND,
                "etc/sysctl.d/90-pasapas-kiosk.conf": SYSCTL,
                "etc/issue.d/pasapas-kiosk.issue": _issue(),
            },
        )


@dataclass
class Outcome:
    """What a run did (each a sentence for the site admin) and what it left for them."""

    changed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


Runner = Callable[[list[str]], None]


def _run(argv: list[str]) -> None:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise KioskSetupError(
            _("La commande {command} n'a pas pu être lancée : {reason}.").format(
                command=argv[0], reason=exc.strerror or exc
            )
        ) from exc
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise KioskSetupError(
            _("La commande {command} a échoué : {detail}").format(
                command=" ".join(argv[:2]), detail=detail[-1] if detail else done.returncode
            )
        )


def _ours(path: Path) -> bool:
    try:
        return MARK in path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def _user_exists(root: Path, user: str) -> bool:
    return _ids(root, user) is not None


def _ids(root: Path, user: str) -> tuple[int, int] | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in (root / "etc/passwd").read_text(encoding="utf-8").splitlines():
            fields = line.split(":")
            if fields[0] == user:
                return int(fields[2]), int(fields[3])
    return None


def _root_args(root: Path) -> list[str]:
    return [] if root == Path("/") else ["--root", str(root)]


def _link(path: Path, target: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.pasapas-tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    tmp.symlink_to(target)
    os.replace(tmp, path)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.pasapas-tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.chmod(0o644)
    os.replace(tmp, path)


def _live(root: Path) -> bool:
    """systemd runs this very system (not a folder being prepared)."""
    return root == Path("/") and Path("/run/systemd/system").is_dir()


def check_ready(root: Path, plan: Plan) -> None:
    """Refuse, in one sentence and before changing anything, what would leave a broken session."""
    if root == Path("/") and os.geteuid() != 0:
        raise KioskSetupError(
            _("Il faut être administrateur : relancez avec sudo. Rien n'a été modifié.")
        )
    if not (root / plan.cage.lstrip("/")).exists():
        raise KioskSetupError(
            _(
                "Le compositeur cage n'est pas installé ({path}). Installez-le "
                "(sudo apt install cage), puis relancez. Rien n'a été modifié."
            ).format(path=plan.cage)
        )
    if not (root / plan.command.lstrip("/")).exists():
        raise KioskSetupError(
            _("Le programme {path} n'existe pas. Rien n'a été modifié.").format(path=plan.command)
        )
    for relative in plan.files:
        found = root / relative
        if found.exists() and not _ours(found):
            raise KioskSetupError(
                _(
                    "Le fichier {path} existe déjà et n'a pas été écrit par Pas à pas : "
                    "déplacez-le, puis relancez. Rien n'a été modifié."
                ).format(path="/" + relative)
            )


def apply(root: Path, plan: Plan, run: Runner = _run) -> Outcome:
    """Set the kiosk session up under `root`; idempotent."""
    root = Path(root)
    check_ready(root, plan)
    out = Outcome()
    if not _user_exists(root, KIOSK_USER):
        run(
            [
                "useradd",
                *_root_args(root),
                "--system",
                "--user-group",
                "--create-home",
                "--home-dir",
                KIOSK_HOME,
                "--shell",
                "/usr/sbin/nologin",
                "--comment",
                "Pas a pas kiosk",
                KIOSK_USER,
            ]
        )
        out.changed.append(
            _("Compte de la borne créé : {user} (sans mot de passe, dossier {home}).").format(
                user=KIOSK_USER, home=KIOSK_HOME
            )
        )
    home = root / KIOSK_HOME.lstrip("/")
    if not home.is_dir():  # an account kept by an earlier --remove whose folder was deleted
        home.mkdir(parents=True, mode=0o700)
        ids = _ids(root, KIOSK_USER)
        if ids is not None:
            with contextlib.suppress(OSError):
                os.chown(home, *ids)
        out.changed.append(_("Dossier de la borne créé : {path}.").format(path=KIOSK_HOME))
    for relative, text in plan.files.items():
        path = root / relative
        try:
            same = path.read_text(encoding="utf-8") == text
        except (OSError, UnicodeDecodeError):
            same = False
        if not same:
            _write(path, text)
            out.changed.append(_("Écrit : {path}").format(path="/" + relative))
    unit_target = f"/{UNIT_DIR}/{UNIT_NAME}"
    if _readlink(root / WANTS_LINK) != unit_target:
        _link(root / WANTS_LINK, unit_target)
        out.changed.append(_("La borne démarre avec l'ordinateur ({unit}).").format(unit=UNIT_NAME))
    for unit in MASKED:
        path = root / UNIT_DIR / unit
        if _readlink(path) == "/dev/null":
            continue
        if os.path.lexists(path):
            out.warnings.append(
                _("{unit} est déjà réglé autrement sur cet ordinateur : laissé tel quel.").format(
                    unit=unit
                )
            )
            continue
        _link(path, "/dev/null")
        out.changed.append(_("Désactivé : {unit}").format(unit=unit))
    default = root / DEFAULT_TARGET
    current = _readlink(default)
    if current is not None and not current.endswith("/graphical.target"):
        saved = root / SAVED_DEFAULT
        if not saved.exists():
            _write(saved, current + "\n")
        _link(default, GRAPHICAL_TARGET)
        out.changed.append(_("L'ordinateur démarre maintenant en mode graphique."))
    for manager in ("gdm3", "gdm", "lightdm", "sddm", "lxdm", "xdm"):
        if (root / UNIT_DIR / "display-manager.service").resolve().name == f"{manager}.service":
            out.warnings.append(
                _(
                    "Un autre écran de connexion ({name}) est actif : désactivez-le "
                    "(sudo systemctl disable {name}) pour que seule la borne s'ouvre."
                ).format(name=manager)
            )
    if out.changed and _live(root):
        run(["systemctl", "daemon-reload"])
    return out


def remove(root: Path, run: Runner = _run) -> Outcome:
    """Take the kiosk session away under `root`; idempotent. The kiosk account's home (its
    encrypted store, settings and backups) stays, and the account too: say so."""
    root = Path(root)
    if root == Path("/") and os.geteuid() != 0:
        raise KioskSetupError(
            _("Il faut être administrateur : relancez avec sudo. Rien n'a été modifié.")
        )
    out = Outcome()
    if _readlink(root / WANTS_LINK) is not None:
        (root / WANTS_LINK).unlink()
        out.changed.append(
            _("La borne ne démarre plus avec l'ordinateur ({unit}).").format(unit=UNIT_NAME)
        )
    for relative in Plan.make("/usr/bin/pasapas").files:
        path = root / relative
        if path.exists() and _ours(path):
            path.unlink()
            out.changed.append(_("Retiré : {path}").format(path="/" + relative))
    for unit in MASKED:
        path = root / UNIT_DIR / unit
        if _readlink(path) == "/dev/null":
            path.unlink()
            out.changed.append(_("Réactivé : {unit}").format(unit=unit))
    saved = root / SAVED_DEFAULT
    if saved.exists():
        _link(root / DEFAULT_TARGET, saved.read_text(encoding="utf-8").strip())
        saved.unlink()
        with contextlib.suppress(OSError):
            saved.parent.rmdir()
        out.changed.append(_("L'ordinateur démarre de nouveau comme avant."))
    if _user_exists(root, KIOSK_USER):
        out.warnings.append(
            _(
                "Le compte {user} et son dossier {home} (la base chiffrée, les réglages, les "
                "sauvegardes) sont gardés. Pour tout effacer : sudo userdel -r {user}."
            ).format(user=KIOSK_USER, home=KIOSK_HOME)
        )
    if out.changed and _live(root):
        run(["systemctl", "daemon-reload"])
    return out


def _readlink(path: Path) -> str | None:
    try:
        return os.readlink(path)
    except OSError:
        return None


def installed_command() -> str:
    """The `pasapas` program the session should start: the packaged one when there is one, else
    the one on the PATH (a checkout's virtualenv)."""
    for candidate in ("/usr/bin/pasapas", shutil.which("pasapas")):
        if candidate and Path(candidate).exists():
            return str(candidate)
    return "/usr/bin/pasapas"
