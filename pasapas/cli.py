"""The `pasapas` command (its parsers still live in `pasapas.app.cli` in this step)."""

from pasapas.app.cli import main

__all__ = ["main"]
