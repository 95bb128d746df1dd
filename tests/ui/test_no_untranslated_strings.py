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
# These take (text, language) pairs: the text is shown or spoken, the language code is not.
PART_SINKS = {"read_aloud_parts", "read_parts", "say_parts"}


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
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "format":  # "Bonjour {name}".format(...)
            yield from _literals(node.func.value)
    elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "str":
        for argument in node.args:
            yield from _literals(argument)


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def untranslated(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node)
        if name in PART_SINKS:
            shown = [
                pair.elts[0]
                for argument in node.args
                if isinstance(argument, ast.List | ast.Tuple)
                for pair in argument.elts
                if isinstance(pair, ast.Tuple) and pair.elts
            ]
        elif name in SINKS:
            shown = [arg for i, arg in enumerate(node.args) if i in SINKS[name]]
            shown += [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
        else:
            continue
        for argument in shown:
            for literal in _literals(argument):
                if _words_outside_placeholders(literal.value):
                    shown_path = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                    where = f"{shown_path}:{literal.lineno}"
                    found.append(f"{where}: {literal.value!r} is not passed through _()")
    return found


def test_every_shown_string_in_ui_goes_through_gettext():
    found = [line for path in sorted((ROOT / "ui").rglob("*.py")) for line in untranslated(path)]
    assert found == []


def test_the_check_catches_a_bare_string(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        'button.set_text("Suivant")\nlabel(f"Étape {n}")\nok.setText(_("Suivant"))\n'
        'mark.setText(f"✓ {name}")\nhello.setText("Bonjour {name}".format(name=n))\n'
        'nav.read_aloud_parts([("Bienvenue", "fr"), (_("Merci"), "fr")])\n',
        encoding="utf-8",
    )
    found = untranslated(sample)
    assert len(found) == 4, found
    assert "'Suivant' is not passed through _()" in found[0]
    assert "'Étape '" in found[1]
    assert "'Bonjour {name}'" in found[2]
    assert "'Bienvenue'" in found[3]
