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
    from pasapas.app.instance import refuse_while_running

    refuse_while_running(paths, action="rekey")  # a running kiosk would fail every later visit
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
    from pasapas.app.instance import refuse_while_running
    from pasapas.app.store import restore_backup

    refuse_while_running(paths, action="restore")  # a running kiosk would write to the old file
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


# -- reports, statistics, retention ---------------------------------------------------------


def _day(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{value} n'est pas une date AAAA-MM-JJ.").format(value=text)
        ) from None


def cmd_reports_export(args: argparse.Namespace, paths: Paths) -> int:
    from pasapas.app.reports import export_reports

    settings = load_settings(paths)
    with open_store(paths) as store:
        rows = export_reports(store, args.start, args.end, Path(args.path), settings)
    print(
        ngettext(
            "{n} compte-rendu écrit dans {path}", "{n} comptes-rendus écrits dans {path}", rows
        ).format(n=rows, path=args.path)
    )
    return 0


def cmd_stats_export(args: argparse.Namespace, paths: Paths) -> int:
    from pasapas.app.stats import Period, activity, export_stats_csv

    period = Period(args.start, args.end)
    with open_store(paths) as store:
        written = export_stats_csv(activity(store, period), Path(args.path), store=store)
    print(_("Statistiques écrites dans {path}").format(path=written))
    return 0


def cmd_retention_purge(args: argparse.Namespace, paths: Paths) -> int:
    import datetime as dt

    from pasapas.app.retention import purge

    months = load_settings(paths).retention_months
    with open_store(paths) as store:
        report = purge(store, dt.date.today(), months)
    visits = ngettext("{n} visite", "{n} visites", report.visit_events).format(
        n=report.visit_events
    )
    reports = ngettext("{n} compte-rendu", "{n} comptes-rendus", report.reports).format(
        n=report.reports
    )
    print(
        _(
            "Purge faite (conservation : {months} mois) : {visits} et {reports} d'avant le "
            "{day} ne sont plus gardés qu'en totaux mensuels."
        ).format(
            months=months,
            visits=visits,
            reports=reports,
            day=report.cutoff.isoformat() if report.cutoff else "",
        )
    )
    return 0


def _add_activity_commands(sub: Any) -> None:
    """`pasapas reports export`, `pasapas stats export`, `pasapas retention purge`."""

    def period_arguments(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--from",
            dest="start",
            type=_day,
            required=True,
            metavar=_("AAAA-MM-JJ"),
            help=_("premier jour"),
        )
        parser.add_argument(
            "--to",
            dest="end",
            type=_day,
            required=True,
            metavar=_("AAAA-MM-JJ"),
            help=_("dernier jour (compris)"),
        )

    reports = sub.add_parser(
        "reports", help=_("les comptes-rendus d'accompagnement")
    ).add_subparsers(dest="action", required=True, metavar=_("ACTION"))
    export = reports.add_parser(
        "export",
        help=_("écrire les comptes-rendus d'une période en CSV ou XLSX (format de la Coop)"),
    )
    period_arguments(export)
    export.add_argument("path", metavar=_("FICHIER.csv|FICHIER.xlsx"))
    export.set_defaults(func=cmd_reports_export)

    stats = sub.add_parser("stats", help=_("les statistiques du lieu")).add_subparsers(
        dest="action", required=True, metavar=_("ACTION")
    )
    stats_export = stats.add_parser(
        "export", help=_("écrire les statistiques d'une période en CSV")
    )
    period_arguments(stats_export)
    stats_export.add_argument("path", metavar=_("FICHIER.csv"))
    stats_export.set_defaults(func=cmd_stats_export)

    retention = sub.add_parser("retention", help=_("la durée de conservation")).add_subparsers(
        dest="action", required=True, metavar=_("ACTION")
    )
    retention.add_parser(
        "purge",
        help=_("ne garder que les totaux mensuels de ce qui a passé la durée de conservation"),
    ).set_defaults(func=cmd_retention_purge)


# -- staff, audit, privacy ----------------------------------------------------------------------


def _ask_new_secret() -> str:
    """A new PIN (6 digits or more) or passphrase, typed twice, or `PASAPAS_STAFF_SECRET`."""
    import os

    from pasapas.app.errors import PasapasError
    from pasapas.app.staff import secret_problems
    from pasapas.app.terminal import ask

    env = "PASAPAS_STAFF_SECRET"
    secret = ask(_("Code (au moins 6 chiffres) ou mot de passe du compte : "), env)
    if os.environ.get(env) is None and ask(_("Tapez-le encore une fois : "), env) != secret:
        raise PasapasError(_("Les deux codes sont différents. Rien n'a été modifié."))
    problems = secret_problems(secret)
    if problems:
        raise PasapasError(" ".join(problems) + " " + _("Rien n'a été modifié."))
    return secret


def cmd_staff_add(args: argparse.Namespace, paths: Paths) -> int:
    from pasapas.app.staff import StaffAccounts, role_label

    with open_store(paths) as store:
        accounts = StaffAccounts(store)
        secret = _ask_new_secret()
        account = accounts.create(args.name, args.role, secret)
    print(
        _("Compte créé : {name} ({role}).").format(
            name=account.display_name, role=role_label(account.role)
        )
    )
    return 0


def cmd_staff_list(args: argparse.Namespace, paths: Paths) -> int:
    import datetime as dt

    from pasapas.app.staff import StaffAccounts, role_label

    with open_store(paths) as store:
        found = StaffAccounts(store).accounts(include_inactive=args.all)
    if not found:
        print(_("Aucun compte d'équipe."), file=sys.stderr)
        return 1
    now = dt.datetime.now(dt.UTC)
    for account in found:
        if not account.active:
            state = _("inactif")
        elif account.locked_until is not None and account.locked_until > now:
            state = _("en attente jusqu'à {time}").format(
                time=account.locked_until.astimezone().strftime("%H:%M:%S")
            )
        else:
            state = _("actif")
        last = account.last_login_on.isoformat() if account.last_login_on else "-"
        print(f"{account.display_name}\t{role_label(account.role)}\t{state}\t{last}")
    return 0


def cmd_staff_reset(args: argparse.Namespace, paths: Paths) -> int:
    from pasapas.app.staff import StaffAccounts

    with open_store(paths) as store:
        accounts = StaffAccounts(store)
        account = accounts.find(args.name)
        secret = _ask_new_secret()
        accounts.reset_secret(account.id, secret, actor="")
    print(_("Nouveau code enregistré pour {name}.").format(name=account.display_name))
    return 0


def cmd_staff_unlock(args: argparse.Namespace, paths: Paths) -> int:
    from pasapas.app.staff import StaffAccounts

    with open_store(paths) as store:
        accounts = StaffAccounts(store)
        account = accounts.find(args.name)
        accounts.unlock(account.id, actor="")
    print(_("{name} peut se connecter à nouveau.").format(name=account.display_name))
    return 0


def cmd_audit_verify(args: argparse.Namespace, paths: Paths) -> int:
    from pasapas.app.audit import AuditLog

    with open_store(paths) as store:
        report = AuditLog(store).verify()
    if report.ok:
        print(
            ngettext(
                "La chaîne du journal est intacte ({n} entrée).",
                "La chaîne du journal est intacte ({n} entrées).",
                report.entries,
            ).format(n=report.entries)
        )
        return 0
    if report.problem_seq is not None:
        message = _(
            "Le journal a été modifié : l'entrée n° {seq} a été changée, supprimée ou déplacée."
        ).format(seq=report.problem_seq)
    else:
        message = _("Le journal a été modifié : ses dernières entrées ont été supprimées.")
    print(message, file=sys.stderr)
    return 1


def cmd_audit_show(args: argparse.Namespace, paths: Paths) -> int:
    import json

    from pasapas.app.audit import AuditLog

    with open_store(paths) as store:
        entries = AuditLog(store).entries(limit=args.limit)
    for entry in reversed(entries):
        detail = json.dumps(entry.detail, ensure_ascii=False, sort_keys=True)
        print(f"{entry.seq}\t{entry.at}\t{entry.action}\t{entry.actor or '-'}\t{detail}")
    return 0


def cmd_privacy_export(args: argparse.Namespace, paths: Paths) -> int:
    import json
    import os

    from pasapas.app.privacy import export_subject
    from pasapas.app.staff import StaffAccounts

    out = Path(args.path)
    with open_store(paths) as store:
        account = StaffAccounts(store).find(args.staff)
        data = export_subject(store, account.id)
    # Personal data: readable by its owner only, and never half-written.
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(data, file, ensure_ascii=False, indent=2)
            file.write("\n")
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        from pasapas.app.errors import os_reason

        raise StoreError(
            _("Impossible d'écrire le fichier {path} : {reason}").format(
                path=out, reason=os_reason(exc.errno)
            )
        ) from exc
    print(_("Données de {name} exportées : {path}").format(name=account.display_name, path=out))
    return 0


def cmd_privacy_erase(args: argparse.Namespace, paths: Paths) -> int:
    from pasapas.app.errors import PasapasError
    from pasapas.app.privacy import erase_subject
    from pasapas.app.staff import StaffAccounts

    with open_store(paths) as store:
        account = StaffAccounts(store).find(args.staff)
        if not args.yes:
            if not sys.stdin or not sys.stdin.isatty():
                raise PasapasError(
                    _("Pas de terminal pour confirmer : ajoutez --yes pour effacer ce compte.")
                )
            answer = input(
                _(
                    "Effacer le compte « {name} » et son nom de ses comptes-rendus, ici et sur "
                    "le service central ? Tapez « oui » pour confirmer : "
                ).format(name=account.display_name)
            )
            if answer.strip().lower() not in (_("oui"), "oui"):
                print(_("Rien n'a été effacé."))
                return 1
        result = erase_subject(store, account.id, actor="")
    print(
        ngettext(
            "Compte effacé ; {n} compte-rendu ne porte plus son nom.",
            "Compte effacé ; {n} comptes-rendus ne portent plus son nom.",
            result.reports_anonymised,
        ).format(n=result.reports_anonymised)
    )
    return 0


def _add_staff_commands(sub: Any) -> None:
    """`pasapas staff …`, `pasapas audit …` and `pasapas privacy …`."""
    from pasapas.app.staff import ROLES

    staff = sub.add_parser("staff", help=_("les comptes de l'équipe")).add_subparsers(
        dest="action", required=True, metavar=_("ACTION")
    )
    add = staff.add_parser("add", help=_("créer un compte (le code est demandé deux fois)"))
    add.add_argument("--name", required=True, metavar=_("NOM"), help=_("le nom affiché"))
    add.add_argument("--role", required=True, choices=ROLES, metavar=_("RÔLE"),
                     help=_("le rôle ({roles})").format(roles=", ".join(ROLES)))  # fmt: skip
    add.set_defaults(func=cmd_staff_add)
    listing = staff.add_parser("list", help=_("lister les comptes"))
    listing.add_argument("--all", action="store_true", help=_("avec les comptes inactifs"))
    listing.set_defaults(func=cmd_staff_list)
    reset = staff.add_parser("reset", help=_("donner un nouveau code à un compte"))
    reset.add_argument("name", metavar=_("NOM"))
    reset.set_defaults(func=cmd_staff_reset)
    unlock = staff.add_parser("unlock", help=_("arrêter l'attente après trop d'essais"))
    unlock.add_argument("name", metavar=_("NOM"))
    unlock.set_defaults(func=cmd_staff_unlock)

    audit = sub.add_parser("audit", help=_("le journal des actions de l'équipe")).add_subparsers(
        dest="action", required=True, metavar=_("ACTION")
    )
    audit.add_parser("verify", help=_("vérifier que le journal n'a pas été modifié")).set_defaults(
        func=cmd_audit_verify
    )
    show = audit.add_parser("show", help=_("afficher les dernières entrées"))
    show.add_argument("--limit", type=int, default=50, metavar=_("NOMBRE"),
                      help=_("combien d'entrées (50 par défaut)"))  # fmt: skip
    show.set_defaults(func=cmd_audit_show)

    privacy = sub.add_parser(
        "privacy", help=_("les droits des personnes sur leurs données")
    ).add_subparsers(dest="action", required=True, metavar=_("ACTION"))
    export = privacy.add_parser("export", help=_("écrire les données d'une personne (JSON)"))
    export.add_argument("--staff", required=True, metavar=_("NOM"), help=_("le compte"))
    export.add_argument("path", metavar=_("FICHIER"))
    export.set_defaults(func=cmd_privacy_export)
    erase = privacy.add_parser("erase", help=_("effacer les données d'une personne"))
    erase.add_argument("--staff", required=True, metavar=_("NOM"), help=_("le compte"))
    erase.add_argument("--yes", action="store_true", help=_("sans demander de confirmation"))
    erase.set_defaults(func=cmd_privacy_erase)


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
    _add_staff_commands(sub)
    _add_activity_commands(sub)
    _add_kiosk_setup_command(sub)


def cmd_kiosk_setup(args: argparse.Namespace, paths: Paths) -> int:
    from pasapas.app import kiosk_session

    root = Path(args.root)
    if args.remove:
        outcome = kiosk_session.remove(root)
    else:
        command = args.program or kiosk_session.installed_command()
        outcome = kiosk_session.apply(root, kiosk_session.Plan.make(command))
    for line in outcome.changed:
        print(line)
    for line in outcome.warnings:
        print(_("Attention : {message}").format(message=line))
    if not outcome.changed:
        print(_("Rien à changer : tout est déjà comme il faut."))
    elif args.remove:
        print(_("La session de la borne est retirée ; redémarrez l'ordinateur."))
    else:
        print(_("Redémarrez l'ordinateur : la borne s'ouvrira seule, en plein écran."))
    return 0


def _add_kiosk_setup_command(sub: Any) -> None:
    setup = sub.add_parser(
        "kiosk-setup",
        help=_("préparer l'ordinateur en borne verrouillée (ou --remove pour l'enlever)"),
        description=_(
            "Crée le compte de la borne, l'ouverture automatique au démarrage dans cage et le "
            "redémarrage en cas d'arrêt. Chaque changement est affiché ; relancer ne change rien "
            "de plus."
        ),
    )
    setup.add_argument(
        "--remove",
        action="store_true",
        help=_("enlever la session de la borne (garde les données)"),
    )
    setup.add_argument(
        "--root", default="/", metavar=_("DOSSIER"), help=_("préparer un système monté ici")
    )
    setup.add_argument(
        "--program", metavar=_("CHEMIN"), help=_("le programme pasapas que la borne lance")
    )
    setup.set_defaults(func=cmd_kiosk_setup)
