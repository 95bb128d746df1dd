"""The `pasapas` command line's composition root.

Each room contributes its own commands (`add_commands(subparsers)` in `app/commands.py`,
`ui/commands.py`, `accessibility/commands.py`, `sync/commands.py`), and each command names its
handler directly. This module only builds the parser, in the interface language, runs the chosen
handler, and turns every failure into one sentence and a non-zero exit code, with no traceback:

- an expected failure (`PasapasError`) prints its message (exit code 1, or the error's own);
- the system refusing a file (`OSError`: a full disk, a read-only folder…) prints what and why;
- a reader that went away (`pasapas content list | head`) stops the command quietly, exit 141
  as a shell reports a program stopped by SIGPIPE;
- anything else is unexpected: logged without personal data (`terminal.log_unexpected`) and
  summarised in one sentence naming the log, exit code 70.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence

from pasapas.accessibility import commands as accessibility_commands
from pasapas.app import commands as app_commands
from pasapas.app.errors import ContentError, PasapasError, os_reason
from pasapas.app.i18n import _, set_language
from pasapas.app.languages import SUPPORTED
from pasapas.app.settings import Paths, load_settings
from pasapas.app.terminal import argparse_in_interface_language, log_unexpected
from pasapas.sync import commands as sync_commands
from pasapas.ui import commands as ui_commands

BROKEN_PIPE_EXIT = 141  # 128 + SIGPIPE
UNEXPECTED_EXIT = 70  # EX_SOFTWARE

ROOMS = (app_commands, ui_commands, accessibility_commands, sync_commands)


def build_parser() -> argparse.ArgumentParser:
    """The whole parser. Build and use it inside `argparse_in_interface_language()`."""
    parser = argparse.ArgumentParser(
        prog="pasapas",
        description=_("Pas à pas : des démarches expliquées une étape à la fois."),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar=_("COMMANDE"))
    for room in ROOMS:
        room.add_commands(sub)
    return parser


def interface_language(paths: Paths) -> str:
    """`PASAPAS_LANGUAGE` when it names a supported language, else the kiosk's own language."""
    asked = os.environ.get("PASAPAS_LANGUAGE", "")
    return asked if asked in SUPPORTED else load_settings(paths).language


def _command_words(args: argparse.Namespace | None) -> list[str]:
    """The words naming the command ("content", "import"): fixed choices, never a value."""
    if args is None:
        return []
    given = vars(args)
    words = [given.get("command"), given.get("action")]
    words += [value for name, value in given.items() if name.endswith("_action")]
    return [word for word in words if isinstance(word, str)]


def _stdout_gone() -> int:
    """The reader of our output went away: stop quietly. What is still buffered goes nowhere
    (Python would otherwise complain while flushing at exit)."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return BROKEN_PIPE_EXIT


def _say(message: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        print(message, file=sys.stderr)


def _system_refused(error: OSError) -> str:
    reason = os_reason(error.errno)
    if error.filename is not None:
        return _("Impossible d'utiliser {path} : {reason}.").format(
            path=os.fsdecode(error.filename), reason=reason
        )
    return _("Le système a refusé l'opération : {reason}.").format(reason=reason)


def _store_trouble(error: Exception, paths: Paths) -> PasapasError | None:
    """A store busy, full or that cannot be changed, for an error of SQLite itself (a statement
    run outside a transaction); None for anything else."""
    if not type(error).__module__.startswith("sqlcipher3"):
        return None
    from pasapas.app.store import store_error

    return store_error(error, paths.store)


def main(argv: Sequence[str] | None = None) -> int:
    paths = Paths.default()
    set_language(interface_language(paths))
    args = None
    try:
        try:
            with argparse_in_interface_language():
                args = build_parser().parse_args(argv)
        except SystemExit as exc:  # --help, or a usage error already explained by argparse
            sys.stdout.flush()
            return exc.code if isinstance(exc.code, int) else 2
        code = args.func(args, paths)
        sys.stdout.flush()  # a reader gone shows here, not at exit
        return code
    except BrokenPipeError:
        return _stdout_gone()
    except ContentError as exc:
        from pasapas.app.content.catalog import problems_text

        _say(exc.message)
        if exc.problems:
            _say(problems_text(exc.problems))
        return exc.exit_code
    except PasapasError as exc:
        _say(exc.message)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except EOFError:  # the terminal closed while a passphrase or a confirmation was asked
        _say(_("La saisie a été interrompue : rien n'a été modifié."))
        return 1
    except OSError as exc:
        _say(_system_refused(exc))
        return 1
    except Exception as exc:
        clear = _store_trouble(exc, paths)
        if clear is not None:  # SQLite's own error around the store's file, said clearly
            _say(clear.message)
            return clear.exit_code
        log = log_unexpected(paths.log_dir, _command_words(args), exc)
        kind = type(exc).__name__
        if log is None:
            _say(_("Erreur inattendue ({error}) : la commande s'est arrêtée.").format(error=kind))
        else:
            _say(
                _(
                    "Erreur inattendue ({error}) : la commande s'est arrêtée ; les détails, "
                    "sans données personnelles, sont dans {path}."
                ).format(error=kind, path=log)
            )
        return UNEXPECTED_EXIT


if __name__ == "__main__":
    sys.exit(main())
