# Pas à pas — two commands for a newcomer: `make run` and `make test`.
# Both create .venv, install the Python packages, and on Debian/Ubuntu the system packages when
# missing: `make run` only what the kiosk needs (Qt's libraries, espeak-ng, fonts), `make test`
# also the test and packaging tools and the sync service's (PostgreSQL, FastAPI…).
# `make bundle` builds the self-contained kiosk (build/bundle/pasapas), `make deb` its Debian
# package (build/pasapas_<version>_<arch>.deb): installer/README.md.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.run-stamp
STAMP := $(VENV)/.installed-stamp
PO_FILES := $(wildcard locales/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: setup setup-run system-deps system-deps-run run test lint bench bundle deb usb \
	i18n-extract i18n-update i18n-compile i18n-check clean

setup: system-deps $(STAMP) i18n-compile

setup-run: system-deps-run $(RUN_STAMP) i18n-compile

system-deps:
	@installer/system-deps.sh test

system-deps-run:
	@installer/system-deps.sh run

# The kiosk's own packages (pyproject's dependencies), then, for tests, benchmarks and the
# bundle, the dev extra (pytest, ruff, PyInstaller, the sync server's packages).
$(RUN_STAMP): pyproject.toml
	@$(PYTHON) -m venv $(VENV) || { \
	  echo "Could not create the virtualenv. On Debian/Ubuntu: sudo apt-get install python3-venv"; \
	  exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

i18n-compile: $(MO_FILES)

locales/%.mo: locales/%.po $(RUN_STAMP)
	$(VENV)/bin/pybabel compile --use-fuzzy=false -i $< -o $@ 2>/dev/null || $(VENV)/bin/pybabel compile -i $< -o $@

# Translations (docs/languages.md): extract the strings from the code into the template, merge the
# template into every catalog (new strings come in empty, never guessed: no fuzzy matching), then
# translate them; `make i18n-check` (and the tests) say what is still missing.
i18n-extract: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ -k pgettext:1c,2 -k gettext_in:2 -k ngettext_in:2,3 --no-location \
	  --project pasapas --msgid-bugs-address "" -o locales/pasapas.pot pasapas app ui accessibility sync

i18n-update: i18n-extract
	$(VENV)/bin/pybabel update -i locales/pasapas.pot -d locales -D pasapas -w 100 \
	  --no-fuzzy-matching --ignore-obsolete
	$(PY) -m pasapas.app.i18n_catalogs fill-source

i18n-check: $(STAMP)
	$(PY) -m pasapas.app.i18n_catalogs check
	@for po in $(PO_FILES); do msgfmt --check -o /dev/null $$po || exit 1; done

run: setup-run
	$(VENV)/bin/pasapas kiosk --demo $(ARGS)

bundle: setup
	$(PY) -m PyInstaller --noconfirm --log-level WARN --distpath build/bundle \
	  --workpath build/pyinstaller installer/bundle/pasapas.spec
	@echo "Bundle: build/bundle/pasapas/pasapas"

deb: bundle
	$(PY) installer/deb/build_deb.py

# The kit for a help point with no network (installer/usb/make_usb.py): needs root and the
# network on the machine that makes it.
usb: deb
	$(PY) installer/usb/make_usb.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .

test: setup lint
	@QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$rc

bench: setup
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
