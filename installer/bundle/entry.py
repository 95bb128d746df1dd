"""The bundle's one program: `pasapas …` as from the virtualenv, and the speech worker.

A frozen bundle has no Python interpreter to run `accessibility/speech_worker.py` with, so the
kiosk starts the worker as the bundle's own program with `SPEECH_WORKER_ARGUMENT` first
(`accessibility.speech.worker_command`); everything else is the `pasapas` command line."""

import sys

from pasapas.accessibility.speech_worker import SPEECH_WORKER_ARGUMENT

if __name__ == "__main__":
    if sys.argv[1:2] == [SPEECH_WORKER_ARGUMENT]:
        from pasapas.accessibility.speech_worker import main as worker_main

        sys.exit(worker_main())
    from pasapas.cli import main

    sys.exit(main())
