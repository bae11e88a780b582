# syntax=docker/dockerfile:1
#
# mentionwatch in a minimal image: a static binary (every dependency is
# pure Go, the SQLite driver included, so CGO_ENABLED=0) on distroless
# static, which brings CA certificates, tzdata and a nonroot user and
# nothing else: no shell, no package manager.
#
#   docker build --build-arg VERSION=$(git describe --tags --always) -t mentionwatch .
#   docker run --read-only --tmpfs /tmp -v mentionwatch-state:/var/lib/mentionwatch \
#     -v $PWD/config.yaml:/etc/mentionwatch/config.yaml:ro -p 127.0.0.1:8080:8080 mentionwatch
#
# The root file system can be read-only: the process writes only its state
# directory /var/lib/mentionwatch (a volume; the working directory, so the
# config's relative paths - SQLite file, spool_dir, action-link key - land
# there) and, for SQLite's large sorts, /tmp. Health: GET /healthz (alive)
# and /readyz (writes reach the store), served on web.listen; the image has
# no shell or curl for a HEALTHCHECK, so probe them from the orchestrator
# (compose.yaml, a Kubernetes httpGet probe). docs/OPERATIONS.md, "Packaging".

ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
# Modules first, so that a source change does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The same target CI runs (.ci/run: make build); VERSION is stamped in with
# -X main.version. The build context has no .git (.dockerignore), so pass it.
ARG VERSION=dev
RUN make build VERSION=${VERSION} \
 && ./bin/mentionwatch version \
 && mkdir -p /out/state

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/bin/mentionwatch /usr/local/bin/mentionwatch
# nonroot is uid 65532; the state directory must be its own even before a
# volume is mounted (a named volume copies this ownership).
COPY --from=build --chown=65532:65532 /out/state /var/lib/mentionwatch
USER 65532:65532
WORKDIR /var/lib/mentionwatch
VOLUME ["/var/lib/mentionwatch"]
ENV MENTIONWATCH_CONFIG=/etc/mentionwatch/config.yaml
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/mentionwatch"]
CMD ["run"]
