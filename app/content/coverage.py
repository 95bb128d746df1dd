"""How much of a procedure is translated into each language the kiosk supports.

A procedure's texts are its title, summary and audience, each document, each source title, and
the texts of each step, as its kind says (`kinds.STEP_KINDS`: title, text and tip, each checklist
item, each choice label). Synonyms are search words, never shown, so they are not counted. French
is the source language: always complete.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import NamedTuple

from pasapas.app.content.kinds import STEP_KINDS
from pasapas.app.content.model import Procedure, Text
from pasapas.app.content.validation import json_path
from pasapas.app.languages import SUPPORTED


class LanguageCoverage(NamedTuple):
    """How many of a procedure's texts exist in one language, and the JSON paths of the others."""

    present: int
    total: int
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return self.present == self.total

    @property
    def untranslated(self) -> bool:
        """Not one text in this language (a procedure always has texts, so never complete)."""
        return self.present == 0 and self.total > 0

    @property
    def ratio(self) -> float:
        """The share of texts present, from 0 to 1 (1 when there is nothing to translate)."""
        return self.present / self.total if self.total else 1.0

    @property
    def shown_ratio(self) -> float:
        """The ratio rounded down to a whole percent, as a person should read it: never "100 %"
        while a text is missing, never "0 %" once one text is translated."""
        if self.complete:
            return 1.0
        if self.present == 0:
            return 0.0
        return max(math.floor(self.present * 100 / self.total), 1) / 100


def texts(procedure: Procedure) -> Iterator[tuple[str, Text]]:
    """Every text a visitor may read in `procedure`, with its JSON path, in document order."""
    yield json_path(["title"]), procedure.title
    yield json_path(["summary"]), procedure.summary
    yield json_path(["audience"]), procedure.audience
    for i, document in enumerate(procedure.documents):
        yield json_path(["documents", i]), document
    for i, source in enumerate(procedure.sources):
        yield json_path(["sources", i, "title"]), source.title
    for i, step in enumerate(procedure.steps):
        for found in STEP_KINDS[step.kind].texts(step):  # each kind says which texts it has
            yield json_path(["steps", i, *found.path]), found.text


def coverage(
    procedure: Procedure, languages: Sequence[str] = SUPPORTED
) -> dict[str, LanguageCoverage]:
    """For each language: how many texts are present, out of how many, and which are missing."""
    found = list(texts(procedure))
    result = {}
    for language in languages:
        missing = tuple(path for path, text in found if language not in text.languages)
        result[language] = LanguageCoverage(len(found) - len(missing), len(found), missing)
    return result


def totals(
    coverages: Iterable[Mapping[str, LanguageCoverage]], languages: Sequence[str] = SUPPORTED
) -> dict[str, LanguageCoverage]:
    """The coverage of several procedures added up, per language (missing paths are dropped:
    they only make sense within one procedure)."""
    present = dict.fromkeys(languages, 0)
    total = dict.fromkeys(languages, 0)
    for by_language in coverages:
        for language in languages:
            present[language] += by_language[language].present
            total[language] += by_language[language].total
    return {
        language: LanguageCoverage(present[language], total[language], ()) for language in languages
    }
