# The interface to CI: `make test` is what .ci/run calls.
GO ?= go
PKGS := ./...

.PHONY: all build test lint vet fmt-check staticcheck fuzz bench tidy demo chaos cluster-test

all: build

# VERSION names the build; `mentionwatch version` adds the VCS revision and
# commit time Go stamps (none in a git worktree or with -buildvcs=false).
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o bin/mentionwatch ./cmd/mentionwatch

## test: vet, gofmt check, staticcheck, then every test with the race detector.
test: lint
	$(GO) test -race -count=1 $(PKGS)

lint: vet fmt-check staticcheck

## staticcheck: pinned; fetched once through the module proxy, then cached.
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
staticcheck:
	$(GO) run $(STATICCHECK) $(PKGS)

vet:
	$(GO) vet $(PKGS)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

## fuzz: run every fuzz target briefly (FUZZTIME each).
FUZZTIME ?= 5s
fuzz:
	@bash scripts/fuzz.sh $(FUZZTIME)

## bench: the figures in docs/BENCHMARKS.md.
bench:
	$(GO) test -run='^$$' -bench=. -benchmem $(PKGS)

## tidy: fails when go.mod or go.sum are not tidy.
tidy:
	$(GO) mod tidy
	git diff --exit-code go.mod go.sum

## chaos: fault scenarios against the real daemon (about 10 minutes; not part of test).
chaos:
	bash scripts/chaos.sh

## cluster-test: ZooKeeper, a 2x2 ClickHouse cluster and several run
## members on loopback; failover and fault scenarios (about 5 minutes).
cluster-test:
	bash scripts/cluster-test.sh

demo:
	$(GO) run ./cmd/mentionwatch demo
