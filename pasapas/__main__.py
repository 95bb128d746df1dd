"""`python -m pasapas …` is the `pasapas` command."""

import sys

from pasapas.cli import main

sys.exit(main())
