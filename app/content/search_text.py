"""Folding words so a search forgives: accents, French spelling by ear, small typing slips.

Qt-free and store-free: the catalog builds a `Vocabulary` from the words its search index holds
and asks it, for each word a visitor typed, which indexed words they probably meant.

- `fold`: lower case, no accents or marks (Latin, Arabic harakat and hamza seats, Cyrillic
  breve and diaeresis), ligatures spelt out, Turkish dotless i, Arabic ta marbuta and alef
  maqsura, Ukrainian ghe; so "Sécu", "secu" and "SÉCU" are one word.
- `phonetic`: a French key for a Latin-script word, written as it sounds: "attestation" and
  "atestasion" share "atestasion", "traitant" and "traitan" share "tretan", "arnaque" and
  "arnak" share "arnak". Words in other scripts keep their folded form.
- `Vocabulary.meant`: the indexed words a typed word stands for: itself (as a prefix), else
  words that sound the same, else words that start with its sound (typing in progress), else
  words a slip away, in spelling or in sound (a letter missing, added, changed, or two letters
  swapped; from eight letters, a word may be one slip off on each side, two in all).
- `Synonyms`: what visitors type and the procedures' words for it, kept as data per language
  in `synonyms/<lang>.json`.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SYNONYMS_DIR = Path(__file__).with_name("synonyms")
WORD = re.compile(r"\w+", re.UNICODE)

_LETTERS = str.maketrans(
    {
        "œ": "oe",
        "æ": "ae",
        "ß": "ss",
        "ı": "i",  # Turkish dotless i (İ folds to i + a dot, dropped below)
        "ø": "o",
        "đ": "d",
        "ł": "l",
        "ة": "ه",  # Arabic ta marbuta, often typed as ha
        "ى": "ي",  # alef maqsura, often typed as ya
        "ـ": "",  # tatweel (a stretching stroke)
        "ґ": "г",  # Ukrainian ghe, often typed as he
        "’": "'",
    }
)

# Applied in order to a folded Latin word (a-z only).
_SOUNDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"ph", "f"),
        (r"q(u)?", "k"),
        (r"gu(?=[eiy])", "g"),
        (r"ge(?=[aou])", "j"),
        (r"g(?=[eiy])", "j"),
        (r"s?ch|sh", "$"),  # the "ch" sound, whatever the spelling
        (r"c(?=[eiy])", "s"),
        (r"ck|c", "k"),
        (r"x", "ks"),
        (r"w", "v"),
        (r"y", "i"),
        (r"z", "s"),
        (r"t(?=i[oa])", "s"),  # attestation, initiale
        (r"h", ""),
        (r"e?au", "o"),
        (r"[ae]i(?=n(?![aeioun]))", "i"),  # pain, plein: "in"
        (r"[ae]i", "e"),
        (r"[ae]([nm])(?![aeiounm])", r"a\1"),  # enfant, temps, camp
        (r"[iu]m(?![aeioum])", "in"),
        (r"om(?![aeioum])", "on"),
        (r"un(?![aeioun])", "in"),
        (r"am(?=[bp])", "an"),
        (r"([a-z$])\1+", r"\1"),  # doubled letters: one sound
    )
)
_SILENT_END = re.compile(r"(?:e?[sx]|e|ent)$")
_SILENT_CONSONANT = re.compile(r"(?<=[aeiouln])[tdp]$")
_FINAL_ER = re.compile(r"(?<=.)e[rz]$")


def _latin(char: str) -> bool:
    return char < "\u0250" or "\u1e00" <= char <= "\u1eff"


def fold(text: str) -> str:
    """Lower case, without accents, marks or letter variants: how a word is compared."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare).translate(_LETTERS)


def index_form(word: str) -> str:
    """A word as the search index's tokenizer keeps it (`unicode61 remove_diacritics 2`).

    Lower case; accents dropped from Latin letters only. Other scripts keep their marks.
    """
    out = []
    for char in unicodedata.normalize("NFD", word.lower()):
        if unicodedata.combining(char) and out and _latin(out[-1]):
            continue
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def phonetic(word: str) -> str:  # no cache: what a visitor typed is not kept past the search
    """A French sound key for one folded word; other scripts and digits are returned as they are."""
    if not word.isascii() or not word.isalpha():
        return word
    key = _FINAL_ER.sub("e", word)
    for pattern, replacement in _SOUNDS:
        key = pattern.sub(replacement, key)
    if len(key) > 3:
        ending = _SILENT_END.search(key)
        if ending:
            key = key[: ending.start()]
        if not ending or "e" not in ending.group():  # "carte": the t is heard
            key = _SILENT_CONSONANT.sub("", key)
    return key or word


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return WORD.findall(fold(text))


def distance(a: str, b: str, allowed: int) -> int | None:
    """Slips between two words (missing, extra, changed letter, two swapped), if <= allowed."""
    if abs(len(a) - len(b)) > allowed:
        return None
    return _distance(a, b, allowed)


def _distance(a: str, b: str, allowed: int) -> int | None:
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > allowed:
            return None
        previous2, previous = previous, current
    return previous[-1] if previous[-1] <= allowed else None


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def slips_allowed(word: str) -> int:
    """How many slips a typed word may hold: none when short, one, two from eight letters."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 8 else 2


@dataclass(frozen=True)
class Meaning:
    """What one typed word stands for in the index."""

    typed: str  # the word as typed, folded
    prefix: bool  # the word itself, as a prefix, is in the index
    terms: tuple[str, ...]  # other indexed words (index form) it stands for, best first
    corrected: bool  # True when `terms` replace an unknown word (sound or slips)


class Vocabulary:
    """The words of a search index, arranged to answer "what did the visitor mean?" quickly."""

    MAX_TERMS = 12

    def __init__(self, entries: Iterable[tuple[str, int, bool]]) -> None:
        """`entries`: (word in index form, number of rows holding it, worth correcting to).

        Words worth correcting to (those of titles, synonyms and summaries) are also indexed by
        their slips; every word is indexed by its folded form and its sound.
        """
        self.frequency: dict[str, int] = {}
        worth: dict[str, bool] = {}
        for term, count, correctable in entries:  # a word comes once per column holding it
            self.frequency[term] = self.frequency.get(term, 0) + count
            worth[term] = worth.get(term, False) or correctable
        by_fold: dict[str, list[str]] = {}
        self._by_sound: dict[str, list[str]] = {}
        self._by_deletion: dict[str, list[str]] = {}
        for term, correctable in worth.items():
            folded = fold(term)
            sound = phonetic(folded)
            by_fold.setdefault(folded, []).append(term)
            self._by_sound.setdefault(sound, []).append(term)
            if correctable and len(folded) >= 4:
                for variant in {folded, *_deletions(folded), sound, *_deletions(sound)}:
                    self._by_deletion.setdefault(variant, []).append(term)
        self._folds = sorted(by_fold)
        self._by_fold = by_fold
        self._sounds = sorted(self._by_sound)

    def __len__(self) -> int:
        return len(self.frequency)

    def _best(self, terms: Iterable[str]) -> tuple[str, ...]:
        unique = dict.fromkeys(terms)
        ranked = sorted(unique, key=lambda t: (-self.frequency.get(t, 0), t))
        return tuple(ranked[: self.MAX_TERMS])

    def _starting(self, ordered: Sequence[str], start: str, limit: int = 200) -> list[str]:
        i = bisect.bisect_left(ordered, start)
        found = []
        while i < len(ordered) and ordered[i].startswith(start) and len(found) < limit:
            found.append(ordered[i])
            i += 1
        return found

    def meant(self, typed: str) -> Meaning:
        """The indexed words a typed word stands for."""
        folded = fold(typed)
        raw = index_form(typed)
        # Known: some indexed word starts with it. The index's own prefix match finds those
        # spelt the same way; words that differ only by a folded letter are added by name.
        known = self._starting(self._folds, folded)
        if known:
            extra = [t for f in known for t in self._by_fold[f] if not t.startswith(raw)]
            return Meaning(folded, True, self._best(extra), False)
        sound = phonetic(folded)
        if len(sound) >= 3:
            same = self._by_sound.get(sound, [])
            if same:
                return Meaning(folded, False, self._best(same), True)
            if len(sound) >= 4:
                starting = [
                    t for s in self._starting(self._sounds, sound) for t in self._by_sound[s]
                ]
                if starting:
                    return Meaning(folded, False, self._best(starting), True)
        allowed = slips_allowed(folded)
        if allowed:
            near: dict[str, int] = {}
            by_sound = slips_allowed(sound)  # a short sound key gets no slip
            variants = {folded, *_deletions(folded)}
            if by_sound:
                variants |= {sound, *_deletions(sound)}
            for variant in variants:
                for term in self._by_deletion.get(variant, ()):
                    if term not in near:
                        other = fold(term)
                        found = distance(folded, other, allowed)
                        if found is None and by_sound:
                            found = distance(sound, phonetic(other), by_sound)
                        if found is not None:
                            near[term] = found
            if near:
                ranked = sorted(near, key=lambda t: (near[t], -self.frequency.get(t, 0), t))
                return Meaning(folded, False, tuple(ranked[: self.MAX_TERMS]), True)
        return Meaning(folded, False, (), False)


class Synonyms:
    """What a visitor may type (folded phrase) -> phrases the procedures use for it."""

    def __init__(self, means: dict[str, Sequence[str]]) -> None:
        self.means: dict[tuple[str, ...], tuple[str, ...]] = {}
        for typed, phrases in means.items():
            key = tuple(words(typed))
            if key:
                known = self.means.get(key, ())
                self.means[key] = tuple(dict.fromkeys([*known, *phrases]))
        self.longest = max((len(k) for k in self.means), default=0)

    @classmethod
    def merged(cls, languages: Sequence[str]) -> Synonyms:
        table: dict[str, list[str]] = {}
        for language in dict.fromkeys(languages):
            for typed, phrases in load_synonyms(language).items():
                table.setdefault(typed, []).extend(phrases)
        return cls(table)

    def match(self, folded: Sequence[str], start: int) -> tuple[int, tuple[str, ...]]:
        """The longest phrase starting at `folded[start]`: (its length in words, what it means)."""
        for size in range(min(self.longest, len(folded) - start), 0, -1):
            found = self.means.get(tuple(folded[start : start + size]))
            if found:
                return size, found
        return 0, ()


@cache
def load_synonyms(language: str) -> dict[str, tuple[str, ...]]:
    """`synonyms/<language>.json`'s "means" table; empty for a language without a file."""
    path = SYNONYMS_DIR / f"{language}.json"
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {typed: tuple(phrases) for typed, phrases in data["means"].items()}


@cache
def synonyms_for(languages: tuple[str, ...]) -> Synonyms:
    return Synonyms.merged(languages)
