# acltrace build. GNU make. `make help` lists the targets.
#
# Everything runs from a virtualenv in .venv (made with $(PYTHON), >= 3.9) so a
# fresh machine needs only a Python and network access to the package index.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

APP      := acltrace
PYTHON   ?= python3
VENV     := .venv
VPY      := $(VENV)/bin/python
VERSION  := $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' bin/$(APP)/__init__.py)
STAGE    := build/$(APP)
TGZ      := dist/$(APP)-$(VERSION).tgz
REPORT   := dist/appinspect.json
# Splunk Cloud (Victoria and Classic experience) and a private app on either.
APPINSPECT_TAGS := --included-tags cloud --included-tags private_victoria --included-tags private_classic
SLIM_KNOWN := platformRequirements.splunk: Version requirement includes no supported version of Splunk Enterprise
WHEELS   := build/wheels
VENV_STAMP := $(VENV)/.installed
LIB_STAMP  := lib/.vendored
# Reproducible tarball: every mtime is the last commit's time.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH

# Everything under bin/ must run on Splunk's Python 3.9.
VERMIN_FLAGS := -t=3.9- --violations --no-tips --eval-annotations
PYTEST_ARGS  ?= -ra
# Only pure-Python wheels that declare support for 3.9 may land in lib/.
VENDOR_TAGS  := --only-binary=:all: --python-version 3.9 --implementation py --abi none --platform any

.PHONY: help venv build test lint package demo bench clean

help:
	@echo "make demo     run the offline CLI on the bundled sample data"
	@echo "make test     lint (ruff), Python 3.9 check (vermin), pytest"
	@echo "make package  stage build/$(APP), pack $(TGZ), vet it with AppInspect"
	@echo "make build    vendor requirements/vendor.txt into lib/"
	@echo "make venv     create .venv with the dev tools and acltrace (editable)"
	@echo "make bench    run bench/benchmark.py"
	@echo "make clean    remove .venv, lib/, build/, dist/ and caches"

venv: $(VENV_STAMP)

$(VENV_STAMP): requirements/dev.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else "$(PYTHON) is " + sys.version.split()[0] + "; acltrace needs Python >= 3.9 (make PYTHON=python3.x)")'
	test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet -r requirements/dev.txt
	$(VPY) -m pip install --quiet --no-deps -e .
	touch $@

build: $(LIB_STAMP)

# lib/ is rebuilt from scratch whenever vendor.txt changes (the stamp is a copy of it).
$(LIB_STAMP): requirements/vendor.txt | $(VENV_STAMP)
	rm -rf lib $(WHEELS)
	$(VPY) -m pip wheel --quiet --wheel-dir $(WHEELS) -r requirements/vendor.txt
	$(VPY) -m pip install --quiet --no-compile --no-index --find-links $(WHEELS) $(VENDOR_TAGS) \
		--target lib -r requirements/vendor.txt \
		|| { echo "make build: every library in requirements/vendor.txt, and each of its dependencies," \
		          "must be a pure-Python (py3-none-any) wheel that supports Python 3.9"; exit 1; }
	rm -rf lib/bin
	# What wheels drop beside their packages: test suites and data, a README; ntc-templates' LICENSE
	# moves into its dist-info, where the other libraries keep theirs.
	find lib -depth -type d -name tests -exec rm -rf {} +
	rm -rf lib/testdata lib/README.md
	if [ -f lib/LICENSE ]; then mv lib/LICENSE lib/ntc_templates-*.dist-info/LICENSE; fi
	# ntc-templates: only the ~60 templates of the tables acltrace reads (of ~940; 4 MB).
	$(VPY) tools/build/prune_ntc_templates.py lib/ntc_templates/templates
	@compiled=$$(find lib -type f \( -name '*.so' -o -name '*.so.*' -o -name '*.pyd' -o -name '*.dylib' -o -name '*.dll' \)); \
	if [ -n "$$compiled" ]; then echo "compiled extensions in lib/ (must be pure Python):"; echo "$$compiled"; exit 1; fi
	cp requirements/vendor.txt $@

# Runs every check even when an earlier one fails, then fails if any did.
test: $(VENV_STAMP) $(LIB_STAMP)
	@failed=""; \
	echo "== ruff"; $(VENV)/bin/ruff check --output-format=concise . || failed="$$failed ruff"; \
	echo "== vermin (bin/ must run on Python 3.9)"; $(VENV)/bin/vermin $(VERMIN_FLAGS) bin/ || failed="$$failed vermin"; \
	echo "== pytest"; rc=0; $(VPY) -m pytest $(PYTEST_ARGS) tests || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: that is a failure"; fi; \
	if [ $$rc -ne 0 ]; then failed="$$failed pytest(exit $$rc)"; fi; \
	if [ -n "$$failed" ]; then echo "make test FAILED:$$failed"; exit 1; fi; \
	echo "make test: all checks passed"

lint: $(VENV_STAMP)
	$(VENV)/bin/ruff check --output-format=concise .
	$(VENV)/bin/vermin $(VERMIN_FLAGS) bin/

package: $(VENV_STAMP) $(LIB_STAMP)
	rm -rf $(STAGE) $(TGZ) $(REPORT)
	$(VPY) tools/build/stage.py $(STAGE) $(TGZ)
	@# slim's table of Splunk releases ends at 8.0.0, so it calls app.manifest's platformRequirements
	@# (>=9.3.0) an error: that one error is expected, any other fails the build.
	$(VENV)/bin/slim validate $(STAGE) > dist/slim.log 2>&1 || { \
		grep '\[ERROR\]' dist/slim.log | grep -v '$(SLIM_KNOWN)' | grep -q . && { cat dist/slim.log; exit 1; }; \
		grep -q '$(SLIM_KNOWN)' dist/slim.log || { cat dist/slim.log; exit 1; }; }
	rc=0; $(VENV)/bin/splunk-appinspect inspect $(TGZ) --mode precert $(APPINSPECT_TAGS) \
		--data-format json --output-file $(REPORT) > dist/appinspect.log 2>&1 || rc=$$?; \
	if [ ! -s $(REPORT) ]; then cat dist/appinspect.log; echo "splunk-appinspect wrote no report (exit $$rc)"; exit 1; fi
	$(VPY) tools/build/appinspect_gate.py $(REPORT) appinspect_known_warnings.md
	@echo "package: $(TGZ)"

# The triage report of the sample (Blaster incidents first, each traced to its switch port through
# the campus captures) is shown and kept in out/demo.txt, and written as one self-contained page to
# out/demo.html; the sample is dated 2026 (its IOS stamps carry no year).
demo: $(VENV_STAMP) $(LIB_STAMP)
	mkdir -p out
	$(VENV)/bin/acltrace triage --year 2026 samples/ios_acl_sample.log --devices samples/campus/*.txt > out/demo.txt
	$(VENV)/bin/acltrace triage --year 2026 samples/ios_acl_sample.log --devices samples/campus/*.txt \
		--format html > out/demo.html
	@cat out/demo.txt
	@echo "(also in out/demo.txt; JSON: add --format json; one MAC: acltrace trace 000d.56aa.1b2c --devices samples/campus/*.txt)"
	@echo "HTML report: out/demo.html"

bench: $(VENV_STAMP) $(LIB_STAMP)
	$(VPY) bench/benchmark.py

clean:
	rm -rf $(VENV) lib build dist out .pytest_cache .ruff_cache bin/*.egg-info
	find bin tests tools -name __pycache__ -type d -prune -exec rm -rf {} +
