"""Run a program as the locked kiosk session does: under cage, headless (wlroots' headless
backend, software rendering, no input device), as an unprivileged account, on Wayland.

cage refuses to run as root; when the suite runs as root (CI) the session runs as `nobody` in
folders it owns, as the kiosk account would in its own home."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Session:
    process: subprocess.Popen
    runtime_dir: Path
    home: Path
    lines: list[str]

    @property
    def socket(self) -> Path:
        return self.runtime_dir / "wayland-0"

    def wait_for(self, prefix: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.5)
            if ready:
                line = self.process.stdout.readline()
                if not line:
                    break
                self.lines.append(line.rstrip("\n"))
                if line.startswith(prefix):
                    return line.strip()
            elif self.process.poll() is not None:
                break
        raise AssertionError(
            f"no line starting {prefix!r}; the session said:\n" + "\n".join(self.lines)
        )

    def clients(self) -> int:
        """Connections open on the compositor's socket: one per Wayland client."""
        count = 0
        for line in Path("/proc/net/unix").read_text().splitlines()[1:]:
            fields = line.split()
            # Num RefCount Protocol Flags Type St Inode Path; St 03 = connected
            if len(fields) >= 8 and fields[7] == str(self.socket) and fields[5] == "03":
                count += 1
        return count

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def _owned_folder(parent: Path, name: str, uid: int, gid: int) -> Path:
    folder = parent / name
    folder.mkdir(mode=0o700)
    os.chown(folder, uid, gid)
    return folder


def start(command: list[str], env: dict[str, str] | None = None) -> Session:
    """cage -d -- COMMAND, headless; its output (and the program's) as lines."""
    cage = shutil.which("cage")
    if cage is None:
        raise RuntimeError("cage is missing: run installer/system-deps.sh test (package cage)")
    base = Path(tempfile.mkdtemp(prefix="pasapas-cage-"))
    base.chmod(0o755)
    prefix: list[str] = []
    uid, gid = os.getuid(), os.getgid()
    if os.geteuid() == 0:
        import pwd

        nobody = pwd.getpwnam("nobody")
        uid, gid = nobody.pw_uid, nobody.pw_gid
        prefix = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups"]
    runtime = _owned_folder(base, "run", uid, gid)
    home = _owned_folder(base, "home", uid, gid)
    full_env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "PASAPAS_HOME")
    }
    full_env.update(
        WLR_BACKENDS="headless",
        WLR_RENDERER="pixman",
        WLR_LIBINPUT_NO_DEVICES="1",
        XDG_RUNTIME_DIR=str(runtime),
        HOME=str(home),
        TMPDIR=str(home),
        **(env or {}),
    )
    process = subprocess.Popen(
        [*prefix, cage, "-d", "--", *command],
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    return Session(process, runtime, home, [])


def cleanup(session: Session) -> None:
    session.stop()
    shutil.rmtree(session.runtime_dir.parent, ignore_errors=True)
