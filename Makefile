# The interface to CI: `make test` is what .ci/run calls.
GO ?= go
PKGS := ./...

.PHONY: all build test lint vet fmt-check staticcheck fuzz bench tidy demo chaos promtool release systemd-verify cluster-test

all: build

# VERSION names the build; `mentionwatch version` adds the VCS revision and
# commit time Go stamps (none in a git worktree or with -buildvcs=false).
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

# CGO_ENABLED=0: every dependency is pure Go (the SQLite driver is
# modernc.org/sqlite), so the binary is static and runs in a scratch or
# distroless image; the Dockerfile runs this same target.
LDFLAGS := -s -w -X main.version=$(VERSION)

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o bin/mentionwatch ./cmd/mentionwatch

## release: static binaries for each platform in dist/, named
## mentionwatch-VERSION-OS-ARCH, with the version stamped in, and
## dist/SHA256SUMS over them (check with `cd dist && sha256sum -c SHA256SUMS`).
PLATFORMS ?= linux/amd64 linux/arm64 darwin/arm64
release:
	rm -rf dist && mkdir -p dist
	@set -e; for p in $(PLATFORMS); do \
	  os=$${p%/*}; arch=$${p#*/}; out=dist/mentionwatch-$(VERSION)-$$os-$$arch; \
	  echo "release: $$out"; \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $$out ./cmd/mentionwatch; \
	done
	cd dist && sha256sum mentionwatch-* > SHA256SUMS && cat SHA256SUMS

## systemd-verify: systemd-analyze verify and security on
## contrib/systemd/mentionwatch.service (skips without systemd-analyze,
## except with CI=true).
systemd-verify:
	GO=$(GO) bash scripts/systemd-verify.sh

## test: vet, gofmt check, staticcheck, the Prometheus rules and the
## systemd unit, then every test with the race detector, then without it
## the harm model's reproducibility (one goroutine; 10x slower under -race)
## and the allocation checks (sync.Pool drops items at random under -race).
test: lint promtool systemd-verify
	$(GO) test -race -count=1 $(PKGS)
	$(GO) test -count=1 -run '^TestHarmModelReproducible$$' ./scoring/training/
	$(GO) test -count=1 -run 'Allocs$$' ./scoring/ ./internal/namemask/

## promtool: check and unit-test the Prometheus rules in contrib/prometheus.
## Without promtool (Debian package prometheus) it skips, except with
## CI=true, where .ci/run installs it.
promtool:
	@if ! command -v promtool >/dev/null 2>&1; then \
	  if [ "$$CI" = true ]; then echo "promtool: not installed (apt-get install prometheus)"; exit 1; fi; \
	  echo "promtool: not installed, skipping the rule tests (apt-get install prometheus)"; exit 0; \
	fi; \
	promtool check rules contrib/prometheus/mentionwatch.rules.yml && \
	cd contrib/prometheus && promtool test rules mentionwatch.rules.test.yml

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

## fuzz: run every fuzz target briefly (FUZZTIME each). A count of
## executions (Nx), not a duration: with a duration, Go 1.26's fuzz
## coordinator can fail a target with a bare "context deadline exceeded" at
## the deadline when its workers are starved (golang/go#75804, fixed in 1.27).
FUZZTIME ?= 20000x
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
