package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/progress"
	"github.com/mentionwatch/mentionwatch/store"
	"github.com/mentionwatch/mentionwatch/store/clickhouse"
	"github.com/mentionwatch/mentionwatch/store/sqlite"
	"github.com/mentionwatch/mentionwatch/web"
)

func init() {
	var (
		dsn      string
		rows     int
		requests int
		keep     bool
	)
	cmd := &cobra.Command{
		Use:   "web",
		Short: "Dashboard page and API response times over many mentions (embedded store or ClickHouse)",
		Long: "Web seeds --rows synthetic mentions spread over the last 30 days (four brands, acme tracked with\n" +
			"the three others as competitors), then requests the page and every API endpoint for acme over\n" +
			"the 30-day range --requests times each, in interleaved rounds over real HTTP, and prints\n" +
			"  web <store> <endpoint>: p50_ms=X p95_ms=Y max_ms=Z\n" +
			"The embedded store goes in a temporary file; with --store clickhouse://... a fresh database\n" +
			"is created and dropped afterwards unless --keep is set.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return benchWeb(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), dsn, rows, requests, keep)
		},
	}
	cmd.Flags().StringVar(&dsn, "store", "", "ClickHouse DSN; empty = the embedded store in a temporary file")
	cmd.Flags().IntVar(&rows, "rows", 1000000, "mentions to seed")
	cmd.Flags().IntVar(&requests, "requests", 30, "timed requests per endpoint")
	cmd.Flags().BoolVar(&keep, "keep", false, "keep the bench database")
	benchCmd.AddCommand(cmd)
}

// benchWebBrands: acme is tracked, the other bench brands are its competitors.
var benchWebBrands = []mw.Brand{{Name: "acme", Keywords: []string{"acme"}, Competitors: []mw.Competitor{
	{Name: "globex", Keywords: []string{"globex"}}, {Name: "initech", Keywords: []string{"initech"}}, {Name: "umbrella", Keywords: []string{"umbrella"}}}}}

func benchWebStore(ctx context.Context, errw io.Writer, dsn string, keep bool) (store.Store, string, func(), error) {
	if dsn == "" {
		dir, err := os.MkdirTemp("", "mentionwatch-bench-web-")
		if err != nil {
			return nil, "", nil, err
		}
		path := filepath.Join(dir, "bench.db")
		st, err := sqlite.Open(path)
		if err != nil {
			os.RemoveAll(dir)
			return nil, "", nil, err
		}
		cleanup := func() {
			st.Close()
			if keep {
				fmt.Fprintf(errw, "bench web: kept %s\n", path)
				return
			}
			os.RemoveAll(dir)
		}
		if err := st.Migrate(ctx); err != nil {
			cleanup()
			return nil, "", nil, err
		}
		return st, "embedded", cleanup, nil
	}
	suffix := make([]byte, 4)
	rand.Read(suffix)
	db := "mw_bench_web_" + hex.EncodeToString(suffix)
	log := newLogger(mw.LogConfig{Level: "warn"})
	admin, err := clickhouse.Open(ctx, mw.StoreConfig{DSN: mw.Secret(dsn)}, log)
	if err != nil {
		return nil, "", nil, fmt.Errorf("bench web: %w", err)
	}
	if err := admin.Conn().Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+db); err != nil {
		admin.Close()
		return nil, "", nil, fmt.Errorf("bench web: creating database %s: %w", db, err)
	}
	d, err := dsnWithDatabase(dsn, db)
	if err != nil {
		admin.Close()
		return nil, "", nil, err
	}
	st, err := clickhouse.Open(ctx, mw.StoreConfig{DSN: mw.Secret(d)}, log)
	if err != nil {
		admin.Close()
		return nil, "", nil, fmt.Errorf("bench web: %w", err)
	}
	cleanup := func() {
		st.Close()
		if keep {
			fmt.Fprintf(errw, "bench web: kept database %s\n", db)
		} else {
			admin.Conn().Exec(context.Background(), "DROP DATABASE IF EXISTS "+db)
		}
		admin.Close()
	}
	if err := st.Migrate(ctx); err != nil {
		cleanup()
		return nil, "", nil, err
	}
	fmt.Fprintf(errw, "bench web: ClickHouse %s, database %s\n", st.ServerVersion(), db)
	return st, "clickhouse", cleanup, nil
}

// seedBenchWeb stores rows mentions spread evenly over the 30 days before
// now, 60 alerts and six source states.
func seedBenchWeb(ctx context.Context, errw io.Writer, st store.Store, rows int, now time.Time) error {
	const span = 30 * 24 * time.Hour
	start := now.Add(-span)
	bar := progress.NewWriter(errw, "seeding", int64(rows), isTerminal(errw))
	batch := make([]mw.Mention, 0, 20000)
	for i := 0; i < rows; i++ {
		m := benchMention(i, start)
		m.Published = start.Add(time.Duration(int64(span) / int64(rows) * int64(i)))
		m.Collected = m.Published.Add(time.Minute)
		batch = append(batch, m)
		if len(batch) == cap(batch) || i == rows-1 {
			if err := st.InsertMentions(ctx, batch); err != nil {
				return fmt.Errorf("bench web: seeding mentions: %w", err)
			}
			bar.Add(int64(len(batch)))
			batch = batch[:0]
		}
	}
	bar.Finish()
	for i := 0; i < 60; i++ {
		started := start.Add(time.Duration(i) * 12 * time.Hour)
		a := mw.Alert{ID: "bench-" + strconv.Itoa(i), Brand: "acme", Kind: mw.AlertSpike, Scope: "aspect:delivery", State: mw.Resolved,
			StartedAt: started, UpdatedAt: started.Add(time.Hour), ResolvedAt: started.Add(time.Hour), Count: 40, Baseline: 10, Factor: 4,
			NegShare: 0.6, Summary: "40 negative delivery mentions in 5m0s against a baseline of 10.0 (×4.0)", NotifyCount: 2}
		if i >= 58 {
			a.State, a.ResolvedAt = mw.Firing, time.Time{}
		}
		if err := st.SaveAlert(ctx, a); err != nil {
			return fmt.Errorf("bench web: seeding alerts: %w", err)
		}
	}
	for _, s := range []string{"news", "reviews", "appstore", "x", "reddit", "mastodon"} {
		if err := st.SaveSourceState(ctx, store.SourceState{Source: s, Type: "rss", LastRun: now, LastSuccess: now, ItemsLastRun: 40, TotalItems: uint64(rows / 6)}); err != nil {
			return fmt.Errorf("bench web: seeding source states: %w", err)
		}
	}
	return nil
}

func benchWeb(ctx context.Context, out, errw io.Writer, dsn string, rows, requests int, keep bool) error {
	if rows < 1 || requests < 1 {
		return fmt.Errorf("bench web: --rows and --requests must be positive")
	}
	st, kind, cleanup, err := benchWebStore(ctx, errw, dsn, keep)
	if err != nil {
		return err
	}
	defer cleanup()
	now := time.Now().UTC()
	seedStart := time.Now()
	if err := seedBenchWeb(ctx, errw, st, rows, now); err != nil {
		return err
	}
	fmt.Fprintf(errw, "bench web: seeded %d mentions in %s\n", rows, time.Since(seedStart).Round(time.Second))

	h, err := web.New(web.Options{Store: st, Brands: benchWebBrands, Now: func() time.Time { return now }})
	if err != nil {
		return err
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	endpoints := []string{
		"/?brand=acme&range=30d",
		"/api/series?brand=acme&range=30d",
		"/api/journey?brand=acme&range=30d",
		"/api/aspects?brand=acme&range=30d",
		"/api/share-of-voice?brand=acme&range=30d",
		"/api/mentions?brand=acme&range=30d",
		"/api/mentions?author=user123",
		"/api/alerts?brand=acme&range=30d",
		"/api/sources",
	}
	client := srv.Client()
	get := func(path string) (time.Duration, error) {
		start := time.Now()
		req, err := http.NewRequestWithContext(ctx, "GET", srv.URL+path, nil)
		if err != nil {
			return 0, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("bench web: GET %s: %s", path, resp.Status)
		}
		return time.Since(start), err
	}
	for _, e := range endpoints { // warm caches and connections
		if _, err := get(e); err != nil {
			return err
		}
	}
	took := make([][]time.Duration, len(endpoints))
	for r := 0; r < requests; r++ {
		for i, e := range endpoints {
			d, err := get(e)
			if err != nil {
				return err
			}
			took[i] = append(took[i], d)
		}
	}
	fmt.Fprintf(out, "web: store=%s rows=%d range=30d requests=%d each\n", kind, rows, requests)
	for i, e := range endpoints {
		ds := took[i]
		slices.Sort(ds)
		pct := func(p float64) float64 {
			return float64(ds[min(len(ds)-1, int(p*float64(len(ds))))].Microseconds()) / 1000
		}
		fmt.Fprintf(out, "web %s %s: p50_ms=%.1f p95_ms=%.1f max_ms=%.1f\n", kind, e, pct(0.5), pct(0.95), float64(ds[len(ds)-1].Microseconds())/1000)
	}
	return nil
}
