package collectors

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

type fakeCollector struct {
	calls atomic.Int32
	fn    func(n int32, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error)
}

func (f *fakeCollector) Collect(_ context.Context, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
	return f.fn(f.calls.Add(1), cur)
}

func src(name string, c Collector, every time.Duration) *Source {
	return &Source{Config: mw.SourceConfig{Name: name, Type: "fake", Interval: mw.Duration(every)}, Collector: c}
}

// credentialedCollector is a source configured with credentials, as x or
// reddit are: a 401 or 403 means they were rejected.
type credentialedCollector struct {
	fakeCollector
	Token mw.Secret `yaml:"token"`
}

func TestSchedulerStopsSourceOnAuthErrorOthersGoOn(t *testing.T) {
	auth := &credentialedCollector{Token: "t0ken"}
	auth.fn = func(int32, mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
		return nil, mw.Cursor{}, &HTTPError{Method: "GET", URL: "https://api.example.com", Status: 401}
	}
	good := &fakeCollector{fn: func(n int32, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
		return []mw.Mention{{NativeID: string(rune('a' + n))}}, mw.Cursor{LastID: string(rune('a' + n))}, nil
	}}
	st := NewMemStates()
	var stored atomic.Int32
	s := &Scheduler{
		Sources: []*Source{src("auth", auth, 20*time.Millisecond), src("good", good, 20*time.Millisecond)},
		Store:   st,
		Sink: func(_ context.Context, _ *Source, ms []mw.Mention) error {
			stored.Add(int32(len(ms)))
			return nil
		},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	s.Run(ctx)
	if auth.calls.Load() != 1 {
		t.Errorf("auth-failing source ran %d times, want 1 (stopped)", auth.calls.Load())
	}
	if good.calls.Load() < 3 || stored.Load() != good.calls.Load() {
		t.Errorf("good source ran %d times, stored %d", good.calls.Load(), stored.Load())
	}
	if st.Saved("good").Cursor.LastID == "" || st.Saved("auth").LastError == "" {
		t.Errorf("states: %+v", st.states)
	}
}

func TestSinkFailureKeepsCursor(t *testing.T) {
	c := &fakeCollector{fn: func(int32, mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
		return []mw.Mention{{NativeID: "1"}}, mw.Cursor{LastID: "1"}, nil
	}}
	st := NewMemStates(store.SourceState{Source: "s", Cursor: mw.Cursor{LastID: "0"}})
	s := &Scheduler{Store: st, Sink: func(context.Context, *Source, []mw.Mention) error { return errors.New("disk full") }}
	var runs []error
	s.OnRun = func(_ *Source, _ int, err error, _ time.Duration) { runs = append(runs, err) }
	res := s.RunOnce(context.Background(), src("s", c, time.Minute))
	if res.Err == nil || st.Saved("s").Cursor.LastID != "0" || st.Saved("s").ConsecutiveErrors != 1 {
		t.Fatalf("res %+v state %+v", res, st.Saved("s"))
	}
	if len(runs) != 1 || runs[0] == nil || !strings.Contains(runs[0].Error(), "disk full") {
		t.Errorf("OnRun calls after a failed sink: %v, want one with the error", runs)
	}
}

func TestPartialItemsBeforeErrorAreKept(t *testing.T) {
	c := &fakeCollector{fn: func(int32, mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
		return []mw.Mention{{NativeID: "1"}, {NativeID: "2"}}, mw.Cursor{LastID: "2"}, errors.New("page 2: malformed JSON")
	}}
	st := NewMemStates()
	var got int
	s := &Scheduler{Store: st, Sink: func(_ context.Context, _ *Source, ms []mw.Mention) error { got += len(ms); return nil }}
	res := s.RunOnce(context.Background(), src("s", c, time.Minute))
	if got != 2 || res.Err == nil || st.Saved("s").Cursor.LastID != "2" {
		t.Fatalf("got %d res %+v state %+v", got, res, st.Saved("s"))
	}
	if res.Stop {
		t.Fatal("a malformed page must not stop the source")
	}
}

// A source without credentials (rss, reviews) that gets a 401 or 403, as
// a CDN's bot check answers, backs off and tries again like after a 5xx;
// it stops only when credentials it sent were rejected.
func TestSchedulerRetriesAuthErrorWithoutCredentials(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		c := &fakeCollector{fn: func(n int32, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
			if n <= 2 {
				return nil, mw.Cursor{}, &HTTPError{Method: "GET", URL: "https://shop.example.com/feed", Status: status}
			}
			return []mw.Mention{{NativeID: fmt.Sprint(n)}}, mw.Cursor{LastID: fmt.Sprint(n)}, nil
		}}
		s := &Scheduler{Store: NewMemStates(), Sink: func(context.Context, *Source, []mw.Mention) error { return nil }}
		for run := 1; run <= 2; run++ {
			res := s.RunOnce(context.Background(), src("feed", c, time.Minute))
			if res.Stop || res.Err == nil {
				t.Fatalf("HTTP %d on a source without credentials, run %d: stop %v, err %v; want an error that is retried", status, run, res.Stop, res.Err)
			}
		}
		if res := s.RunOnce(context.Background(), src("feed", c, time.Minute)); res.Err != nil || res.Items != 1 {
			t.Fatalf("third run after HTTP %d: %+v, want 1 item", status, res)
		}
		cred := &credentialedCollector{Token: "t0ken"}
		cred.fn = c.fn
		if res := s.RunOnce(context.Background(), src("api", cred, time.Minute)); !res.Stop {
			t.Errorf("HTTP %d with credentials configured: stop %v, want the source stopped until its credentials are fixed", status, res.Stop)
		}
		empty := &credentialedCollector{}
		empty.fn = func(int32, mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
			return nil, mw.Cursor{}, &HTTPError{Method: "GET", URL: "https://api.example.com", Status: status}
		}
		if res := s.RunOnce(context.Background(), src("public", empty, time.Minute)); res.Stop {
			t.Errorf("HTTP %d on a source whose credential fields are empty: stopped, want retried", status)
		}
	}
}

// downState is a store that does not answer.
type downState struct{}

func (downState) SourceState(context.Context, string) (store.SourceState, error) {
	return store.SourceState{}, errors.New("dial tcp 127.0.0.1:9000: connection refused")
}

func (downState) SaveSourceState(context.Context, store.SourceState) error {
	return errors.New("dial tcp 127.0.0.1:9000: connection refused")
}

// pagedCollector returns the items after its cursor's LastID, three per run.
func pagedCollector() *fakeCollector {
	return &fakeCollector{fn: func(_ int32, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
		from := 0
		if cur.LastID != "" {
			fmt.Sscan(cur.LastID, &from)
		}
		var ms []mw.Mention
		for i := from + 1; i <= from+3; i++ {
			ms = append(ms, mw.Mention{NativeID: fmt.Sprint(i)})
		}
		return ms, mw.Cursor{LastID: fmt.Sprint(from + 3)}, nil
	}}
}

// While the store is down, sources go on collecting from cursors kept in
// memory and in the state directory, and a restart resumes from the file.
func TestSchedulerCollectsWhileStoreDown(t *testing.T) {
	dir := &StateDir{Dir: t.TempDir()}
	var got []string
	sink := func(_ context.Context, _ *Source, ms []mw.Mention) error {
		for _, m := range ms {
			got = append(got, m.NativeID)
		}
		return nil
	}
	c := pagedCollector()
	s := &Scheduler{Store: downState{}, StateDir: dir, Sink: sink}
	for run := 1; run <= 2; run++ {
		if res := s.RunOnce(context.Background(), src("feed", c, time.Minute)); res.Err != nil || res.Items != 3 {
			t.Fatalf("run %d with the store down: %+v, want 3 items and no error", run, res)
		}
	}
	// A restart while the store is still down resumes from the state file.
	s = &Scheduler{Store: downState{}, StateDir: dir, Sink: sink}
	if res := s.RunOnce(context.Background(), src("feed", c, time.Minute)); res.Err != nil || res.Items != 3 {
		t.Fatalf("run after restart: %+v", res)
	}
	if want := "1 2 3 4 5 6 7 8 9"; fmt.Sprint(got) != "["+want+"]" {
		t.Errorf("collected %v, want [%s]: each item once, in order", got, want)
	}
	// When the store is back, the newer of its state and the file wins.
	mem := NewMemStates(store.SourceState{Source: "feed", Cursor: mw.Cursor{LastID: "3"}, LastRun: time.Unix(1, 0)})
	s = &Scheduler{Store: mem, StateDir: dir, Sink: sink}
	if res := s.RunOnce(context.Background(), src("feed", c, time.Minute)); res.Items != 3 || got[len(got)-1] != "12" {
		t.Fatalf("after the store came back: %+v, last item %s; want items 10-12 (the file is newer than the store)", res, got[len(got)-1])
	}
	if mem.Saved("feed").Cursor.LastID != "12" {
		t.Errorf("store cursor %q after it came back, want 12", mem.Saved("feed").Cursor.LastID)
	}
}

// A feed longer than the collector's cursor remembers (mw.MaxSeen ids; the
// issue's 6,000-item feed came back as 4,000 "new" items per poll) is
// not collected again on every poll: the scheduler's window drops the ids
// it admitted and items older than its watermark window.
func TestSchedulerDedupsBigFeed(t *testing.T) {
	base := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	feed := make([]mw.Mention, mw.MaxSeen+500)
	for i := range feed {
		feed[i] = mw.Mention{NativeID: fmt.Sprintf("item-%d", i), Published: base.Add(-time.Duration(i) * time.Minute)}
	}
	c := &fakeCollector{fn: func(_ int32, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
		// As rss does: the items whose ids the cursor does not hold.
		next := mw.Cursor{Seen: append([]string(nil), cur.Seen...)}
		var out []mw.Mention
		for _, m := range feed {
			if !cur.HasSeen(m.NativeID) {
				out = append(out, m)
				next.Remember(m.NativeID)
			}
		}
		return out, next, nil
	}}
	stored := map[string]int{}
	s := &Scheduler{Store: NewMemStates(), StateDir: &StateDir{Dir: t.TempDir()},
		Now: func() time.Time { return base.Add(time.Hour) },
		Sink: func(_ context.Context, _ *Source, ms []mw.Mention) error {
			for _, m := range ms {
				stored[m.NativeID]++
			}
			return nil
		}}
	runs := []int{}
	for range 3 {
		runs = append(runs, s.RunOnce(context.Background(), src("big", c, time.Minute)).Items)
	}
	// Two new items, and one published long before the window.
	feed = append([]mw.Mention{
		{NativeID: "new-1", Published: base.Add(time.Minute)},
		{NativeID: "new-2"},
		{NativeID: "ancient", Published: base.Add(-30 * 24 * time.Hour)},
	}, feed...)
	runs = append(runs, s.RunOnce(context.Background(), src("big", c, time.Minute)).Items)
	// ancient is older than every item admitted: never seen, so new, once.
	runs = append(runs, s.RunOnce(context.Background(), src("big", c, time.Minute)).Items)
	if want := fmt.Sprintf("[%d 0 0 3 0]", len(feed)-3); fmt.Sprint(runs) != want {
		t.Errorf("items per run %v, want %s (the collector alone gives %d on every later run)", runs, want, len(feed)-3-mw.MaxSeen)
	}
	for id, n := range stored {
		if n > 1 {
			t.Fatalf("item %s handed to the sink %d times", id, n)
		}
	}
	if stored["ancient"] != 1 {
		t.Error("an item published before every item admitted was not taken")
	}
	w := s.states["big"].Window
	// new-2 has no date: it counts as published at the run's time.
	if len(w.IDs) > len(feed)-1 || w.Mark != base.Add(time.Hour) || !w.Oldest.Equal(base.Add(-30*24*time.Hour)) {
		t.Errorf("window holds %d ids, mark %v; want at most %d and %v", len(w.IDs), w.Mark, len(feed)-1, base.Add(time.Hour))
	}
}

// A feed that sends megabyte ids cannot grow what the source keeps: the
// window, the store's native id and the cursor hold each as its hash, and
// the item is still recognised on the next run.
func TestSchedulerBoundsHugeNativeIDs(t *testing.T) {
	base := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	huge := strings.Repeat("g", 1<<20)
	c := &fakeCollector{fn: func(_ int32, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
		next := cur.Clone()
		next.Remember(huge)
		return []mw.Mention{{NativeID: huge, Published: base}, {NativeID: "short", Published: base}}, next, nil
	}}
	var sunk []mw.Mention
	s := &Scheduler{Store: NewMemStates(), Now: func() time.Time { return base.Add(time.Hour) },
		Sink: func(_ context.Context, _ *Source, ms []mw.Mention) error { sunk = append(sunk, ms...); return nil }}
	for range 2 {
		if res := s.RunOnce(context.Background(), src("huge", c, time.Minute)); res.Err != nil {
			t.Fatal(res.Err)
		}
	}
	if len(sunk) != 2 {
		t.Fatalf("%d items handed to the sink over two runs, want 2 (the second run's are repeats)", len(sunk))
	}
	size := 0
	for _, m := range sunk {
		size += len(m.NativeID)
	}
	st := s.states["huge"]
	for id := range st.Window.IDs {
		size += len(id)
	}
	for _, id := range st.State.Cursor.Seen {
		size += len(id)
	}
	if size > 4*mw.MaxNativeID {
		t.Errorf("%d bytes of ids kept for a 1 MiB id", size)
	}
}

// The window forgets ids older than its watermark minus DedupSlack, and
// keeps at most MaxWindowIDs.
func TestWindowBounded(t *testing.T) {
	var w Window
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	w.Admit([]mw.Mention{{NativeID: "old", Published: now.Add(-8 * 24 * time.Hour)}, {NativeID: "recent", Published: now.Add(-time.Hour)}}, now)
	if _, ok := w.IDs["old"]; ok || len(w.IDs) != 1 {
		t.Errorf("ids %v: want only recent", w.IDs)
	}
	if fresh, _, stale := w.Filter([]mw.Mention{{NativeID: "old", Published: now.Add(-8 * 24 * time.Hour)}}); len(fresh) != 0 || stale != 1 {
		t.Errorf("an item older than the window: fresh %d stale %d", len(fresh), stale)
	}
	// Between the oldest admitted and the window's start an item may be
	// one the window forgot: not new. Before the oldest admitted it was
	// never admitted: new.
	if fresh, _, stale := w.Filter([]mw.Mention{{NativeID: "other", Published: now.Add(-7*24*time.Hour - 2*time.Hour)}}); len(fresh) != 0 || stale != 1 {
		t.Errorf("an unseen item after the oldest admitted but older than the window: fresh %d stale %d", len(fresh), stale)
	}
	if fresh, _, _ := w.Filter([]mw.Mention{{NativeID: "older", Published: now.Add(-9 * 24 * time.Hour)}}); len(fresh) != 1 {
		t.Error("an item published before every item admitted was not new")
	}
	const limit = 1000 // admit with a small limit: MaxWindowIDs works the same
	many := make([]mw.Mention, limit+10)
	for i := range many {
		many[i] = mw.Mention{NativeID: fmt.Sprint(i), Published: now.Add(-time.Duration(i) * time.Second)}
	}
	w.admit(many, now, limit)
	if len(w.IDs) > limit || w.Floor.IsZero() {
		t.Errorf("%d ids kept (floor %v), want at most %d", len(w.IDs), w.Floor, limit)
	}
	if fresh, _, _ := w.Filter([]mw.Mention{{NativeID: fmt.Sprint(limit + 5), Published: now.Add(-time.Duration(limit+5) * time.Second)}}); len(fresh) != 0 {
		t.Error("an evicted id older than the floor came back as new")
	}
}

// TestSchedulerBoundsHugeFields: nothing bounded what a source sends in a
// mention's author, title, text or URL. A feed's 300 KB author name went
// to the store, to every inbox page (its author history) and to every
// alert quoting it. Each field is now bounded at collection, on a
// character boundary; a URL too long to be real is dropped rather than
// cut into a wrong one.
func TestSchedulerBoundsHugeFields(t *testing.T) {
	base := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	long := func(n int) string { return strings.Repeat("é", n/2+1) } // 2 bytes a character
	c := &fakeCollector{fn: func(_ int32, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
		return []mw.Mention{
			{NativeID: "big", Published: base, Author: long(300 << 10), Title: long(1 << 20), Text: long(4 << 20), URL: "https://example.com/?q=" + strings.Repeat("a", 1<<20)},
			{NativeID: "small", Published: base, Author: "Budi", Title: "Paket telat", Text: "Paket saya belum sampai", URL: "https://example.com/p/1"},
		}, cur, nil
	}}
	var sunk []mw.Mention
	s := &Scheduler{Store: NewMemStates(), Now: func() time.Time { return base.Add(time.Hour) },
		Sink: func(_ context.Context, _ *Source, ms []mw.Mention) error { sunk = append(sunk, ms...); return nil }}
	if res := s.RunOnce(context.Background(), src("big", c, time.Minute)); res.Err != nil {
		t.Fatal(res.Err)
	}
	if len(sunk) != 2 {
		t.Fatalf("%d items, want 2", len(sunk))
	}
	big, small := sunk[0], sunk[1]
	for _, f := range []struct {
		name string
		v    string
		max  int
	}{{"author", big.Author, MaxAuthorBytes}, {"title", big.Title, MaxTitleBytes}, {"text", big.Text, MaxTextBytes}} {
		if len(f.v) > f.max || len(f.v) < f.max/2 || !utf8.ValidString(f.v) || !strings.HasSuffix(f.v, "…") {
			t.Errorf("%s: %d bytes (valid UTF-8 %v), want at most %d, cut on a character with an ellipsis", f.name, len(f.v), utf8.ValidString(f.v), f.max)
		}
	}
	if big.URL != "" {
		t.Errorf("a %d-byte URL was kept", len(big.URL))
	}
	if small.Author != "Budi" || small.Title != "Paket telat" || small.Text != "Paket saya belum sampai" || small.URL != "https://example.com/p/1" {
		t.Errorf("ordinary fields changed: %+v", small)
	}
}

// ctxStates answers like a store whose calls end with their context.
type ctxStates struct{ *MemStates }

func (c ctxStates) SourceState(ctx context.Context, source string) (store.SourceState, error) {
	if err := ctx.Err(); err != nil {
		return store.SourceState{}, err
	}
	return c.MemStates.SourceState(ctx, source)
}

// TestShutdownRunIsNotReportedAsAnOutage: a run cut off by shutdown
// logged "store unreachable and no state file" (the store call had only
// been cancelled) and then an ordinary "source run items=0", as if the
// source had been read and was empty.
func TestShutdownRunIsNotReportedAsAnOutage(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := &fakeCollector{fn: func(_ int32, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
		return nil, cur, context.Canceled
	}}
	s := &Scheduler{Store: ctxStates{NewMemStates()}, Log: log,
		Sink: func(context.Context, *Source, []mw.Mention) error { return nil }}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if res := s.RunOnce(ctx, src("news", c, time.Minute)); res.Err != nil {
		t.Fatalf("a run cut off by shutdown is no error: %v", res.Err)
	}
	out := buf.String()
	if strings.Contains(out, "unreachable") || strings.Contains(out, "WARN") || strings.Contains(out, "ERROR") {
		t.Errorf("shutdown reported as trouble:\n%s", out)
	}
	if !strings.Contains(out, "interrupted") {
		t.Errorf("the cut-off run is not said to be interrupted:\n%s", out)
	}
}

// TestSchedulerCapsFuturePublished: an item dated after it was collected
// (a feed's wrong year or time zone, a hostile source) was stored with
// that date: it sat on top of the inbox for years, and its alert bucket,
// by publish time, was never evaluated. Beyond FutureSkew it is published
// when collected.
func TestSchedulerCapsFuturePublished(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	c := &fakeCollector{fn: func(_ int32, cur mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
		return []mw.Mention{
			{NativeID: "future", Published: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)},
			{NativeID: "late-tz", Published: now.Add(7 * time.Hour), Collected: now.Add(-time.Minute)},
			{NativeID: "past", Published: now.Add(-time.Hour)},
			{NativeID: "skewed", Published: now.Add(FutureSkew)},
			{NativeID: "undated"},
			{NativeID: "epoch", Published: time.Unix(0, 0)},
		}, cur, nil
	}}
	var sunk []mw.Mention
	s := &Scheduler{Store: NewMemStates(), Now: func() time.Time { return now },
		Sink: func(_ context.Context, _ *Source, ms []mw.Mention) error { sunk = append(sunk, ms...); return nil }}
	if res := s.RunOnce(context.Background(), src("future", c, time.Minute)); res.Err != nil || len(sunk) != 6 {
		t.Fatalf("run: %+v, %d items", res, len(sunk))
	}
	// An item without a date (or dated at the epoch, as a missing number
	// reads) is dated at its collection: it was stored as 1970, or dropped
	// as older than the dedup window.
	for i, want := range []time.Time{now, now.Add(-time.Minute), now.Add(-time.Hour), now.Add(FutureSkew), now, now} {
		if !sunk[i].Published.Equal(want) {
			t.Errorf("%s: published %s, want %s", sunk[i].NativeID, sunk[i].Published, want)
		}
	}
}

// TestSinkPanicStopsOnlyItsSource: a panic while scoring or storing one
// source's items (a scorer's bug on one hostile text) ran through the
// scheduler's goroutine and ended the daemon, every source with it. It
// fails that source's run, which keeps its cursor and backs off, and the
// other sources go on.
func TestSinkPanicStopsOnlyItsSource(t *testing.T) {
	collector := func(id string) *fakeCollector {
		return &fakeCollector{fn: func(int32, mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
			return []mw.Mention{{NativeID: id}}, mw.Cursor{LastID: id}, nil
		}}
	}
	bad, good := src("bad", collector("b1"), time.Minute), src("good", collector("g1"), time.Minute)
	st := NewMemStates(store.SourceState{Source: "bad", Cursor: mw.Cursor{LastID: "b0"}})
	var stored []string
	s := &Scheduler{Store: st, Sink: func(_ context.Context, src *Source, ms []mw.Mention) error {
		if src.Config.Name == "bad" {
			var scores []float32
			_ = scores[len(ms)] // index out of range, as a scorer's bug
		}
		stored = append(stored, ms[0].NativeID)
		return nil
	}}
	res := s.RunOnce(context.Background(), bad)
	if res.Err == nil || !strings.Contains(res.Err.Error(), "panicked") || !strings.Contains(res.Err.Error(), "source bad") {
		t.Fatalf("run of the panicking source: %+v, want an error naming it and the panic", res)
	}
	if got := st.Saved("bad"); got.Cursor.LastID != "b0" || got.ConsecutiveErrors != 1 {
		t.Errorf("state after the panic: %+v, want the old cursor and one error", got)
	}
	if res := s.RunOnce(context.Background(), good); res.Err != nil || len(stored) != 1 || stored[0] != "g1" {
		t.Fatalf("the other source after the panic: %+v, stored %v", res, stored)
	}
}

// TestCollectorPanicKeepsTheStackInTheLog: a collector's panic put its
// whole stack trace (goroutine dumps, file paths) into the error the
// source's state keeps and the dashboard's source health shows. The stack
// now goes to the log; the stored error is one line naming the source and
// the panic.
func TestCollectorPanicKeepsTheStackInTheLog(t *testing.T) {
	boom := &fakeCollector{fn: func(int32, mw.Cursor) ([]mw.Mention, mw.Cursor, error) {
		var m map[string]*int
		return nil, mw.Cursor{}, fmt.Errorf("%d", *m["x"]) // nil dereference, as a parser's bug
	}}
	var logs strings.Builder
	st := NewMemStates()
	s := &Scheduler{Store: st, Log: slog.New(slog.NewTextHandler(&logs, nil)), Sink: func(context.Context, *Source, []mw.Mention) error { return nil }}
	res := s.RunOnce(context.Background(), src("boom", boom, time.Minute))
	if res.Err == nil || !strings.Contains(res.Err.Error(), "collector boom panicked") {
		t.Fatalf("run: %+v", res)
	}
	saved := st.Saved("boom").LastError
	if saved == "" || strings.Contains(saved, "\n") || strings.Contains(saved, "goroutine") || strings.Contains(saved, ".go:") {
		t.Errorf("stored error holds more than one line:\n%s", saved)
	}
	if !strings.Contains(logs.String(), "stack=") || !strings.Contains(logs.String(), "goroutine") {
		t.Errorf("the log has no stack:\n%s", logs.String())
	}
}
