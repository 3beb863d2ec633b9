# The README's two commands: `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := /usr/local/go/bin:$(PATH)
export CGO_ENABLED := 1

BIN := bin/xiaobao

.PHONY: run test db build vet fmt-check fuzz clean db-stop

## run: provision PostgreSQL+pgvector, build, migrate, seed the knowledge base, serve on :8080
run: build
	@url=$$(scripts/dev-db.sh up); \
	export DATABASE_URL=$${DATABASE_URL:-$$url}; \
	[ -n "$${DATABASE_URL##*xiaobao_test*}" ] || { echo "refusing to run against the test database"; exit 1; }; \
	$(BIN) migrate && $(BIN) kb seed && exec $(BIN) serve

## test: provision the database, vet, check formatting, run every test with the race detector
test:
	@scripts/dev-db.sh up >/dev/null
	@scripts/browser-deps.sh
	go vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed on: $$unformatted"; exit 1; fi
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-$$(scripts/dev-db.sh url xiaobao_test)} \
		go test -race -timeout 30m -count=1 ./...
	@$(MAKE) --no-print-directory fuzz

## fuzz: a short run of every fuzz target (seed corpora in testdata/fuzz)
fuzz:
	@scripts/fuzz-short.sh

db:
	@scripts/dev-db.sh up

db-stop:
	@scripts/dev-db.sh stop

build:
	go build -o $(BIN) ./cmd/xiaobao

clean:
	rm -rf bin
