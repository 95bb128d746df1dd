"""What every room's commands share on the terminal: passphrases, opening the store, and argparse
speaking the interface language.

Passphrases are asked on the terminal without echo, or read from `PASAPAS_PASSPHRASE` (and
`PASAPAS_NEW_PASSPHRASE` for `db rekey`) for automation. The command line's root is
`pasapas.cli`; each room adds its own commands with `add_commands(subparsers)`.

`log_unexpected` writes what the root needs to tell a developer about an unexpected failure to
`pasapas.log` in the log folder (mode 0600): the command's words, the kind of error and where
it happened in the code — never the error's own text, the arguments' values or any variable,
which may hold a passphrase or what a visitor typed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from pasapas.app.errors import PasapasError
from pasapas.app.i18n import N_, _, ngettext
from pasapas.app.passphrase import passphrase_problems
from pasapas.app.settings import Paths

if TYPE_CHECKING:
    from pasapas.app.store import Store

# A command's handler: given the parsed arguments and the kiosk's folders, the exit code.
Handler = Callable[[argparse.Namespace, Paths], int]


def ask(prompt: str, env: str) -> str:
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise PasapasError(
            _(
                "Pas de terminal pour demander le mot de passe : donnez-le dans la variable {env}."
            ).format(env=env)
        )
    return getpass.getpass(prompt)


def passphrase() -> str:
    return ask(_("Mot de passe de la base : "), "PASAPAS_PASSPHRASE")


def new_passphrase(env: str) -> str:
    value = os.environ.get(env)
    if value is None:
        value = ask(_("Nouveau mot de passe : "), env)
        again = ask(_("Tapez-le encore une fois : "), env)
        if value != again:
            raise PasapasError(_("Les deux mots de passe sont différents. Rien n'a été modifié."))
    problems = passphrase_problems(value)
    if problems:
        raise PasapasError(
            _("Ce mot de passe est trop faible. Rien n'a été modifié.") + "\n" + "\n".join(problems)
        )
    return value


def open_store(paths: Paths) -> Store:
    """The kiosk's store, opened with the passphrase asked (or given in the environment), its
    search index brought up to date."""
    from pasapas.app.services import open_store as open_for_use

    return open_for_use(paths, passphrase())


# -- unexpected failures --------------------------------------------------------------------------

LOG_FILENAME = "pasapas.log"
_LOG_LIMIT = 256 * 1024  # past this size the log is moved to pasapas.log.1 (one older kept)


def _described(error: BaseException) -> list[str]:
    """The error's kind and code, and its frames (file, line, function, the line of code), for
    it and each error it came from; no message and no variable."""
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = f"{type(current).__module__}.{type(current).__qualname__}"
        codes = [
            f"{name}={getattr(current, name)}"
            for name in ("errno", "sqlite_errorname")
            if getattr(current, name, None) is not None
        ]
        lines.append(" ".join([kind, *codes]))
        for frame in traceback.extract_tb(current.__traceback__):
            lines.append(f"  {frame.filename}:{frame.lineno} in {frame.name}: {frame.line or ''}")
        current = current.__cause__ or current.__context__
        if current is not None:
            lines.append("from:")
    return lines


def log_unexpected(
    log_dir: os.PathLike[str] | str, command: Sequence[str], error: BaseException
) -> os.PathLike[str] | None:
    """Append an unexpected failure to the log (see the module's note); the log's path, or None
    when it could not be written."""
    from pathlib import Path

    folder = Path(log_dir)
    path = folder / LOG_FILENAME
    entry = [
        f"{dt.datetime.now(dt.UTC).isoformat(timespec='seconds')} pasapas " + " ".join(command),
        *_described(error),
        "",
    ]
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if path.exists() and path.stat().st_size > _LOG_LIMIT:
            os.replace(path, path.with_name(LOG_FILENAME + ".1"))
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8", errors="backslashreplace") as log:
            log.write("\n".join(entry) + "\n")
    except OSError:
        return None
    return path


# -- argparse in the interface language -------------------------------------------------------
# argparse writes its own sentences ("usage:", "positional arguments", "show this help message
# and exit", its error messages) through its module's `_` and `ngettext`. While a parser is built
# and used, those are pointed at our catalogs: each English text below maps to a French message id
# that every catalog translates. A text not listed stays as argparse wrote it.

ARGPARSE_TEXTS = {
    "usage: ": N_("utilisation : "),
    "positional arguments": N_("arguments"),
    "options": N_("options"),
    "show this help message and exit": N_("afficher cette aide et s'arrêter"),
    "%(prog)s: error: %(message)s\n": N_("%(prog)s : erreur : %(message)s\n"),
    "the following arguments are required: %s": N_("il manque : %s"),
    "unrecognized arguments: %s": N_("arguments inconnus : %s"),
    "invalid choice: %(value)r (choose from %(choices)s)": N_(
        "choix inconnu : %(value)r (choisissez parmi %(choices)s)"
    ),
    "argument %(argument_name)s: %(message)s": N_("argument %(argument_name)s : %(message)s"),
    "invalid %(type)s value: %(value)r": N_("valeur incorrecte (%(type)s) : %(value)r"),
    "expected one argument": N_("une valeur est attendue"),
    "expected at least one argument": N_("au moins une valeur est attendue"),
    "ambiguous option: %(option)s could match %(matches)s": N_(
        "option ambiguë : %(option)s peut être %(matches)s"
    ),
    "not allowed with argument %s": N_("impossible avec l'argument %s"),
    "ignored explicit argument %r": N_("valeur ignorée : %r"),
}
# argparse's one plural sentence (nargs=N given fewer values).
ARGPARSE_PLURAL = ("expected %s argument", "expected %s arguments")


def _argparse_gettext(text: str) -> str:
    ours = ARGPARSE_TEXTS.get(text)
    return _(ours) if ours is not None else text


def _argparse_ngettext(singular: str, plural: str, n: int) -> str:
    if (singular, plural) == ARGPARSE_PLURAL:
        return ngettext("%s valeur attendue", "%s valeurs attendues", n)
    return singular if n == 1 else plural


@contextmanager
def argparse_in_interface_language() -> Iterator[None]:
    """Build and run parsers inside this block: argparse's own texts are translated."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._ = _argparse_gettext  # type: ignore[attr-defined]
    argparse.ngettext = _argparse_ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]
