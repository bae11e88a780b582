package writer_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/chtest"
	"github.com/mentionwatch/mentionwatch/store/clickhouse"
	"github.com/mentionwatch/mentionwatch/store/writer"
)

// TestClickHouseOutageLosesNothing stops a private ClickHouse server in
// the middle of an ingest, keeps writing while it is down (batches go to the
// spool), starts it again and checks that every mention is stored exactly
// once: SELECT count(), uniqExact(id) FROM mentions FINAL equals what was
// sent. MW_FAULT_ROWS and MW_FAULT_DOWN scale it (issue 3 asks for 200000
// rows and 30s; the defaults, 20000 rows and 5 s, keep `make test` short;
// `make chaos` runs 60 s outages against the daemon).
func TestClickHouseOutageLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a private server")
	}
	rows := envInt("MW_FAULT_ROWS", 20000)
	down := time.Duration(envInt("MW_FAULT_DOWN", 5)) * time.Second
	srv := chtest.StartPrivate(t)
	dsn := chtest.FreshOn(t, srv.DSN())
	ctx := context.Background()
	st, err := clickhouse.Open(ctx, mw.StoreConfig{DSN: mw.Secret(dsn)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	spool := filepath.Join(t.TempDir(), "spool")
	w, err := writer.New(st, writer.Options{BatchSize: 5000, FlushInterval: 200 * time.Millisecond, SpoolDir: spool, InsertTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	mention := func(i int) mw.Mention {
		m := mw.Mention{Brand: "acme", Source: "news", Type: "rss", NativeID: strconv.Itoa(i), URL: "https://example.com/" + strconv.Itoa(i),
			Text: "paket belum sampai", Published: t0.Add(time.Duration(i) * time.Second), Collected: t0, Lang: "id",
			Label: mw.Negative, Stage: mw.AMOT, Aspects: []string{"delivery"}}
		m.ID = mw.MentionID(m.Brand, m.Type, m.NativeID)
		return m
	}
	write := func(from, to int) {
		chunk := make([]mw.Mention, 0, 1000)
		for i := from; i < to; i++ {
			chunk = append(chunk, mention(i))
			if len(chunk) == cap(chunk) || i == to-1 {
				if err := w.Write(ctx, chunk); err != nil {
					t.Fatalf("Write at %d: %v", i, err)
				}
				chunk = chunk[:0]
			}
		}
	}
	third := rows / 3
	write(0, third)
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	write(third, 2*third)
	if err := w.Flush(ctx); err != nil {
		t.Fatalf("Flush while the server is down: %v (the spool should take it)", err)
	}
	if n, _ := w.SpoolDepth(); n == 0 {
		t.Fatal("server down, but nothing was spooled")
	}
	time.Sleep(time.Until(stopped.Add(down)))
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	write(2*third, rows)
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := w.SpoolDepth(); n != 0 {
		t.Fatalf("spool still holds %d batches after the server came back", n)
	}
	var n, uniq uint64
	if err := st.Conn().QueryRow(ctx, "SELECT count(), uniqExact(id) FROM "+st.MentionsTable()+" FINAL").Scan(&n, &uniq); err != nil {
		t.Fatal(err)
	}
	if int(n) != rows || int(uniq) != rows {
		t.Fatalf("count()=%d uniqExact(id)=%d, want %d", n, uniq, rows)
	}
	s := w.Stats()
	t.Logf("rows=%d down=%s spooled=%d replayed=%d insert_errors=%d", rows, down, s.Spooled, s.Replayed, s.InsertErrors)
	if s.Spooled == 0 || s.Replayed != s.Spooled {
		t.Errorf("stats %+v: every spooled mention must be replayed", s)
	}
	// A restarted writer over the same spool finds nothing left to do.
	entries, _ := os.ReadDir(spool)
	if len(entries) != 0 {
		t.Errorf("spool directory not empty: %d files", len(entries))
	}
}

func envInt(k string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(k)); err == nil && v > 0 {
		return v
	}
	return def
}
