package clickhouse

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/chtest"
)

func benchRows(n int) []mw.Mention {
	ms := make([]mw.Mention, n)
	for i := range ms {
		ms[i] = mention("acme", fmt.Sprintf("bench-%d", i), time.Duration(i)*time.Second, mw.Negative, mw.AMOT, "delivery")
		ms[i].Text = strings.Repeat("the parcel is late again ", 8)
	}
	return ms
}

const benchBatch = 10000

// BenchmarkInsertMentions is the store's insert of one 10k batch.
func BenchmarkInsertMentions(b *testing.B) {
	s := openDSN(b, chtest.Fresh(b), mw.StoreConfig{})
	ms := benchRows(benchBatch)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.InsertMentions(context.Background(), ms); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*benchBatch)/b.Elapsed().Seconds(), "mentions/s")
}

// BenchmarkRawDriverInsert is the baseline: a plain clickhouse-go
// PrepareBatch of the same rows, appended row by row.
func BenchmarkRawDriverInsert(b *testing.B) {
	s := openDSN(b, chtest.Fresh(b), mw.StoreConfig{})
	ms := benchRows(benchBatch)
	ctx := context.Background()
	query := "INSERT INTO mentions (" + strings.Join(MentionColumns, ", ") + ")"
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		batch, err := s.Conn().PrepareBatch(ctx, query)
		if err != nil {
			b.Fatal(err)
		}
		for j := range ms {
			m := &ms[j]
			if err := batch.Append(m.ID, m.Brand, m.Source, m.Type, m.NativeID, m.URL, m.Author, m.AuthorReach,
				m.Title, m.Text, m.Rating, m.Published, m.Collected, m.Lang, m.Sentiment,
				string(m.Label), string(m.Stage), m.StageConfidence, m.Aspects, m.Reach, uint64(j), m.LangHint, m.LangBy); err != nil {
				b.Fatal(err)
			}
		}
		if err := batch.Send(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*benchBatch)/b.Elapsed().Seconds(), "mentions/s")
}
