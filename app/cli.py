"""The `pasapas` command line: the store, the content, and the kiosk itself.

Every expected failure is a `PasapasError`: its message is printed, with no traceback, and the exit
code is non-zero. Passphrases are asked on the terminal without echo, or read from
`PASAPAS_PASSPHRASE` (and `PASAPAS_NEW_PASSPHRASE` for `db rekey`) for automation.
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pasapas.app.content import builtin_files
from pasapas.app.content.catalog import Catalog, problems_text
from pasapas.app.content.coverage import LanguageCoverage, coverage, totals
from pasapas.app.content.model import Procedure
from pasapas.app.content.validation import Problem, load_named_files
from pasapas.app.errors import ContentError, PasapasError, StoreError
from pasapas.app.formatting import percent
from pasapas.app.i18n import _, current_language, ngettext, pgettext, set_language
from pasapas.app.languages import SOURCE_LANGUAGE, SUPPORTED, name_in
from pasapas.app.passphrase import passphrase_problems
from pasapas.app.settings import Paths, load_settings
from pasapas.app.store import Store, restore_backup


def _ask(prompt: str, env: str) -> str:
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


def _passphrase() -> str:
    return _ask(_("Mot de passe de la base : "), "PASAPAS_PASSPHRASE")


def _new_passphrase(env: str) -> str:
    value = os.environ.get(env)
    if value is None:
        value = _ask(_("Nouveau mot de passe : "), env)
        again = _ask(_("Tapez-le encore une fois : "), env)
        if value != again:
            raise PasapasError(_("Les deux mots de passe sont différents. Rien n'a été modifié."))
    problems = passphrase_problems(value)
    if problems:
        raise PasapasError(
            _("Ce mot de passe est trop faible. Rien n'a été modifié.") + "\n" + "\n".join(problems)
        )
    return value


def _open_store(paths: Paths) -> Store:
    return Store.open(paths.store, _passphrase())


# -- db ------------------------------------------------------------------------------------


def cmd_db_init(args: argparse.Namespace, paths: Paths) -> int:
    if paths.store.exists():
        raise StoreError(_("Une base existe déjà à l'emplacement {path}.").format(path=paths.store))
    passphrase = _new_passphrase("PASAPAS_PASSPHRASE")
    paths.ensure()
    store = Store.create(paths.store, passphrase)
    try:
        report = Catalog(store).import_files(builtin_files())
    except PasapasError:
        store.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{paths.store}{suffix}").unlink(missing_ok=True)
        raise
    store.close()
    print(_("Base créée : {path}").format(path=paths.store))
    print(_("Démarches intégrées : {report}").format(report=report.describe()))
    return 0


def cmd_db_check(args: argparse.Namespace, paths: Paths) -> int:
    with _open_store(paths) as store:
        problems = store.check()
    if problems:
        print(_("La base a des problèmes :"), file=sys.stderr)
        for problem in problems:
            print("  " + problem, file=sys.stderr)
        return 1
    print(_("La base est en bon état."))
    return 0


def cmd_db_rekey(args: argparse.Namespace, paths: Paths) -> int:
    with _open_store(paths) as store:
        new = _new_passphrase("PASAPAS_NEW_PASSPHRASE")
        store.rekey(new)
    print(_("Le mot de passe a été changé."))
    return 0


def cmd_db_backup(args: argparse.Namespace, paths: Paths) -> int:
    with _open_store(paths) as store:
        written = store.backup(Path(args.path))
    print(_("Sauvegarde chiffrée écrite : {path}").format(path=written))
    return 0


def cmd_db_restore(args: argparse.Namespace, paths: Paths) -> int:
    kept = restore_backup(Path(args.path), paths.store, _passphrase())
    print(_("La sauvegarde a été restaurée."))
    if kept is not None:
        print(_("L'ancienne base est gardée à côté : {path}").format(path=kept))
    return 0


# -- content ----------------------------------------------------------------------------------


_LISTED_PATHS = 3  # missing texts named in a warning before "…"


def _print_problems(problems: list[Problem]) -> None:
    print(problems_text(problems), file=sys.stderr)
    print(
        ngettext("{n} problème.", "{n} problèmes.", len(problems)).format(n=len(problems)),
        file=sys.stderr,
    )


def _translation_warnings(file: str, procedure: Procedure) -> list[str]:
    """One line per supported language the procedure is not completely translated into."""
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
    with _open_store(paths) as store:
        report = Catalog(store).import_files([Path(p) for p in args.paths])
    print(report.describe())
    return 0


def cmd_content_list(args: argparse.Namespace, paths: Paths) -> int:
    language = load_settings(paths).language
    with _open_store(paths) as store:
        items = Catalog(store).list(language, args.theme)
    for item in items:
        print(f"{item.id}\t{item.title}")
    return 0


def _coverage_table(rows: list[tuple[str, dict[str, LanguageCoverage]]], language: str) -> str:
    """Procedures down, languages across, a percentage in each cell; the totals last."""
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
    problems: list[Problem] = []
    if args.paths:
        loaded, problems = load_named_files([Path(p) for p in args.paths])
        procedures = [procedure for _file, procedure in loaded]
    else:
        # The procedures in the store, read as `content list` reads them.
        with _open_store(paths) as store:
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
    language = load_settings(paths).language
    with _open_store(paths) as store:
        items = Catalog(store).search(args.query, language)
    for item in items:
        print(f"{item.id}\t{item.title}")
    if not items:
        print(_("Aucune démarche trouvée."), file=sys.stderr)
        return 1
    return 0


# -- kiosk ----------------------------------------------------------------------------------


def cmd_kiosk(args: argparse.Namespace, paths: Paths) -> int:
    # Imported here so that the core never loads Qt unless the kiosk is asked for.
    run_kiosk = importlib.import_module("pasapas.ui.main").run_kiosk
    return run_kiosk(demo=args.demo, windowed=args.windowed, paths=paths)


def _offscreen() -> None:
    """Audit and screenshots render without a screen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def cmd_a11y_audit(args: argparse.Namespace, paths: Paths) -> int:
    _offscreen()
    run_audit = importlib.import_module("pasapas.ui.audit_driver").run_audit
    result = run_audit(language=args.lang)
    for violation in result.violations:
        print(violation)
    print(
        _("{checks}, {problems}.").format(
            checks=ngettext("{n} vérification", "{n} vérifications", result.checks).format(
                n=result.checks
            ),
            problems=ngettext("{n} problème", "{n} problèmes", len(result.violations)).format(
                n=len(result.violations)
            ),
        )
    )
    return 0 if not result.violations else 1


def cmd_screenshot(args: argparse.Namespace, paths: Paths) -> int:
    _offscreen()
    screenshot = importlib.import_module("pasapas.ui.audit_driver").screenshot
    width, _x, height = args.size.lower().partition("x")
    valid = width.isdigit() and height.isdigit()
    if not valid or not (320 <= int(width) <= 7680 and 240 <= int(height) <= 7680):
        raise PasapasError(
            _("Taille de fenêtre incorrecte : « {size} » (par exemple : 1280x800).").format(
                size=args.size
            )
        )
    out = screenshot(
        Path(args.out),
        screen=args.screen,
        procedure=args.procedure,
        step=args.step,
        theme_id=args.theme,
        scale=args.scale,
        language=args.lang,
        size=(int(width), int(height)),
    )
    print(_("Image écrite : {path}").format(path=out))
    return 0


def cmd_say(args: argparse.Namespace, paths: Paths) -> int:
    # Imported here: the speech engine runs in worker processes only when asked for.
    speech = importlib.import_module("pasapas.accessibility.speech")
    if args.to:
        speech.synthesize_to_file(args.text, args.lang, args.rate, Path(args.to))
        print(_("Fichier son écrit : {path}").format(path=args.to))
    else:
        speech.speak_and_wait(args.text, args.lang, args.rate)
    return 0


# -- sync and server (imported only when asked for: the server is an optional extra) -------------


def cmd_sync(args: argparse.Namespace, paths: Paths) -> int:
    commands = importlib.import_module("pasapas.sync.commands")
    with _open_store(paths) as store:
        return getattr(commands, args.sync_command)(args, store)


def cmd_server(args: argparse.Namespace, paths: Paths) -> int:
    try:
        admin = importlib.import_module("pasapas.sync.server.admin")
    except ModuleNotFoundError as exc:
        raise PasapasError(
            _(
                "Le service central n'est pas installé ({module}) : pip install 'pasapas[server]'."
            ).format(module=exc.name)
        ) from exc
    return getattr(admin, args.server_command)(args)


def _add_sync_parsers(sub: Any) -> None:
    sync = sub.add_parser("sync", help=_("la synchronisation avec le service central"))
    actions = sync.add_subparsers(dest="action", required=True, metavar=_("ACTION"))
    enroll = actions.add_parser("enroll", help=_("inscrire la borne avec un code à usage unique"))
    enroll.add_argument("url", metavar=_("ADRESSE"))
    enroll.add_argument("code", metavar=_("CODE"))
    enroll.add_argument(
        "--ca-bundle", default="", metavar=_("FICHIER"), help=_("certificats d'autorité à utiliser")
    )
    enroll.add_argument(
        "--allow-http",
        action="store_true",
        help=_("permettre le HTTP simple vers cette machine (développement)"),
    )
    enroll.add_argument("--name", default="", help=_("un nom pour reconnaître la borne"))
    enroll.set_defaults(func=cmd_sync, sync_command="enroll")
    actions.add_parser("now", help=_("synchroniser maintenant")).set_defaults(
        func=cmd_sync, sync_command="now"
    )
    actions.add_parser("status", help=_("état de la synchronisation")).set_defaults(
        func=cmd_sync, sync_command="status"
    )


def _add_server_parsers(sub: Any) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database",
        metavar=_("URL"),
        help=_("base du service (par défaut : SQLite dans son dossier ; ou postgresql://…)"),
    )
    server = sub.add_parser("server", help=_("le service central (extra « server »)"))
    actions = server.add_subparsers(dest="action", required=True, metavar=_("ACTION"))
    run = actions.add_parser("run", parents=[common], help=_("lancer le service"))
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8443)
    run.add_argument("--tls-cert", metavar=_("FICHIER"), help=_("certificat TLS (PEM)"))
    run.add_argument("--tls-key", metavar=_("FICHIER"), help=_("clé du certificat TLS (PEM)"))
    run.set_defaults(func=cmd_server, server_command="run")
    site = actions.add_parser("site", help=_("les lieux")).add_subparsers(
        dest="site_action", required=True, metavar=_("ACTION")
    )
    site_add = site.add_parser("add", parents=[common], help=_("ajouter un lieu"))
    site_add.add_argument("name", metavar=_("NOM"))
    site_add.set_defaults(func=cmd_server, server_command="site_add")
    code = actions.add_parser(
        "enroll-code", parents=[common], help=_("un code d'inscription à usage unique")
    )
    code.add_argument("site", metavar=_("LIEU"))
    code.add_argument("--hours", type=int, default=24, help=_("durée de validité en heures"))
    code.set_defaults(func=cmd_server, server_command="enroll_code")
    key_option = argparse.ArgumentParser(add_help=False)
    key_option.add_argument("--key", metavar=_("FICHIER"), help=_("clé privée de l'éditeur"))
    actions.add_parser(
        "keygen", parents=[common, key_option], help=_("créer la clé de l'éditeur")
    ).set_defaults(func=cmd_server, server_command="keygen")
    publish = actions.add_parser(
        "publish", parents=[common, key_option], help=_("valider, signer et publier")
    )
    publish.add_argument("paths", nargs="+", metavar=_("FICHIER"))
    publish.set_defaults(func=cmd_server, server_command="publish")
    withdraw = actions.add_parser(
        "withdraw", parents=[common, key_option], help=_("retirer des démarches publiées")
    )
    withdraw.add_argument("ids", nargs="+", metavar=_("ID"))
    withdraw.set_defaults(func=cmd_server, server_command="withdraw")
    device = actions.add_parser("device", help=_("les bornes inscrites")).add_subparsers(
        dest="device_action", required=True, metavar=_("ACTION")
    )
    revoke = device.add_parser("revoke", parents=[common], help=_("révoquer une borne"))
    revoke.add_argument("id", metavar=_("ID"))
    revoke.set_defaults(func=cmd_server, server_command="device_revoke")
    device.add_parser("list", parents=[common], help=_("lister les bornes")).set_defaults(
        func=cmd_server, server_command="device_list"
    )
    actions.add_parser("stats", parents=[common], help=_("chiffres du service")).set_defaults(
        func=cmd_server, server_command="stats"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pasapas",
        description=_("Pas à pas : des démarches expliquées une étape à la fois."),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar=_("COMMANDE"))

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

    kiosk = sub.add_parser("kiosk", help=_("ouvrir la borne"))
    kiosk.add_argument(
        "--demo", action="store_true", help=_("base jetable avec les démarches intégrées")
    )
    kiosk.add_argument(
        "--windowed", action="store_true", help=_("dans une fenêtre (pour le développement)")
    )
    kiosk.set_defaults(func=cmd_kiosk)

    audit = sub.add_parser(
        "a11y-audit", help=_("vérifier l'accessibilité de chaque écran, thème et taille")
    )
    audit.add_argument("--lang", default="fr", help=_("langue de l'interface"))
    audit.set_defaults(func=cmd_a11y_audit)
    shot = sub.add_parser("screenshot", help=_("enregistrer l'image d'un écran (PNG)"))
    shot.add_argument("--screen", default="home", help=_("nom de l'écran"))
    shot.add_argument("--procedure", help=_("identifiant de la démarche"))
    shot.add_argument("--step", help=_("identifiant de l'étape"))
    shot.add_argument("--theme", default="standard", help=_("thème de couleurs"))
    shot.add_argument("--scale", type=int, default=100, help=_("taille du texte en %%"))
    shot.add_argument("--lang", default="fr", help=_("langue de l'interface"))
    shot.add_argument(
        "--size",
        default="1280x800",
        help=_("taille de la fenêtre en pixels (par exemple 1280x1600)"),
    )
    shot.add_argument("out", metavar=_("IMAGE.png"))
    shot.set_defaults(func=cmd_screenshot)
    say = sub.add_parser("say", help=_("lire un texte à voix haute, ou l'écrire en WAV"))
    say.add_argument("--lang", default="fr", help=_("langue du texte (fr, en, ar, uk…)"))
    say.add_argument("--rate", default="normal", help=_("vitesse : slow (lente) ou normal"))
    say.add_argument("--to", metavar=_("FICHIER.wav"), help=_("écrire le son dans ce fichier"))
    say.add_argument("text", metavar=_("TEXTE"))
    say.set_defaults(func=cmd_say)
    _add_sync_parsers(sub)
    _add_server_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    paths = Paths.default()
    set_language(load_settings(paths).language)
    args = build_parser().parse_args(argv)
    try:
        return args.func(args, paths)
    except ContentError as exc:
        print(exc.message, file=sys.stderr)
        if exc.problems:
            print(problems_text(exc.problems), file=sys.stderr)
        return exc.exit_code
    except PasapasError as exc:
        print(exc.message, file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
