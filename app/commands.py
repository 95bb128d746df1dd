"""The core's commands: `pasapas db …` (the encrypted store) and `pasapas content …` (procedures).

The command line's root (`pasapas.cli`) calls `add_commands`; every handler takes the parsed
arguments and the kiosk's folders and returns the exit code. Every expected failure is a
`PasapasError`, printed by the root with no traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pasapas.app.errors import StoreError
from pasapas.app.formatting import percent
from pasapas.app.i18n import _, current_language, ngettext, pgettext
from pasapas.app.languages import SOURCE_LANGUAGE, SUPPORTED, name_in
from pasapas.app.settings import Paths, load_settings
from pasapas.app.terminal import new_passphrase, open_store, passphrase

if TYPE_CHECKING:
    from pasapas.app.content.coverage import LanguageCoverage
    from pasapas.app.content.model import Procedure
    from pasapas.app.content.validation import Problem

# Each handler imports the store, the catalog and validation when it runs: building the parser
# (`pasapas --help`, or `pasapas server run` in the service's process) loads none of them.

# -- db ------------------------------------------------------------------------------------


def cmd_db_init(args: argparse.Namespace, paths: Paths) -> int:
    from pasapas.app.services import create_store

    if paths.store.exists():
        raise StoreError(_("Une base existe déjà à l'emplacement {path}.").format(path=paths.store))
    passphrase = new_passphrase("PASAPAS_PASSPHRASE")
    store, report = create_store(paths, passphrase)
    store.close()
    print(_("Base créée : {path}").format(path=paths.store))
    print(_("Démarches intégrées : {report}").format(report=report.describe()))
    return 0


def cmd_db_check(args: argparse.Namespace, paths: Paths) -> int:
    with open_store(paths) as store:
        problems = store.check()
    if problems:
        print(_("La base a des problèmes :"), file=sys.stderr)
        for problem in problems:
            print("  " + problem, file=sys.stderr)
        return 1
    print(_("La base est en bon état."))
    return 0


def cmd_db_rekey(args: argparse.Namespace, paths: Paths) -> int:
    with open_store(paths) as store:
        new = new_passphrase("PASAPAS_NEW_PASSPHRASE")
        store.rekey(new)
    print(_("Le mot de passe a été changé."))
    return 0


def cmd_db_backup(args: argparse.Namespace, paths: Paths) -> int:
    with open_store(paths) as store:
        written = store.backup(Path(args.path))
    print(_("Sauvegarde chiffrée écrite : {path}").format(path=written))
    return 0


def cmd_db_restore(args: argparse.Namespace, paths: Paths) -> int:
    from pasapas.app.store import restore_backup

    kept = restore_backup(Path(args.path), paths.store, passphrase())
    print(_("La sauvegarde a été restaurée."))
    if kept is not None:
        print(_("L'ancienne base est gardée à côté : {path}").format(path=kept))
    return 0


# -- content ----------------------------------------------------------------------------------


_LISTED_PATHS = 3  # missing texts named in a warning before "…"


def _print_problems(problems: list[Problem]) -> None:
    from pasapas.app.content.catalog import problems_text

    print(problems_text(problems), file=sys.stderr)
    print(
        ngettext("{n} problème.", "{n} problèmes.", len(problems)).format(n=len(problems)),
        file=sys.stderr,
    )


def _translation_warnings(file: str, procedure: Procedure) -> list[str]:
    """One line per supported language the procedure is not completely translated into."""
    from pasapas.app.content.coverage import coverage

    interface = current_language()
    lines = []
    for language, found in coverage(procedure).items():
        if language == SOURCE_LANGUAGE or found.complete:
            continue
        if found.untranslated:
            message = _("non traduite")
        else:
            listed = ", ".join(found.missing[:_LISTED_PATHS])
            if len(found.missing) > _LISTED_PATHS:
                listed += ", …"
            n = found.total - found.present
            message = ngettext(
                "{n} texte sur {total} manque ({paths})",
                "{n} textes sur {total} manquent ({paths})",
                n,
            ).format(n=n, total=found.total, paths=listed)
        lines.append(
            _("avertissement : {file} : {language} : {message}").format(
                file=file, language=name_in(language, interface), message=message
            )
        )
    return lines


def cmd_content_validate(args: argparse.Namespace, paths: Paths) -> int:
    from pasapas.app.content.validation import load_named_files

    files = [Path(p) for p in args.paths]
    loaded, problems = load_named_files(files)
    # Missing translations are not errors (the kiosk shows the French text instead): warnings.
    for file, procedure in loaded:
        for line in _translation_warnings(file, procedure):
            print(line, file=sys.stderr)
    if problems:
        _print_problems(problems)
        return 1
    procedures = [procedure for _file, procedure in loaded]
    print(
        ngettext("{n} démarche valide.", "{n} démarches valides.", len(procedures)).format(
            n=len(procedures)
        )
    )
    return 0


def cmd_content_import(args: argparse.Namespace, paths: Paths) -> int:
    from pasapas.app.content.catalog import Catalog

    with open_store(paths) as store:
        report = Catalog(store).import_files([Path(p) for p in args.paths])
    print(report.describe())
    return 0


def cmd_content_list(args: argparse.Namespace, paths: Paths) -> int:
    from pasapas.app.content.catalog import Catalog

    language = load_settings(paths).language
    with open_store(paths) as store:
        items = Catalog(store).list(language, args.theme)
    for item in items:
        print(f"{item.id}\t{item.title}")
    return 0


def _coverage_table(rows: list[tuple[str, dict[str, LanguageCoverage]]], language: str) -> str:
    """Procedures down, languages across, a percentage in each cell; the totals last."""
    from pasapas.app.content.coverage import totals

    header = [pgettext("coverage table", "démarche"), *SUPPORTED]
    lines = [
        [procedure_id, *(percent(by_language[code].shown_ratio, language) for code in SUPPORTED)]
        for procedure_id, by_language in rows
    ]
    total = totals(by_language for _id, by_language in rows)
    lines.append(
        [
            pgettext("coverage table", "total"),
            *(percent(total[code].shown_ratio, language) for code in SUPPORTED),
        ]
    )
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in [header, *lines]
    )


def _missing_texts(rows: list[tuple[str, dict[str, LanguageCoverage]]], language: str) -> str:
    """For one language: each procedure not completely translated and the paths it lacks."""
    name = name_in(language, current_language())
    lines = []
    for procedure_id, by_language in rows:
        found = by_language[language]
        if found.complete:
            continue
        if found.untranslated:
            message = _("non traduite")
        else:
            n = found.total - found.present
            message = ngettext(
                "{n} texte sur {total} manque", "{n} textes sur {total} manquent", n
            ).format(n=n, total=found.total)
        lines.append(_("{procedure} : {message}").format(procedure=procedure_id, message=message))
        if not found.untranslated:  # every path would be listed: the whole file is to translate
            lines += [f"  {path}" for path in found.missing]
    if not lines:
        return _("Rien ne manque en {language}.").format(language=name)
    return "\n".join([_("Textes manquants en {language} :").format(language=name), *lines])


def cmd_content_coverage(args: argparse.Namespace, paths: Paths) -> int:
    from pasapas.app.content.catalog import Catalog
    from pasapas.app.content.coverage import coverage
    from pasapas.app.content.validation import load_named_files

    problems: list[Problem] = []
    if args.paths:
        loaded, problems = load_named_files([Path(p) for p in args.paths])
        procedures = [procedure for _file, procedure in loaded]
    else:
        # The procedures in the store, read as `content list` reads them.
        with open_store(paths) as store:
            catalog = Catalog(store)
            items = catalog.list(load_settings(paths).language)
            procedures = [catalog.get(item.id) for item in items]
    rows = [(procedure.id, coverage(procedure)) for procedure in procedures]
    rows.sort(key=lambda row: row[0])
    if rows:
        print(_coverage_table(rows, current_language()))
        if args.language:
            print()
            print(_missing_texts(rows, args.language))
    if problems:
        _print_problems(problems)
        return 1
    return 0


def cmd_content_search(args: argparse.Namespace, paths: Paths) -> int:
    from pasapas.app.content.catalog import Catalog

    language = load_settings(paths).language
    with open_store(paths) as store:
        items = Catalog(store).search(args.query, language)
    for item in items:
        print(f"{item.id}\t{item.title}")
    if not items:
        print(_("Aucune démarche trouvée."), file=sys.stderr)
        return 1
    return 0


def add_commands(sub: Any) -> None:
    """`pasapas db …` and `pasapas content …`."""
    db = sub.add_parser("db", help=_("la base chiffrée")).add_subparsers(
        dest="action", required=True, metavar=_("ACTION")
    )
    db.add_parser("init", help=_("créer la base et y mettre les démarches intégrées")).set_defaults(
        func=cmd_db_init
    )
    db.add_parser("check", help=_("vérifier que la base est saine")).set_defaults(func=cmd_db_check)
    db.add_parser("rekey", help=_("changer le mot de passe")).set_defaults(func=cmd_db_rekey)
    backup = db.add_parser("backup", help=_("écrire une copie chiffrée"))
    backup.add_argument("path", metavar=_("FICHIER"))
    backup.set_defaults(func=cmd_db_backup)
    restore = db.add_parser("restore", help=_("remplacer la base par une sauvegarde"))
    restore.add_argument("path", metavar=_("FICHIER"))
    restore.set_defaults(func=cmd_db_restore)

    content = sub.add_parser("content", help=_("les démarches")).add_subparsers(
        dest="action", required=True, metavar=_("ACTION")
    )
    validate = content.add_parser("validate", help=_("vérifier des fichiers de démarche"))
    validate.add_argument("paths", nargs="+", metavar=_("FICHIER"))
    validate.set_defaults(func=cmd_content_validate)
    imp = content.add_parser("import", help=_("importer des fichiers (tout ou rien)"))
    imp.add_argument("paths", nargs="+", metavar=_("FICHIER"))
    imp.set_defaults(func=cmd_content_import)
    listing = content.add_parser("list", help=_("lister les démarches"))
    listing.add_argument("--theme", help=_("seulement ce thème"))
    listing.set_defaults(func=cmd_content_list)
    cover = content.add_parser(
        "coverage",
        help=_("la part des textes traduits, par démarche et par langue"),
        description=_(
            "Sans FICHIER : les démarches de la base. "
            "Avec --language : les textes qui manquent dans cette langue."
        ),
    )
    cover.add_argument("paths", nargs="*", metavar=_("FICHIER"))
    cover.add_argument(
        "--language",
        choices=SUPPORTED,
        metavar=_("LANGUE"),
        help=_("lister les textes qui manquent dans cette langue ({languages})").format(
            languages=", ".join(SUPPORTED)
        ),
    )
    cover.set_defaults(func=cmd_content_coverage)
    search = content.add_parser("search", help=_("chercher une démarche"))
    search.add_argument("query", metavar=_("MOTS"))
    search.set_defaults(func=cmd_content_search)
