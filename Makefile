# Procure: the two commands a newcomer needs are `make run` and `make test`.
# Everything runs through the Go toolchain (tools are go.mod tool directives)
# and a private Postgres that cmd/devpg starts when no database URL is set.

GO      ?= go
PKGS    ?= ./...
VULNDB  ?= ../shared/vulndb/osv.tar.gz
VENDOR  := web/static/vendor

.PHONY: run test check vet fmt templ-check staticcheck vuln sql-check generate bench load fuzz build clean clean-data clean-bench migration vendor-assets

## run: the app with demo data on http://localhost:8080 (private Postgres under .data/ unless DATABASE_URL is set)
# Built first and run as binaries: `go run` exits 1 on Ctrl-C whatever its
# program does, and the app and its Postgres stop cleanly on Ctrl-C.
run:
	@$(GO) build -o .data/bin/devpg ./cmd/devpg && $(GO) build -o .data/bin/procure ./cmd/procure
	.data/bin/devpg -- .data/bin/procure serve --seed-demo

## test: the whole suite against real Postgres (TEST_DATABASE_URL, or a throwaway private cluster)
test:
	$(GO) run ./cmd/devpg -test -- $(GO) test -race -count=1 -timeout 30m $(PKGS)

## check: vet, gofmt, generated templ code, staticcheck, govulncheck (offline), constant-SQL check
check: vet fmt templ-check staticcheck vuln sql-check

vet:
	$(GO) vet ./...

fmt:
	@out="$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go'))"; \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

templ-check:
	$(GO) tool templ generate -check

staticcheck:
	$(GO) tool staticcheck ./...

# govulncheck against the offline copy of the Go vulnerability database
# (vuln.go.dev is not reachable from CI); skipped with a note when absent.
vuln:
	@if [ -f "$(VULNDB)" ]; then \
		tmp="$$(mktemp -d)" && tar xzf "$(VULNDB)" -C "$$tmp" && \
		$(GO) tool govulncheck -db "file://$$tmp/osv" ./... ; rc=$$?; rm -rf "$$tmp"; exit $$rc; \
	else \
		echo "vuln: $(VULNDB) not found; run: go tool govulncheck ./... (needs vuln.go.dev)"; \
	fi

# SQL lives only in internal/store, and SQL handed to pgx is a constant:
# checked by a test that type-checks the module (no database needed).
sql-check:
	$(GO) test -count=1 ./internal/sqlcheck/

generate:
	$(GO) tool templ generate

## bench: micro-benchmarks (pricing core, money, price-list import against Postgres), then the load generator
bench:
	$(GO) run ./cmd/devpg -test -- $(GO) test -run '^$$' -bench . -benchmem ./internal/pricing ./internal/money ./internal/app
	$(MAKE) load

## load: catalogue and submit under load, and every report over 5M invoice lines. The dataset is
## seeded once into .data/benchpg (about 20 minutes the first time, a few GB) and kept.
LOADGEN_FLAGS ?=
load:
	$(GO) run ./cmd/devpg -server -data .data/benchpg -- $(GO) run ./cmd/loadgen $(LOADGEN_FLAGS)

## fuzz: a short run of every fuzz target
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParseUnitPrice -fuzztime 20s ./internal/money
	$(GO) test -run '^$$' -fuzz FuzzLineTotal -fuzztime 20s ./internal/money
	$(GO) test -run '^$$' -fuzz FuzzResolve -fuzztime 30s ./internal/pricing
	$(GO) test -run '^$$' -fuzz FuzzParsePriceList -fuzztime 30s ./internal/procure

build:
	$(GO) build -trimpath -o bin/procure ./cmd/procure

## migration NAME=add_things: the next zero-padded .up.sql/.down.sql pair
migration:
	@test -n "$(NAME)" || (echo "usage: make migration NAME=add_things"; exit 2)
	@last=$$(ls migrations/*.up.sql | sed 's|migrations/\([0-9]*\)_.*|\1|' | sort -n | tail -1); \
	next=$$(printf '%04d' $$((10#$$last + 1))); \
	touch migrations/$${next}_$(NAME).up.sql migrations/$${next}_$(NAME).down.sql; \
	echo "created migrations/$${next}_$(NAME).{up,down}.sql"

## vendor-assets: refresh the committed htmx and Pico files (pinned in web/static/package.json)
vendor-assets:
	cd web/static && npm ci --ignore-scripts --no-audit --no-fund
	cp web/static/node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp web/static/node_modules/htmx.org/LICENSE $(VENDOR)/htmx.LICENSE
	cp web/static/node_modules/@picocss/pico/css/pico.min.css $(VENDOR)/pico.min.css
	cp web/static/node_modules/@picocss/pico/LICENSE.md $(VENDOR)/pico.LICENSE.md

clean:
	rm -rf bin

## clean-data: delete the development database (.data/pg; asks nothing: be sure). The benchmark's
## dataset in .data/benchpg, which takes about 20 minutes to seed, stays: clean-bench deletes it.
clean-data:
	rm -rf .data/pg .data/pg.log .data/bin

## clean-bench: delete the benchmark's dataset (.data/benchpg); the next make load seeds it again
clean-bench:
	rm -rf .data/benchpg .data/benchpg.log
