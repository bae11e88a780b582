package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
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
		merge    bool
		opt      benchWebOptions
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
			return benchWeb(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), dsn, rows, requests, keep, merge, opt)
		},
	}
	cmd.Flags().StringVar(&dsn, "store", "", "ClickHouse DSN; empty = the embedded store in a temporary file")
	cmd.Flags().IntVar(&rows, "rows", 1000000, "mentions to seed")
	cmd.Flags().IntVar(&requests, "requests", 30, "timed requests per endpoint")
	cmd.Flags().BoolVar(&keep, "keep", false, "keep the bench database")
	cmd.Flags().StringVar(&benchWebDatabase, "database", "", "use (and keep) this ClickHouse database, or this embedded store file; seeding is skipped when it already holds --rows mentions")
	cmd.Flags().BoolVar(&merge, "merge", false, "ClickHouse: OPTIMIZE TABLE mentions FINAL after seeding (the state background merges reach)")
	cmd.Flags().StringVar(&opt.only, "only", "", "time only the endpoints matching this regular expression (the baseline /api/mentions?brand=acme&range=30d is always timed)")
	cmd.Flags().BoolVar(&opt.export, "export", true, "time the CSV export of every mention (and, on ClickHouse, the raw read after it)")
	cmd.Flags().StringVar(&opt.cpuProfile, "cpuprofile", "", "write a CPU profile of this process during the export to this file")
	cmd.Flags().StringVar(&opt.timezone, "timezone", "", "the dashboard's timezone: (Asia/Jakarta: day and 6-hour buckets from local midnight); empty = UTC")
	benchCmd.AddCommand(cmd)
}

// benchWebOptions are the flags that choose what bench web times.
type benchWebOptions struct {
	only       string // regexp over the endpoints; "" = all
	export     bool
	cpuProfile string
	timezone   string
}

// benchWebBaseline is the request every other is compared with, in the
// same process and the same interleaved rounds.
const benchWebBaseline = "/api/mentions?brand=acme&range=30d"

// benchWebDatabase is --database.
var benchWebDatabase string

// benchWebBrands: acme is tracked, the other bench brands are its competitors.
var benchWebBrands = []mw.Brand{{Name: "acme", Keywords: []string{"acme"}, Competitors: []mw.Competitor{
	{Name: "globex", Keywords: []string{"globex"}}, {Name: "initech", Keywords: []string{"initech"}}, {Name: "umbrella", Keywords: []string{"umbrella"}}}}}

func benchWebStore(ctx context.Context, errw io.Writer, dsn string, keep bool) (store.Store, string, func(), error) {
	if dsn == "" {
		var (
			dir, path string
			err       error
		)
		if benchWebDatabase != "" { // a file kept by an earlier run
			path, keep = benchWebDatabase, true
		} else {
			if dir, err = os.MkdirTemp("", "mentionwatch-bench-web-"); err != nil {
				return nil, "", nil, err
			}
			path = filepath.Join(dir, "bench.db")
		}
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
	if benchWebDatabase != "" {
		db, keep = benchWebDatabase, true
	}
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

func benchWeb(ctx context.Context, out, errw io.Writer, dsn string, rows, requests int, keep, merge bool, opt benchWebOptions) error {
	if rows < 1 || requests < 1 {
		return fmt.Errorf("bench web: --rows and --requests must be positive")
	}
	var only *regexp.Regexp
	if opt.only != "" {
		var err error
		if only, err = regexp.Compile(opt.only); err != nil {
			return fmt.Errorf("bench web: --only: %w", err)
		}
	}
	st, kind, cleanup, err := benchWebStore(ctx, errw, dsn, keep)
	if err != nil {
		return err
	}
	defer cleanup()
	now := time.Now().UTC()
	seedStart := time.Now()
	var have uint64
	if chs, ok := st.(*clickhouse.Store); ok && benchWebDatabase != "" {
		chs.Conn().QueryRow(ctx, "SELECT uniqExact(id) FROM mentions").Scan(&have)
	} else if benchWebDatabase != "" {
		pts, err := st.Series(ctx, store.SeriesQuery{GroupBy: store.GroupNone})
		if err != nil {
			return err
		}
		for _, p := range pts {
			have += p.Count
		}
	}
	if have >= uint64(rows) {
		fmt.Fprintf(errw, "bench web: %s holds %d mentions already; not seeding\n", benchWebDatabase, have)
	} else {
		if err := seedBenchWeb(ctx, errw, st, rows, now); err != nil {
			return err
		}
		fmt.Fprintf(errw, "bench web: seeded %d mentions in %s\n", rows, time.Since(seedStart).Round(time.Second))
	}
	loc, err := time.LoadLocation(opt.timezone)
	if err != nil {
		return fmt.Errorf("bench web: --timezone: %w", err)
	}
	h, err := web.New(web.Options{Store: st, Brands: benchWebBrands, Location: loc, Now: func() time.Time { return now }})
	if err != nil {
		return err
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	endpoints := []string{
		benchWebBaseline,
		"/?brand=acme&range=30d",
		"/api/series?brand=acme&range=30d",
		"/api/journey?brand=acme&range=30d",
		"/api/aspects?brand=acme&range=30d",
		"/api/share-of-voice?brand=acme&range=30d",
		"/api/mentions?author=user123",
		"/api/alerts?brand=acme&range=30d",
		"/api/sources",
		// The inbox (issue 18): the page, the feed's first page, a filtered
		// first page, a common and a rare word, a page by impact.
		"/mentions?brand=acme",
		"/api/mentions?brand=acme&feed=1",
		"/api/mentions?brand=acme&lang=id&stage=amot&label=negative",
		"/api/mentions?brand=acme&q=parcel",
		"/api/mentions?brand=acme&q=" + strconv.Itoa(rows-4),
		"/api/mentions?brand=acme&order=impact&range=7d",
	}
	if only != nil {
		endpoints = slices.DeleteFunc(endpoints, func(e string) bool { return e != benchWebBaseline && !only.MatchString(e) })
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
	// The first request of each endpoint warms caches and connections; on
	// ClickHouse it also counts and keeps the hours not kept yet
	// (store/clickhouse/series_hours.go), so it is printed on its own: it
	// is what the first view after seeding costs.
	first := make([]time.Duration, len(endpoints))
	for i, e := range endpoints {
		d, err := get(e)
		if err != nil {
			return err
		}
		first[i] = d
	}
	if chs, ok := st.(*clickhouse.Store); ok {
		if err := benchMergeState(ctx, out, errw, chs, merge, requests, endpoints[:min(5, len(endpoints))], get); err != nil {
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
	for i, e := range endpoints {
		fmt.Fprintf(out, "web %s first %s: ms=%.1f (untimed warm-up request)\n", kind, e, float64(first[i].Microseconds())/1000)
	}
	printBenchRatios(out, kind, endpoints, took)
	fmt.Fprintf(out, "web: load average %s", loadAverage())
	if !opt.export {
		return nil
	}
	if opt.cpuProfile != "" {
		f, err := os.Create(opt.cpuProfile)
		if err != nil {
			return fmt.Errorf("bench web: --cpuprofile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("bench web: --cpuprofile: %w", err)
		}
	}
	err = benchExport(ctx, out, client, srv.URL, kind)
	if opt.cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return err
	}
	if chs, ok := st.(*clickhouse.Store); ok {
		return benchRawRead(ctx, out, chs)
	}
	return nil
}

// printBenchRatios prints each endpoint's p50 and p95 as a ratio to the
// baseline's p50, measured in the same rounds.
func printBenchRatios(out io.Writer, kind string, endpoints []string, took [][]time.Duration) {
	i := slices.Index(endpoints, benchWebBaseline)
	if i < 0 || len(took[i]) == 0 {
		return
	}
	base := took[i][len(took[i])/2]
	for j, e := range endpoints {
		ds := took[j] // sorted
		fmt.Fprintf(out, "web %s ratio %s: p50=%.2f p95=%.2f (x baseline p50 %.1f ms)\n", kind, e,
			float64(ds[len(ds)/2])/float64(base), float64(ds[min(len(ds)-1, int(0.95*float64(len(ds))))])/float64(base), float64(base.Microseconds())/1000)
	}
}

// loadAverage is /proc/loadavg's first three fields and a newline, or "?".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ") + "\n"
	}
	return "?\n"
}

// benchRawRead is the export's baseline: every stored row's columns read
// through the driver in storage order (rows decoded, not scanned into
// mentions): no sort, no dedup, no HTTP, no CSV. It runs right after the
// export in the same process.
func benchRawRead(ctx context.Context, out io.Writer, chs *clickhouse.Store) error {
	start := time.Now()
	rows, err := chs.Conn().Query(ctx, "SELECT "+strings.Join(clickhouse.MentionColumns, ", ")+" FROM mentions")
	if err != nil {
		return fmt.Errorf("bench web: raw read: %w", err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("bench web: raw read: %w", err)
	}
	took := time.Since(start)
	fmt.Fprintf(out, "web clickhouse baseline raw read: rows=%d seconds=%.1f rows_per_s=%.0f\n", n, took.Seconds(), float64(n)/took.Seconds())
	return nil
}

// benchMergeState reports the mentions table's parts and running merges.
// With merge it first times the dashboard's aggregate endpoints in that
// state (right after seeding), then merges the table to one part per
// partition (OPTIMIZE ... FINAL), so the run that follows is of the
// merged state; the two are measured in the same process, back to back.
func benchMergeState(ctx context.Context, out, errw io.Writer, chs *clickhouse.Store, merge bool, requests int, probe []string,
	get func(string) (time.Duration, error)) error {
	state := func(when string) {
		var parts, merges uint64
		chs.Conn().QueryRow(ctx, "SELECT count() FROM system.parts WHERE database = currentDatabase() AND table = 'mentions' AND active").Scan(&parts)
		chs.Conn().QueryRow(ctx, "SELECT count() FROM system.merges WHERE database = currentDatabase()").Scan(&merges)
		fmt.Fprintf(out, "web: clickhouse %s: mentions active parts=%d running merges=%d\n", when, parts, merges)
	}
	state("after seeding")
	if !merge {
		return nil
	}
	for _, e := range probe {
		var ds []time.Duration
		for range requests {
			d, err := get(e)
			if err != nil {
				return err
			}
			ds = append(ds, d)
		}
		slices.Sort(ds)
		fmt.Fprintf(out, "web clickhouse before-merge %s: p50_ms=%.1f p95_ms=%.1f\n", e,
			float64(ds[len(ds)/2].Microseconds())/1000, float64(ds[min(len(ds)-1, len(ds)*95/100)].Microseconds())/1000)
	}
	mstart := time.Now()
	if err := chs.Conn().Exec(ctx, "OPTIMIZE TABLE mentions FINAL"); err != nil {
		return fmt.Errorf("bench web: merging: %w", err)
	}
	fmt.Fprintf(errw, "bench web: OPTIMIZE TABLE mentions FINAL took %s\n", time.Since(mstart).Round(time.Second))
	state("after OPTIMIZE FINAL")
	return nil
}

// benchExport times a CSV export of every mention over HTTP, and reports
// the process's peak RSS during it (VmHWM, reset first through
// /proc/self/clear_refs) and the peak Go heap.
func benchExport(ctx context.Context, out io.Writer, client *http.Client, base, kind string) error {
	runtime.GC()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // resets VmHWM; best effort
	var peak memPeak
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { peak.sample(stop); close(done) }()
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/api/mentions/export?format=csv", nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	var lines int
	buf := make([]byte, 256<<10)
	for {
		n, err := resp.Body.Read(buf)
		lines += bytes.Count(buf[:n], []byte("\n"))
		if err == io.EOF {
			break
		}
		if err != nil {
			resp.Body.Close()
			return fmt.Errorf("bench web: reading the export: %w", err)
		}
	}
	resp.Body.Close()
	took := time.Since(start)
	close(stop)
	<-done
	fmt.Fprintf(out, "web %s export csv: lines=%d seconds=%.1f rows_per_s=%.0f peak_rss_mib=%.0f peak_heap_mib=%.0f\n", kind, lines,
		took.Seconds(), float64(lines-1)/took.Seconds(), peakRSS(), float64(peak.heap.Load())/(1<<20))
	return nil
}
