package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/progress"
	"github.com/mentionwatch/mentionwatch/store/clickhouse"
	"github.com/mentionwatch/mentionwatch/store/writer"
)

func init() {
	var (
		dsn   string
		rows  int
		batch int
		keep  bool
	)
	cmd := &cobra.Command{
		Use:   "ingest",
		Short: "Writer throughput into ClickHouse against a raw clickhouse-go batch of the same rows",
		Long: "Ingest writes --rows synthetic mentions through mentionwatch's batching writer into a fresh\n" +
			"database, then the same rows with a plain clickhouse-go PrepareBatch/Append/Send into a second\n" +
			"fresh database, in this process, and prints\n" +
			"  ingest: mentions_per_s=X raw_driver_per_s=Y ratio=X/Y peak_heap_mb=H peak_rss_mb=R\n" +
			"Both databases are dropped afterwards unless --keep is set.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dsn == "" {
				dsn = os.Getenv("MENTIONWATCH_CLICKHOUSE_DSN")
			}
			if dsn == "" {
				return fmt.Errorf("bench ingest: no server: pass --store clickhouse://host:9000/default (or set MENTIONWATCH_CLICKHOUSE_DSN)")
			}
			return benchIngest(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), dsn, rows, batch, keep)
		},
	}
	cmd.Flags().StringVar(&dsn, "store", "", "ClickHouse DSN (default $MENTIONWATCH_CLICKHOUSE_DSN)")
	cmd.Flags().IntVar(&rows, "rows", 500000, "mentions to write")
	cmd.Flags().IntVar(&batch, "batch", 10000, "writer batch size (the raw run uses the same)")
	cmd.Flags().BoolVar(&keep, "keep", false, "keep the two bench databases")
	benchCmd.AddCommand(cmd)
}

// benchMention is row i of the synthetic data: realistic lengths and a
// spread of brands, sources, labels and times.
func benchMention(i int, t0 time.Time) mw.Mention {
	brands := [...]string{"acme", "globex", "initech", "umbrella"}
	sources := [...]string{"news", "reviews", "appstore", "x", "reddit", "mastodon"}
	labels := [...]mw.Label{mw.Negative, mw.Neutral, mw.Positive, mw.Neutral}
	stages := [...]mw.Stage{mw.ZMOT, mw.FMOT, mw.AMOT, mw.SMOT, mw.LMOT, mw.StageUnknown}
	aspects := [...][]string{{"delivery"}, {"price"}, nil, {"service", "refund"}, {"app"}, nil, {"quality"}}
	n := strconv.Itoa(i)
	m := mw.Mention{
		Brand: brands[i%len(brands)], Source: sources[i%len(sources)], Type: "rss", NativeID: "bench-" + n,
		URL: "https://example.com/posts/" + n, Author: "user" + strconv.Itoa(i%50000), AuthorReach: uint32(i % 100000),
		Title: "Order " + n + " from the shop",
		Text: "Paket saya belum sampai juga padahal sudah seminggu, kurirnya gak jelas. My parcel " + n +
			" still hasn't arrived and support never replies. Kecewa banget sama pelayanannya.",
		Rating: float32(i%5 + 1), Published: t0.Add(time.Duration(i) * 3 * time.Second), Collected: t0.Add(time.Duration(i)*3*time.Second + time.Minute),
		Lang: "id", Sentiment: float32(i%200-100) / 100, Label: labels[i%len(labels)], Stage: stages[i%len(stages)],
		StageConfidence: 0.7, Aspects: aspects[i%len(aspects)], Reach: 1 + float32(i%7),
	}
	m.ID = mw.MentionID(m.Brand, m.Type, m.NativeID)
	return m
}

// memPeak samples the Go heap and reads the process's peak RSS.
type memPeak struct{ heap atomic.Uint64 }

func (p *memPeak) sample(stop <-chan struct{}) {
	var ms runtime.MemStats
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		runtime.ReadMemStats(&ms)
		if ms.HeapInuse > p.heap.Load() {
			p.heap.Store(ms.HeapInuse)
		}
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

// peakRSS is VmHWM from /proc/self/status, in MiB (0 where unavailable).
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func benchIngest(ctx context.Context, out, errw io.Writer, dsn string, rows, batch int, keep bool) error {
	suffix := make([]byte, 4)
	rand.Read(suffix)
	tag := hex.EncodeToString(suffix)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	log := newLogger(mw.LogConfig{Level: "warn"})

	open := func(db string) (*clickhouse.Store, error) {
		d, err := dsnWithDatabase(dsn, db)
		if err != nil {
			return nil, err
		}
		admin, err := clickhouse.Open(ctx, mw.StoreConfig{DSN: mw.Secret(dsn)}, log)
		if err != nil {
			return nil, fmt.Errorf("bench ingest: %w", err)
		}
		defer admin.Close()
		if err := admin.Conn().Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+db); err != nil {
			return nil, fmt.Errorf("bench ingest: creating database %s: %w", db, err)
		}
		st, err := clickhouse.Open(ctx, mw.StoreConfig{DSN: mw.Secret(d)}, log)
		if err != nil {
			return nil, err
		}
		if err := st.Migrate(ctx); err != nil {
			st.Close()
			return nil, err
		}
		return st, nil
	}
	wdb, rdb := "mw_bench_writer_"+tag, "mw_bench_raw_"+tag
	ws, err := open(wdb)
	if err != nil {
		return err
	}
	defer ws.Close()
	rs, err := open(rdb)
	if err != nil {
		return err
	}
	defer rs.Close()
	if !keep {
		defer func() {
			ws.Conn().Exec(context.Background(), "DROP DATABASE IF EXISTS "+wdb)
			ws.Conn().Exec(context.Background(), "DROP DATABASE IF EXISTS "+rdb)
		}()
	}
	fmt.Fprintf(errw, "bench ingest: server %s, %d rows, batch %d\n", ws.ServerVersion(), rows, batch)

	// The two paths run in interleaved rounds over consecutive row ranges,
	// so that drift in the machine or the server's background merges weigh
	// on both alike.
	spool, err := os.MkdirTemp("", "mentionwatch-bench-spool-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(spool)
	const rounds = 4
	var (
		peak              memPeak
		rss               float64
		writerDur, rawDur time.Duration
	)
	insert := "INSERT INTO " + rdb + ".mentions (" + strings.Join(clickhouse.MentionColumns, ", ") + ")"
	wbar := progress.NewWriter(errw, "writer", int64(rows), isTerminal(errw))
	rbar := progress.NewWriter(errw, "raw driver", int64(rows), isTerminal(errw))
	for r := 0; r < rounds; r++ {
		from, to := rows*r/rounds, rows*(r+1)/rounds

		runWriter := func() error {
			// mentionwatch's writer, fed in collector-sized chunks.
			runtime.GC()
			stop := make(chan struct{})
			go peak.sample(stop)
			start := time.Now()
			w, err := writer.New(ws, writer.Options{BatchSize: batch, FlushInterval: time.Hour, SpoolDir: spool, Log: log})
			if err != nil {
				return err
			}
			chunk := make([]mw.Mention, 0, 500)
			for i := from; i < to; i++ {
				chunk = append(chunk, benchMention(i, t0))
				if len(chunk) == cap(chunk) || i == to-1 {
					if err := w.Write(ctx, chunk); err != nil {
						return err
					}
					wbar.Add(int64(len(chunk)))
					chunk = chunk[:0]
				}
			}
			if err := w.Close(ctx); err != nil {
				return err
			}
			writerDur += time.Since(start)
			close(stop)
			if s := w.Stats(); s.Spooled > 0 {
				return fmt.Errorf("bench ingest: %d mentions went to the spool (the server failed during the run); the figure would be meaningless", s.Spooled)
			}
			rss = max(rss, peakRSS())

			return nil
		}
		runRaw := func() error {
			// The raw driver: PrepareBatch, Append row by row, Send.
			runtime.GC()
			start := time.Now()
			for bfrom := from; bfrom < to; bfrom += batch {
				b, err := rs.Conn().PrepareBatch(ctx, insert)
				if err != nil {
					return fmt.Errorf("bench ingest: raw batch: %w", err)
				}
				bto := min(to, bfrom+batch)
				for i := bfrom; i < bto; i++ {
					m := benchMention(i, t0)
					asp := m.Aspects
					if asp == nil {
						asp = []string{}
					}
					if err := b.Append(m.ID, m.Brand, m.Source, m.Type, m.NativeID, m.URL, m.Author, m.AuthorReach,
						m.Title, m.Text, m.Rating, m.Published, m.Collected, m.Lang, m.Sentiment,
						string(m.Label), string(m.Stage), m.StageConfidence, asp, m.Reach, uint64(i+1), m.LangHint, m.LangBy); err != nil {
						return fmt.Errorf("bench ingest: raw append: %w", err)
					}
				}
				if err := b.Send(); err != nil {
					return fmt.Errorf("bench ingest: raw send: %w", err)
				}
				rbar.Add(int64(bto - bfrom))
			}
			rawDur += time.Since(start)
			return nil
		}
		// Alternate which path goes first, so neither always meets the
		// server's merges of the other's rows.
		first, second := runWriter, runRaw
		if r%2 == 1 {
			first, second = runRaw, runWriter
		}
		if err := first(); err != nil {
			return err
		}
		if err := second(); err != nil {
			return err
		}
	}
	wbar.Finish()
	rbar.Finish()

	// Both databases must hold every row.
	for _, db := range []string{wdb, rdb} {
		var n uint64
		if err := ws.Conn().QueryRow(ctx, "SELECT count() FROM "+db+".mentions").Scan(&n); err != nil {
			return err
		}
		if int(n) != rows {
			return fmt.Errorf("bench ingest: %s holds %d rows, want %d", db, n, rows)
		}
	}
	x := float64(rows) / writerDur.Seconds()
	y := float64(rows) / rawDur.Seconds()
	fmt.Fprintf(out, "ingest: mentions_per_s=%.0f raw_driver_per_s=%.0f ratio=%.2f peak_heap_mb=%.0f peak_rss_mb=%.0f rows=%d batch=%d server=%s\n",
		x, y, x/y, float64(peak.heap.Load())/(1<<20), rss, rows, batch, ws.ServerVersion())
	return nil
}

// dsnWithDatabase replaces the database path of a clickhouse:// DSN.
func dsnWithDatabase(dsn, db string) (string, error) {
	i := strings.Index(dsn, "://")
	if i < 0 {
		return "", fmt.Errorf("bench ingest: DSN %q is not clickhouse://host:port/database", mw.Secret(dsn))
	}
	rest := dsn[i+3:]
	q := ""
	if j := strings.IndexByte(rest, '?'); j >= 0 {
		rest, q = rest[:j], rest[j:]
	}
	if j := strings.IndexByte(rest, '/'); j >= 0 {
		rest = rest[:j]
	}
	return dsn[:i+3] + rest + "/" + db + q, nil
}

// isTerminal reports whether w is a terminal (for the progress bar).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
