package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
	"github.com/mentionwatch/mentionwatch/store/clickhouse"
)

// versioned is a store that reports its schema version (both stores do).
type versioned interface {
	MigrationVersion(ctx context.Context) (uint32, error)
}

func init() {
	rootCmd.AddCommand(&cobra.Command{
		Use:   "migrate",
		Short: "Create or upgrade the store's schema (idempotent) and say what it did",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			typ := storeType(cfg)
			fresh := false
			if typ == "embedded" {
				_, err := os.Stat(embeddedPath(cfg))
				fresh = errors.Is(err, os.ErrNotExist)
			}
			st, err := dialStore(cmd.Context(), cfg, newLogger(cfg.Log))
			if err != nil {
				return err
			}
			defer st.Close()
			// Before the first Migrate a ClickHouse store has no
			// migrations table; reading it fails, which means version 0.
			before, _ := schemaVersion(cmd.Context(), st)
			where := storeName(cfg, st)
			if err := migrateStore(cmd.Context(), st, where); err != nil {
				return err
			}
			after, err := schemaVersion(cmd.Context(), st)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			switch {
			case fresh:
				fmt.Fprintf(out, "migrate: created the %s (schema version 0 to %d)\n", where, after)
			case before == 0 && after > 0:
				fmt.Fprintf(out, "migrate: created the schema in the %s (schema version 0 to %d)\n", where, after)
			case after > before:
				fmt.Fprintf(out, "migrate: upgraded the %s from schema version %d to %d\n", where, before, after)
			default:
				fmt.Fprintf(out, "migrate: the %s is up to date at schema version %d\n", where, after)
			}
			return nil
		},
	})
}

// schemaVersion is the store's schema version, or 0 when it cannot say.
func schemaVersion(ctx context.Context, st store.Store) (uint32, error) {
	v, ok := st.(versioned)
	if !ok {
		return 0, nil
	}
	return v.MigrationVersion(ctx)
}

// embeddedPath is the SQLite file the embedded store uses.
func embeddedPath(cfg *mw.Config) string {
	if cfg.Store.Path == "" {
		return "mentionwatch.db"
	}
	return cfg.Store.Path
}

// storeName names st in messages: its type, and its file or servers.
func storeName(cfg *mw.Config, st store.Store) string {
	if ch, ok := st.(*clickhouse.Store); ok {
		return "clickhouse store at " + ch.Addr()
	}
	if storeType(cfg) == "embedded" {
		return "embedded store " + embeddedPath(cfg)
	}
	return storeType(cfg) + " store"
}

// migrateStore brings st's schema to this binary's version; a store that
// a newer mentionwatch wrote is refused (store.ErrSchemaNewer), by the
// store itself, with what to do.
func migrateStore(ctx context.Context, st store.Store, where string) error {
	if err := st.Migrate(ctx); err != nil {
		if errors.Is(err, store.ErrSchemaNewer) {
			return fmt.Errorf("the %s: %w", where, err)
		}
		return fmt.Errorf("migrating the %s: %w", where, err)
	}
	return nil
}
