package digest_test

import (
	"log/slog"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/digest"
	"github.com/mentionwatch/mentionwatch/digest/digesttest"
	"github.com/mentionwatch/mentionwatch/internal/chtest"
	"github.com/mentionwatch/mentionwatch/store/clickhouse"
)

// TestClickHouseMatchesEmbedded builds the digests from a real ClickHouse
// holding the same data: every format is byte for byte what the embedded
// store gives, so the golden files hold for both. It needs
// $MENTIONWATCH_TEST_CLICKHOUSE_DSN (skips locally without it, fails in CI).
func TestClickHouseMatchesEmbedded(t *testing.T) {
	dsn := chtest.Fresh(t)
	st, err := clickhouse.Open(ctx, mw.StoreConfig{DSN: mw.Secret(dsn)}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := digesttest.Seed(ctx, st); err != nil {
		t.Fatal(err)
	}
	// The same mentions again, as a replayed batch: counted once.
	if err := st.InsertMentions(ctx, digesttest.Mentions()); err != nil {
		t.Fatal(err)
	}
	embedded := seeded(t)
	for _, p := range []digest.Period{digest.Weekly, digest.Daily} {
		end := digesttest.WeekEnd
		if p == digest.Daily {
			end = digesttest.DayEnd
		}
		want, err := digest.Render(build(t, embedded, p, end))
		if err != nil {
			t.Fatal(err)
		}
		got, err := digest.Render(build(t, st, p, end))
		if err != nil {
			t.Fatal(err)
		}
		if got.Text != want.Text || got.HTML != want.HTML || got.Slack != want.Slack {
			t.Errorf("%s: ClickHouse gives another digest:\n%s\nembedded:\n%s", p, got.Text, want.Text)
		}
	}
}
