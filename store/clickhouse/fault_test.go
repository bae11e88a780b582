package clickhouse

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/chtest"
	"github.com/mentionwatch/mentionwatch/store"
)

// The writer spools a batch when InsertMentions fails; this checks that a
// stopped server gives an error (not a hang or a panic) and that the same
// Store works again once the server is back, with nothing lost or doubled.
func TestServerDownAndBack(t *testing.T) {
	srv := chtest.StartPrivate(t)
	s := openDSN(t, chtest.FreshOn(t, srv.DSN()), mw.StoreConfig{})
	ctx := context.Background()

	first := []mw.Mention{mention("acme", "1", 0, mw.Negative, mw.AMOT), mention("acme", "2", time.Minute, mw.Neutral, mw.ZMOT)}
	mustInsert(t, s, first...)

	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	second := []mw.Mention{mention("acme", "3", 2*time.Minute, mw.Negative, mw.AMOT)}
	down, cancel := context.WithTimeout(ctx, 30*time.Second)
	err := s.InsertMentions(down, second)
	cancel()
	if err == nil {
		t.Fatal("insert while the server is down: no error")
	}
	t.Logf("insert while down: %v", err)
	if _, err := s.Mentions(ctx, store.MentionQuery{}); err == nil {
		t.Fatal("query while the server is down: no error")
	}

	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	// The batch the writer kept is sent again, plus a replay of the first.
	mustInsert(t, s, second...)
	mustInsert(t, s, first...)
	got, err := s.Mentions(ctx, store.MentionQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"3", "2", "1"}; fmt.Sprint(ids(got)) != fmt.Sprint(want) {
		t.Errorf("after restart: %v, want %v", ids(got), want)
	}
}

func TestConcurrentUse(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	const writers, batches, per = 4, 5, 50
	var wg sync.WaitGroup
	errs := make(chan error, writers*batches*2)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := 0; b < batches; b++ {
				ms := make([]mw.Mention, per)
				for i := range ms {
					ms[i] = mention("acme", fmt.Sprintf("w%d-b%d-%d", w, b, i), time.Duration(i)*time.Minute, mw.Negative, mw.AMOT)
				}
				if err := s.InsertMentions(ctx, ms); err != nil {
					errs <- err
				}
				if _, err := s.Series(ctx, store.SeriesQuery{Step: time.Hour}); err != nil {
					errs <- err
				}
				if err := s.SaveSourceState(ctx, store.SourceState{Source: fmt.Sprintf("w%d", w), TotalItems: uint64(b)}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	pts, err := s.Series(ctx, store.SeriesQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 1 || pts[0].Count != writers*batches*per {
		t.Errorf("series after concurrent inserts: %+v, want one point of %d", pts, writers*batches*per)
	}
	sts, err := s.SourceStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range sts {
		if st.TotalItems != batches-1 {
			t.Errorf("source %s: last saved state lost (total %d, want %d)", st.Source, st.TotalItems, batches-1)
		}
	}
}

func TestRetentionSetsTTLWhereSupported(t *testing.T) {
	dsn := chtest.Fresh(t)
	s := openDSN(t, dsn, mw.StoreConfig{RetentionDays: 30})
	var engine string
	if err := s.Conn().QueryRow(context.Background(),
		"SELECT engine_full FROM system.tables WHERE database = currentDatabase() AND name = 'mentions'").Scan(&engine); err != nil {
		t.Fatal(err)
	}
	_, ttl := ServerSupport(s.major, s.minor)
	if has := strings.Contains(engine, "TTL"); has != ttl {
		t.Errorf("server %s (TTL support %v): mentions engine %q", s.ServerVersion(), ttl, engine)
	}
	// Changing the retention later is applied by the next Migrate.
	s2 := openDSN(t, dsn, mw.StoreConfig{RetentionDays: 60})
	if err := s2.Conn().QueryRow(context.Background(),
		"SELECT engine_full FROM system.tables WHERE database = currentDatabase() AND name = 'mentions'").Scan(&engine); err != nil {
		t.Fatal(err)
	}
	if ttl && !strings.Contains(engine, "toIntervalDay(60)") {
		t.Errorf("retention change not applied: %q", engine)
	}
}
