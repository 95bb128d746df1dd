"""Pas à pas, installed under one name.

The rooms keep their folders at the top of the source tree (`app/`, `ui/`, `sync/`,
`accessibility/`, as the design card has them) and are installed as `pasapas.app`, `pasapas.ui`,
`pasapas.sync` and `pasapas.accessibility` (pyproject.toml maps each folder). This package itself
holds only what sits above the rooms: the command line's composition root (`pasapas.cli`).
"""
