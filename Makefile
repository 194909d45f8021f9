# Galley's build and checks. CI runs `make test` in a fresh clone (.ci/run, .ci/fresh-clone).

GO ?= go
# Developer tools (templ, staticcheck, gosec) live in a module of their own,
# tools/go.mod, so their dependencies stay out of the product's go.mod.
TOOL = $(GO) tool -modfile=tools/go.mod
# axe-core, which the browser tests inject into pages (see the axe target).
AXE = tools/axe/node_modules/axe-core/axe.min.js

.PHONY: test test-standalone generate lint js unit axe bench bench-export bench-import crash run

## test: generated code fresh, gofmt and vet clean, the browser script's unit tests, all Go tests
## (browser ones too) with the race detector
test: generate lint js unit

## test-standalone: make test in a fresh clone of HEAD, in a temporary directory with nothing beside
## it, as CI (.ci/run) does; proves the tests need nothing outside the repository
test-standalone:
	.ci/fresh-clone $(MAKE) test

## generate: regenerate templ output and fail if it differs from what is committed; the generator
## (tools/go.mod) must be the version of the templ runtime the product imports (go.mod)
generate:
	@gen=$$($(GO) list -modfile=tools/go.mod -m -f '{{.Version}}' github.com/a-h/templ) && \
	  run=$$($(GO) list -m -f '{{.Version}}' github.com/a-h/templ) && \
	  if [ "$$gen" != "$$run" ]; then echo "templ generator $$gen (tools/go.mod) differs from the templ runtime $$run (go.mod): pin both to one version"; exit 1; fi
	$(TOOL) templ generate
	@git diff --exit-code -- '*_templ.go' || { echo "generated *_templ.go files are stale: run 'go tool -modfile=tools/go.mod templ generate' and commit"; exit 1; }
	@untracked=$$(git ls-files --others --exclude-standard -- '*_templ.go'); \
	  if [ -n "$$untracked" ]; then echo "generated files not committed: $$untracked"; exit 1; fi

## lint: gofmt, templ fmt, go vet, staticcheck and gosec (pinned in tools/go.mod)
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	@$(TOOL) templ fmt -fail views || { echo "templ fmt had to reformat views/*.templ (now rewritten in place; see git diff): regenerate and commit"; exit 1; }
	$(GO) vet ./...
	$(TOOL) staticcheck ./...
	$(TOOL) gosec -quiet -exclude=$(GOSEC_EXCLUDE) ./...

# Rules gosec skips, each reviewed (see README, Security):
#   G104 unhandled errors: only Close/Remove on paths already failing; vet and review cover the rest
#   G115 integer conversions: every one converts a bounded value (offsets, lengths, bbolt sizes)
#   G204 a subprocess from a variable: galley-bench and the tests build the galley binary and start it
#        (internal/galleyproc)
#   G304, G703 a file named by a variable: the command line opens the files its operator names;
#        no HTTP request ever names a path
#   G404 math/rand: benchmark workloads only; every secret comes from crypto/rand (credentials.go)
GOSEC_EXCLUDE = G104,G115,G204,G304,G404,G703

## js: the browser modules parse, and their unit tests pass (node 20 or later, no npm packages)
js:
	@command -v node >/dev/null 2>&1 || { echo "node is not installed: the browser script's unit tests need node 20 or later (Debian: apt-get install nodejs)"; exit 1; }
	@for f in static/*.js; do node --check "$$f" || exit 1; done
	node --test static/test/

## unit: every test, with the race detector; browser tests need chromium on PATH, and
## axe-core (installed here from tools/axe/package-lock.json with npm)
unit: $(AXE)
	$(GO) test -race -count=1 ./...

## axe: axe-core for the browser tests' accessibility checks, pinned by tools/axe/package-lock.json
axe: $(AXE)
$(AXE): tools/axe/package.json tools/axe/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is not installed: the browser tests' accessibility checks need axe-core from npm (Debian: apt-get install npm)"; exit 1; }
	cd tools/axe && npm ci --no-audit --no-fund
	@touch $@

## bench: the performance budgets (cmd/galley-bench): create throughput over HTTP against raw bbolt Batch (ratio >= 0.50),
## then the reader page's render cost at 250 to 2000 annotations (ns/annotation should stay flat)
bench:
	$(GO) run ./cmd/galley-bench
	$(GO) test -run '^$$' -bench ReaderRender -benchmem ./handlers

## bench-export: an export of 100,000 annotations from the real server: bytes/s and peak RSS of the
## fast W3C and native downloads (target < 64 MB), then create latency under 8 writers without and
## with a download read at 100 KiB/s (p99 ratio near 1, MISS above 3), the file growing (and bbolt
## remapping it) during the download. Flags: make bench-export ARGS="-n 20000 -seconds 5"
bench-export:
	$(GO) run ./cmd/galley-bench export $(ARGS)

## bench-import: a 100,000-annotation W3C import (40 MB) posted to the real server while 4 writers create
## annotations: the server's peak RSS (target < 256 MiB) and the writers' longest wait (target < 1 s)
bench-import:
	GALLEY_IMPORT_SCALE=1 $(GO) test -count=1 -run TestImportAtScale -v ./cmd/galley

## run: serve the desk on :8080 with galley.db
run:
	$(GO) run ./cmd/galley

## crash: the long reliability run: 20 SIGKILL rounds, shutdown, disk full, backup under load, fsync order
crash:
	GALLEY_CRASH_ROUNDS=20 $(GO) test -count=1 -v -run 'TestCrashRecovery|TestGracefulShutdown|TestDiskFull|TestOnlineBackupUnderLoad|TestFsyncBeforeAck' ./cmd/galley
