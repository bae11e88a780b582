package main

import (
	"context"
	"log/slog"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
	"github.com/mentionwatch/mentionwatch/store/clickhouse"
)

func init() {
	openClickHouse = func(ctx context.Context, cfg mw.StoreConfig, log *slog.Logger) (store.Store, error) {
		return clickhouse.Open(ctx, cfg, log)
	}
}
