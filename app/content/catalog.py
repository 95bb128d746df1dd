"""The procedures held in the store: import (all or nothing), list, browse by theme, search.

Search uses SQLite FTS5 inside the encrypted store, with the `unicode61 remove_diacritics 2`
tokenizer, so it ignores case and accents ("medecin traitant" finds "médecin traitant"). Each word
of the query is matched as a prefix, titles and synonyms weigh more than summaries and step texts,
and when no procedure has every word, procedures with any of them are ranked instead.

Search forgives (`search_text`): before the query reaches FTS5, each word the index does not hold
is replaced by the indexed words it stands for, by sound ("atestasion" → attestation), by the
start of its sound while typing, or by one or two slips ("vitalle"); what visitors type for a
thing ("sécu", "toubib", "mdp") is widened to the procedures' words for it, from the per-language
data in `synonyms/`. The vocabulary comes from the index itself (an `fts5vocab` table in the
connection's temp schema: no migration) and is kept in memory until the index changes.
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
from pasapas.app.content.search_text import Vocabulary, fold, index_form, synonyms_for
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


_FOLDED_STOPWORDS = frozenset(fold(w) for w in _STOPWORDS)
_MAX_WORDS = 16  # a pasted paragraph is searched by its first words, in bounded time
# The columns whose words a misspelt word may be corrected to (the body's words are only found
# as typed or by sound: there are many, and a visitor looks for what titles say).
_CORRECTABLE_COLUMNS = frozenset({"title", "synonyms", "summary"})
# Bumped by every write to a search index from this process; with `PRAGMA data_version` (commits
# by other connections) it tells a catalog when its vocabulary is out of date.
_index_generation = [0]


def _phrase(words: Sequence[str], *, prefix: bool) -> str:
    return '"' + " ".join(words) + '"' + ("*" if prefix else "")


def _all_of(text: str) -> str | None:
    """A synonym's words, all of them, without its stop words: "mot de passe" -> mot AND passe.

    Not a phrase: matching one would read the positions of "de" in every procedure.
    """
    words = [index_form(w) for w in _WORD.findall(text) if fold(w)]
    useful = [w for w in words if fold(w) not in _FOLDED_STOPWORDS] or words
    if not useful:
        return None
    return (
        _phrase(useful, prefix=False)
        if len(useful) == 1
        else ("(" + " AND ".join(_phrase([w], prefix=False) for w in useful) + ")")
    )


@dataclass(frozen=True)
class _Unit:
    """One thing the visitor asked for: a word or a known phrase, as an FTS5 OR group."""

    expression: str | None  # None: nothing in the index stands for it
    typed: str
    meant: str | None = None  # the indexed word put in its place (a correction), if any
    # Without its synonyms: the words as typed, spelt otherwise in the index, or corrected
    # (None: the same as `expression`). Synonyms widen titles and synonyms only, and only when
    # the words as typed found too few: a synonym says what a procedure is about there, and
    # widening every step text with "ameli" or "mot de passe" would rank the whole catalogue.
    plain: str | None = None


@dataclass(frozen=True)
class SearchAnswer:
    """What a search found, and the words it understood when it corrected some."""

    procedures: list[ProcedureSummary]
    meant: str | None = None  # the query with corrected words, None when nothing was corrected


def _match_expression(units: Sequence[_Unit], *, any_word: bool, widened: bool) -> str | None:
    chosen = [u.expression if widened else u.plain or u.expression for u in units]
    expressions = [e for e in chosen if e is not None]
    if not expressions or (not any_word and len(expressions) < len(units)):
        return None
    return (" OR " if any_word else " AND ").join(f"({e})" for e in expressions)


class Catalog:
    """Procedures in the store. One per store connection (so one per thread)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._vocabulary: Vocabulary | None = None
        self._vocabulary_key: tuple[int, int] | None = None

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
        _index_generation[0] += 1
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
        _index_generation[0] += 1
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
        _index_generation[0] += 1
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

    def vocabulary(self) -> Vocabulary:
        """The words of the search index, rebuilt when the index has changed since."""
        key = (_index_generation[0], int(self.store.query_one("PRAGMA data_version")[0]))
        if self._vocabulary is None or key != self._vocabulary_key:
            self.store.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.procedure_search_vocabulary "
                "USING fts5vocab(main, 'procedure_search', 'col')"
            )
            rows = self.store.query("SELECT term, col, doc FROM temp.procedure_search_vocabulary")
            self._vocabulary = Vocabulary(
                (term, doc, col in _CORRECTABLE_COLUMNS) for term, col, doc in rows
            )
            self._vocabulary_key = key
        return self._vocabulary

    def _units(self, query: str, language: str) -> list[_Unit]:
        """The query as units to match: known phrases widened by synonyms, words by meaning."""
        typed = [w for w in _WORD.findall(query) if fold(w)][:_MAX_WORDS]
        folded = [fold(w) for w in typed]
        synonyms = synonyms_for((language, FALLBACK_LANGUAGE))
        found: list[tuple[int, tuple[str, ...]]] = []  # (start, its phrase's meanings)
        sizes: dict[int, int] = {}
        i = 0
        while i < len(folded):
            size, meanings = synonyms.match(folded, i)
            if size:
                found.append((i, meanings))
                sizes[i] = size
                i += size
            else:
                i += 1
        plain = [
            i
            for i in range(len(folded))
            if not any(start <= i < start + sizes[start] for start in sizes)
        ]
        useful = [i for i in plain if folded[i] not in _FOLDED_STOPWORDS]
        if not useful and not found:
            useful = plain
        units: dict[int, _Unit] = {}
        for start, meanings in found:
            own = [index_form(w) for w in typed[start : start + sizes[start]]]
            alternatives = [_phrase(own, prefix=True)]
            if len(own) == 1 and len(folded[start]) > 1:  # its other spellings in the index
                meaning = self.vocabulary().meant(typed[start])
                if meaning.prefix:
                    alternatives += [_phrase([term], prefix=False) for term in meaning.terms]
            spellings = " OR ".join(dict.fromkeys(alternatives))
            for meaning in meanings:
                alternative = _all_of(meaning)
                if alternative:
                    alternatives.append(alternative)
            units[start] = _Unit(
                " OR ".join(dict.fromkeys(alternatives)), " ".join(own), plain=spellings
            )
        vocabulary = self.vocabulary() if any(len(folded[i]) > 1 for i in useful) else None
        for i in useful:
            word = index_form(typed[i])
            if len(folded[i]) == 1 or vocabulary is None:
                units[i] = _Unit(_phrase([word], prefix=len(word) > 1), word)
                continue
            meaning = vocabulary.meant(typed[i])
            alternatives = [_phrase([word], prefix=True)] if meaning.prefix else []
            alternatives += [_phrase([term], prefix=False) for term in meaning.terms]
            units[i] = _Unit(
                " OR ".join(alternatives) or None,
                word,
                meaning.terms[0] if meaning.corrected and meaning.terms else None,
            )
        return [units[i] for i in sorted(units)]

    def search(
        self, query: str, language: str = FALLBACK_LANGUAGE, limit: int = 20
    ) -> list[ProcedureSummary]:
        """Procedures that match `query`, best first (see `find`)."""
        return self.find(query, language, limit).procedures

    def find(self, query: str, language: str = FALLBACK_LANGUAGE, limit: int = 20) -> SearchAnswer:
        """Procedures that match `query`, best first, and the query as understood.

        Procedures whose title or synonyms match come first (ranked among themselves); only when
        they are fewer than `limit` are matches in summaries and steps ranked after them. This
        keeps a common word from ranking the whole catalogue when titles already answer.
        """
        units = self._units(query, language)
        # Each pass adds its procedures after those already found, until `limit`: the words as
        # typed (or corrected) in titles and synonyms; then widened by their synonyms there;
        # then the words as typed in summaries and steps too. A common word found in enough
        # titles costs one pass; synonyms widen only a search that needs it.
        passes = (("{title synonyms} : ", False), ("{title synonyms} : ", True), ("", False))
        ids: list[str] = []
        for any_word in (False, True):
            done: set[str] = set()
            for columns, widened in passes:
                expression = _match_expression(units, any_word=any_word, widened=widened)
                if expression is None or len(ids) >= limit:
                    continue
                match = f"{columns}({expression})"
                if match in done:
                    continue
                done.add(match)
                for procedure_id in self._ranked(match, language, limit):
                    if procedure_id not in ids:
                        ids.append(procedure_id)
            ids = ids[:limit]
            if ids:
                break
        if not ids:
            return SearchAnswer([])
        marks = ",".join("?" * len(ids))
        found = {
            item.id: item
            for item in self._summaries(
                f"SELECT document FROM procedures WHERE id IN ({marks})", ids, language
            )
        }
        procedures = [found[i] for i in ids if i in found]
        meant = None
        if any(unit.meant for unit in units) and procedures:
            meant = " ".join(
                _spelt_as_in(unit.meant or unit.typed, procedures[0], prefix=not unit.meant)
                for unit in units
            )
        return SearchAnswer(procedures, meant)


def _spelt_as_in(term: str, item: ProcedureSummary, *, prefix: bool) -> str:
    """`term` (an indexed word, without accents) as the found procedure spells it, if it does;
    with `prefix`, the first of its words that starts with `term` ("traitan" -> "traitant")."""
    wanted = fold(term)
    for word in _WORD.findall(f"{item.title} {item.summary}"):
        folded = fold(word)
        if folded == wanted or (prefix and folded.startswith(wanted)):
            return word if word.isupper() else word.lower()
    return term


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
