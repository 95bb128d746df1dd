"""The procedures held in the store: import (all or nothing), list, browse by theme, search.

Search uses SQLite FTS5 inside the encrypted store, with the `unicode61 remove_diacritics 2`
tokenizer, so it ignores case and accents ("medecin traitant" finds "médecin traitant"). Each word
of the query is matched as a prefix, titles and synonyms weigh more than summaries and step texts,
and when no procedure has every word, procedures with any of them are ranked instead.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3

from pasapas.app.changes import Changes
from pasapas.app.content.kinds import STEP_KINDS
from pasapas.app.content.model import FALLBACK_LANGUAGE, Procedure
from pasapas.app.content.themes import THEMES
from pasapas.app.content.validation import Problem, load_files, parse_document
from pasapas.app.errors import ContentError, NotFoundError
from pasapas.app.i18n import _, ngettext
from pasapas.app.store import Store, upgrade_failed

# Words too common to help a search; dropped when the query has other words.
_STOPWORDS = frozenset(
    """a à au aux avec ce ces comment d de des du en est et faire il j je l la le les leur ma me
    mes mon ne on ou où par pas pour qu que qui sa se ses son sur ta te tes ton un une vos votre
    vous y""".split()  # noqa: SIM905 - easier to read and extend as a paragraph
)
_WORD = re.compile(r"\w+", re.UNICODE)
# Column weights for bm25(): title, synonyms, summary, body.
_WEIGHTS = "10.0, 6.0, 3.0, 1.0"
# The search rows are derived from the stored documents. This number names the way they are
# derived (`_search_rows`, and what goes in each column): raise it whenever that changes, and each
# store rebuilds its index once, the next time it is opened (`ensure_search_index`). The number
# the index was built with is kept in the store's `meta` table.
SEARCH_INDEX_VERSION = 1
_SEARCH_INDEX_KEY = "search_index_version"


@dataclass(frozen=True)
class ProcedureSummary:
    id: str
    version: int
    title: str
    summary: str
    estimated_minutes: int
    themes: tuple[str, ...]
    language: str = "fr"  # the language title and summary are in: French when not translated


@dataclass(frozen=True)
class ThemeEntry:
    id: str
    label: str
    symbol: str
    count: int


@dataclass(frozen=True)
class ImportReport:
    added: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    kept_newer: tuple[str, ...]
    withdrawn: tuple[str, ...] = ()  # removed from the store
    withdrawals_ignored: tuple[str, ...] = ()  # a withdrawal of a version older than the one held

    @property
    def changes(self) -> Changes:
        return Changes(procedures=bool(self.added or self.updated or self.withdrawn))

    def describe(self) -> str:
        parts = [
            ngettext("{n} démarche ajoutée", "{n} démarches ajoutées", len(self.added)),
            ngettext("{n} mise à jour", "{n} mises à jour", len(self.updated)),
            ngettext("{n} déjà à jour", "{n} déjà à jour", len(self.unchanged)),
        ]
        counts = (len(self.added), len(self.updated), len(self.unchanged))
        text = ", ".join(p.format(n=n) for p, n in zip(parts, counts, strict=True))
        if self.kept_newer:
            text += ", " + ngettext(
                "{n} ignorée (une version plus récente est déjà là)",
                "{n} ignorées (une version plus récente est déjà là)",
                len(self.kept_newer),
            ).format(n=len(self.kept_newer))
        return text


def sort_key(text: str) -> tuple[str, str]:
    """Alphabetical order as a reader expects it: accents and case only break ties."""
    folded = text.casefold()
    bare = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return bare, folded


def _search_rows(procedure: Procedure) -> list[tuple[str, str, str, str, str]]:
    """(lang, title, synonyms, summary, body) for each language the procedure is written in."""
    rows = []
    for lang in sorted(procedure.languages() | {FALLBACK_LANGUAGE}):
        body: list[str] = [procedure.audience.get(lang)]
        body += [doc.get(lang) for doc in procedure.documents]
        for step in procedure.steps:  # each kind says what its steps give to search
            body += STEP_KINDS[step.kind].search_texts(step, lang)
        rows.append(
            (
                lang,
                procedure.title.get(lang),
                " ".join(procedure.synonyms_in(lang) or procedure.synonyms_in(FALLBACK_LANGUAGE)),
                procedure.summary.get(lang),
                "\n".join(body),
            )
        )
    return rows


def _match_expression(query: str, *, any_word: bool) -> str | None:
    words = [w.lower() for w in _WORD.findall(query)]
    useful = [w for w in words if w not in _STOPWORDS] or words
    if not useful:
        return None
    terms = [f'"{w}"*' if len(w) > 1 else f'"{w}"' for w in useful]
    return (" OR " if any_word else " AND ").join(terms)


class Catalog:
    """Procedures in the store. One per store connection (so one per thread)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- import ------------------------------------------------------------------------------

    def import_files(self, paths: Sequence[Path], *, trusted: bool = False) -> ImportReport:
        procedures, problems = load_files(paths, trusted=trusted)
        if problems:
            raise ContentError(
                ngettext(
                    "{n} problème trouvé : rien n'a été importé.",
                    "{n} problèmes trouvés : rien n'a été importé.",
                    len(problems),
                ).format(n=len(problems)),
                tuple(problems),
            )
        return self.import_procedures(procedures)

    def import_procedures(
        self,
        procedures: Sequence[Procedure],
        *,
        withdrawn: Mapping[str, int] | Sequence[str] = (),
    ) -> ImportReport:
        """Import a batch in one transaction: every procedure lands, or none does.

        `withdrawn` maps each withdrawn procedure to the version its signed withdrawal names:
        a held version up to that one is removed, a greater one is kept (an old withdrawal,
        replayed after a newer publication, must not remove it) and reported in
        `withdrawals_ignored`. A bare list of ids (a local removal, never the sync) removes
        whatever version is held.
        """
        added, updated, unchanged, kept = [], [], [], []
        removed: list[str] = []
        ignored: list[str] = []
        if isinstance(withdrawn, Mapping):
            versions: dict[str, int | None] = dict(withdrawn)
        else:
            versions = dict.fromkeys(withdrawn)
        today = dt.date.today().isoformat()
        with self.store.transaction():
            if not search_index_is_current(self.store):
                # Rows written now follow today's recipe: bring the others to it too, so the
                # number recorded is true of the whole index.
                self.rebuild_search_index()
            for procedure in procedures:
                row = self.store.query_one(
                    "SELECT version, document FROM procedures WHERE id = ?", (procedure.id,)
                )
                if row is not None and row[0] > procedure.version:
                    kept.append(procedure.id)
                    continue
                if row is not None and row[1] == procedure.document:
                    unchanged.append(procedure.id)
                    continue
                (updated if row is not None else added).append(procedure.id)
                self._write(procedure, today, replace=row is not None)
            for procedure_id, version in versions.items():
                held = self.store.query_one(
                    "SELECT version FROM procedures WHERE id = ?", (procedure_id,)
                )
                if held is None:
                    continue
                if version is not None and held[0] > version:
                    ignored.append(procedure_id)
                    continue
                self._delete(procedure_id)
                removed.append(procedure_id)
        return ImportReport(
            tuple(added), tuple(updated), tuple(unchanged), tuple(kept), tuple(removed),
            tuple(ignored),
        )  # fmt: skip

    def _write(self, procedure: Procedure, today: str, *, replace: bool) -> None:
        if replace:
            self._delete(procedure.id)
        self.store.execute(
            "INSERT INTO procedures (id, version, document, imported_on) VALUES (?, ?, ?, ?)",
            (procedure.id, procedure.version, procedure.document, today),
        )
        self.store.executemany(
            "INSERT INTO procedure_themes (procedure_id, theme) VALUES (?, ?)",
            [(procedure.id, theme) for theme in procedure.themes],
        )
        self._index(procedure)

    def _index(self, procedure: Procedure) -> None:
        for lang, *texts in _search_rows(procedure):
            cursor = self.store.execute(
                "INSERT INTO search_rows (procedure_id, lang) VALUES (?, ?)", (procedure.id, lang)
            )
            self.store.execute(
                "INSERT INTO procedure_search (rowid, title, synonyms, summary, body) "
                "VALUES (?, ?, ?, ?, ?)",
                (cursor.lastrowid, *texts),
            )

    def rebuild_search_index(self) -> None:
        """Rewrite every search row from the stored documents, and record `SEARCH_INDEX_VERSION`.

        Call inside a transaction.
        """
        self.store.execute("DELETE FROM procedure_search")
        self.store.execute("DELETE FROM search_rows")
        for (document,) in self.store.query("SELECT document FROM procedures"):
            self._index(Procedure.from_json(json.loads(document), document))
        self.store.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (_SEARCH_INDEX_KEY, str(SEARCH_INDEX_VERSION)),
        )

    def _delete(self, procedure_id: str) -> None:
        self.store.execute(
            "DELETE FROM procedure_search WHERE rowid IN "
            "(SELECT id FROM search_rows WHERE procedure_id = ?)",
            (procedure_id,),
        )
        self.store.execute("DELETE FROM search_rows WHERE procedure_id = ?", (procedure_id,))
        self.store.execute("DELETE FROM procedures WHERE id = ?", (procedure_id,))

    # -- reading -----------------------------------------------------------------------------

    def get(self, procedure_id: str) -> Procedure:
        row = self.store.query_one("SELECT document FROM procedures WHERE id = ?", (procedure_id,))
        if row is None:
            raise NotFoundError(_("La démarche « {id} » n'existe pas.").format(id=procedure_id))
        procedure, problems = parse_document(
            json.loads(row[0]), procedure_id, document=row[0], trusted=True
        )
        if procedure is None:  # written by a validated import: only a damaged store gets here
            raise ContentError(
                _("La démarche « {id} » est abîmée.").format(id=procedure_id), tuple(problems)
            )
        return procedure

    def count(self) -> int:
        return int(self.store.query_one("SELECT count(*) FROM procedures")[0])

    def _summaries(
        self, sql: str, params: Sequence[object], language: str
    ) -> list[ProcedureSummary]:
        result = []
        for (document,) in self.store.query(sql, params):
            data = json.loads(document)
            # Title and summary come in one language, never half and half.
            used = (
                language
                if data["title"].get(language) and data["summary"].get(language)
                else FALLBACK_LANGUAGE
            )
            title, summary = data["title"][used], data["summary"][used]
            result.append(
                ProcedureSummary(
                    id=data["id"],
                    version=data["version"],
                    title=title,
                    summary=summary,
                    estimated_minutes=data["estimated_minutes"],
                    themes=tuple(data["themes"]),
                    language=used,
                )
            )
        return result

    def list(
        self, language: str = FALLBACK_LANGUAGE, theme: str | None = None
    ) -> list[ProcedureSummary]:
        if theme is None:
            items = self._summaries("SELECT document FROM procedures", (), language)
        else:
            items = self._summaries(
                "SELECT p.document FROM procedures p JOIN procedure_themes t "
                "ON t.procedure_id = p.id WHERE t.theme = ?",
                (theme,),
                language,
            )
        return sorted(items, key=lambda item: sort_key(item.title))

    def themes(self) -> list[ThemeEntry]:
        counts = dict(
            self.store.query("SELECT theme, count(*) FROM procedure_themes GROUP BY theme")
        )
        return [
            ThemeEntry(t.id, t.label, t.symbol, counts.get(t.id, 0))
            for t in THEMES
            if counts.get(t.id, 0)
        ]

    def _ranked(self, match: str, language: str, limit: int) -> list[str]:
        """Procedure ids for an FTS5 MATCH expression, best first, at most `limit`."""
        # A procedure has one row per language: fetch twice the limit, keep the best of each.
        rows = self.store.query(
            "SELECT r.procedure_id FROM procedure_search "
            "JOIN search_rows r ON r.id = procedure_search.rowid "
            "WHERE procedure_search MATCH ? AND r.lang IN (?, ?) "
            f"ORDER BY bm25(procedure_search, {_WEIGHTS}) LIMIT ?",
            (match, language, FALLBACK_LANGUAGE, 2 * limit),
        )
        return list(dict.fromkeys(row[0] for row in rows))[:limit]

    def search(
        self, query: str, language: str = FALLBACK_LANGUAGE, limit: int = 20
    ) -> list[ProcedureSummary]:
        """Procedures that match `query`, best first.

        Procedures whose title or synonyms match come first (ranked among themselves); only when
        they are fewer than `limit` are matches in summaries and steps ranked after them. This
        keeps a common word from ranking the whole catalogue when titles already answer.
        """
        ids: list[str] = []
        for any_word in (False, True):
            expression = _match_expression(query, any_word=any_word)
            if expression is None:
                return []
            ids = self._ranked(f"{{title synonyms}} : ({expression})", language, limit)
            if len(ids) < limit:
                for procedure_id in self._ranked(expression, language, limit):
                    if procedure_id not in ids:
                        ids.append(procedure_id)
                ids = ids[:limit]
            if ids:
                break
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        found = {
            item.id: item
            for item in self._summaries(
                f"SELECT document FROM procedures WHERE id IN ({marks})", ids, language
            )
        }
        return [found[i] for i in ids if i in found]


def search_index_is_current(store: Store) -> bool:
    """Was the store's search index built the way this code builds it?"""
    row = store.query_one("SELECT value FROM meta WHERE key = ?", (_SEARCH_INDEX_KEY,))
    return row is not None and row[0] == str(SEARCH_INDEX_VERSION)


def ensure_search_index(store: Store) -> bool:
    """Rebuild the search index, in one transaction, unless it was built by this code's recipe.

    Call wherever a store is opened for use (the kiosk, the command line): a store upgraded from
    an older schema, or last indexed by another version of Pas à pas, is then searched with an
    index made from its own documents today. Returns True when the index was rebuilt.
    """
    if search_index_is_current(store):  # the usual case: a read, no write lock
        return False
    try:
        with store.transaction():
            if search_index_is_current(store):  # another connection rebuilt it meanwhile
                return False
            Catalog(store).rebuild_search_index()
    except sqlcipher3.DatabaseError as exc:
        raise upgrade_failed(exc) from exc
    return True


def problems_text(problems: Sequence[Problem]) -> str:
    return "\n".join(str(problem) for problem in problems)
