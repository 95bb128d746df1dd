"""No user-facing text in `ui/` is written without gettext: a literal with words in it, handed to
anything that shows or speaks it, fails here (the message names file and line)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Whatever puts text in front of a visitor, or in their ears, and which arguments are that text
# (the others are roles, languages, parents).
_FIRST = (0,)
SINKS: dict[str, tuple[int, ...]] = {
    **dict.fromkeys(
        (
            "setText",
            "set_text",
            "setAccessibleName",
            "setAccessibleDescription",
            "setWindowTitle",
            "setPlaceholderText",
            "setToolTip",
            "setStatusTip",
            "setWhatsThis",
            "setTitle",
            "addItem",
            "addItems",
            "showMessage",
            "label",
            "BigButton",
            "CheckItem",
            "QLabel",
            "QPushButton",
            "QCheckBox",
            "QRadioButton",
            "read_aloud",
            "read",
            "show_notice",
            "say",
            "setHtml",
            "setPlainText",
        ),
        _FIRST,
    ),
    "WrapButton": (0, 1),
    "announce": (1,),
    "information": (1, 2),
    "warning": (1, 2),
    "critical": (1, 2),
    "question": (1, 2),
}
WORD = re.compile(r"[^\W\d_]{2,}")  # two letters in a row: a word, not a sign like "✓" or "A+"
SHOWN_KEYWORDS = {"text", "title", "detail"}


def _words_outside_placeholders(text: str) -> bool:
    return bool(WORD.search(re.sub(r"\{[^{}]*\}", "", text)))


def _literals(node: ast.AST):
    """String constants that would reach the screen as they are written (not through a call)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif isinstance(node, ast.JoinedStr):
        for part in node.values:
            if isinstance(part, ast.Constant):
                yield part
            elif isinstance(part, ast.FormattedValue):
                yield from _literals(part.value)
    elif isinstance(node, ast.BinOp):
        yield from _literals(node.left)
        yield from _literals(node.right)
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)
    elif isinstance(node, ast.List | ast.Tuple):
        for item in node.elts:
            yield from _literals(item)


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def untranslated(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, ast.Call) or _name(node) not in SINKS:
            continue
        positions = SINKS[_name(node)]
        shown = [arg for i, arg in enumerate(node.args) if i in positions]
        shown += [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
        for argument in shown:
            for literal in _literals(argument):
                if _words_outside_placeholders(literal.value):
                    where = f"{path.relative_to(ROOT)}:{literal.lineno}"
                    found.append(f"{where}: {literal.value!r} is not passed through _()")
    return found


def test_every_shown_string_in_ui_goes_through_gettext():
    found = [line for path in sorted((ROOT / "ui").rglob("*.py")) for line in untranslated(path)]
    assert found == []


def test_the_check_catches_a_bare_string(tmp_path):
    sample = ROOT / "ui" / "_sample_for_test.py"
    sample.write_text(
        'button.set_text("Suivant")\nlabel(f"Étape {n}")\nok.setText(_("Suivant"))\n'
        'mark.setText(f"✓ {name}")\n',
        encoding="utf-8",
    )
    try:
        found = untranslated(sample)
    finally:
        sample.unlink()
    assert len(found) == 2
    assert "'Suivant' is not passed through _()" in found[0]
    assert "'Étape '" in found[1]
