package clickhouse

import (
	"context"
	"fmt"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// MentionColumns are the columns of the mentions table in insert order. An
// INSERT must name them: ClickHouse 18.16 does not accept a bare INSERT
// into a table with defaulted or extra columns.
var MentionColumns = []string{
	"id", "brand", "source", "kind", "native_id", "url", "author", "author_reach",
	"title", "text", "rating", "published", "collected", "lang", "sentiment",
	"label", "stage", "stage_confidence", "aspects", "reach", "version",
}

// InsertMentions writes ms in one batch (one INSERT naming its columns).
// Rows get increasing versions, so when an ID is written twice the later
// write wins once the table is read with FINAL or merged.
func (s *Store) InsertMentions(ctx context.Context, ms []mw.Mention) error {
	if len(ms) == 0 {
		return nil
	}
	n := len(ms)
	var (
		id, brand, source, kind, nativeID = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		url, author, title, text          = make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		lang, label, stage                = make([]string, n), make([]string, n), make([]string, n)
		authorReach                       = make([]uint32, n)
		rating, sentiment, stageConf      = make([]float32, n), make([]float32, n), make([]float32, n)
		reach                             = make([]float32, n)
		published, collected              = make([]int64, n), make([]int64, n)
		aspects                           = make([][]string, n)
		version                           = make([]uint64, n)
	)
	v := s.nextVersion(n)
	for i := range ms {
		m := &ms[i]
		if m.ID == "" {
			return fmt.Errorf("clickhouse: inserting mentions: mention %d (source %q, url %q) has no id", i, m.Source, m.URL)
		}
		id[i], brand[i], source[i], kind[i], nativeID[i] = m.ID, m.Brand, m.Source, m.Kind, m.NativeID
		url[i], author[i], title[i], text[i] = m.URL, m.Author, m.Title, m.Text
		lang[i], label[i], stage[i] = m.Lang, string(m.Label), string(m.Stage)
		authorReach[i] = m.AuthorReach
		rating[i], sentiment[i], stageConf[i], reach[i] = m.Rating, m.Sentiment, m.StageConfidence, m.Reach
		published[i], collected[i] = toSec(m.Published), toSec(m.Collected)
		aspects[i] = m.Aspects
		if aspects[i] == nil {
			aspects[i] = []string{}
		}
		version[i] = v + uint64(i)
	}
	ctx = s.writeCtx(ctx)
	batch, err := s.conn.PrepareBatch(ctx, "INSERT INTO "+s.MentionsTable()+" ("+strings.Join(MentionColumns, ", ")+")")
	if err != nil {
		return fmt.Errorf("clickhouse: preparing insert of %d mentions: %w", n, err)
	}
	defer batch.Abort()
	cols := []any{id, brand, source, kind, nativeID, url, author, authorReach,
		title, text, rating, published, collected, lang, sentiment,
		label, stage, stageConf, aspects, reach, version}
	for i, c := range cols {
		if err := batch.Column(i).Append(c); err != nil {
			return fmt.Errorf("clickhouse: inserting mentions: column %s: %w", MentionColumns[i], err)
		}
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("clickhouse: inserting %d mentions: %w", n, err)
	}
	return nil
}

// mentionSelect reads the columns scanMention expects.
const mentionSelect = `SELECT id, brand, source, kind, native_id, url, author, author_reach,
    title, text, rating, published, collected, lang, sentiment,
    label, stage, stage_confidence, aspects, reach, version`

// Mentions returns the latest version of the mentions matching q, newest
// first or by impact (negativity × reach, then newest).
func (s *Store) Mentions(ctx context.Context, q store.MentionQuery) ([]mw.Mention, error) {
	// Key filters narrow the read; the others apply to the latest version
	// of each mention only, never to an older version of it.
	var key, rest where
	if len(q.Brands) > 0 {
		key.in("brand", q.Brands)
	}
	if !q.From.IsZero() {
		key.add("published >= toDateTime(?)", toSec(q.From))
	}
	if !q.To.IsZero() {
		key.add("published < toDateTime(?)", toSec(q.To))
	}
	if len(q.IDs) > 0 {
		key.in("id", q.IDs)
	}
	if q.Label != "" {
		rest.add("label = ?", string(q.Label))
	}
	if q.Stage != "" {
		rest.add("stage = ?", string(q.Stage))
	}
	if q.Aspect != "" {
		rest.add("has(aspects, ?)", q.Aspect)
	}
	if q.Author != "" {
		rest.add("author = ?", q.Author)
	}
	if q.Source != "" {
		rest.add("source = ?", q.Source)
	}
	var order string
	switch q.OrderBy {
	case "", store.ByPublished:
		order = "published DESC, id"
	case store.ByImpact:
		order = "if(sentiment < 0, -sentiment * greatest(reach, 1), 0) DESC, published DESC, id"
	default:
		return nil, fmt.Errorf("clickhouse: querying mentions: unknown order %q (want %q or %q)", q.OrderBy, store.ByPublished, store.ByImpact)
	}
	// The sort key holds published, so FINAL collapses re-inserts of an ID
	// only while published is unchanged; LIMIT 1 BY id keeps the newest
	// version of an ID whose published time changed.
	n := limit(q.Limit)
	query := fmt.Sprintf(`SELECT * FROM (
%s
FROM %s FINAL%s
ORDER BY version DESC
LIMIT 1 BY id
)%s
ORDER BY %s
LIMIT %d`, mentionSelect, s.MentionsTable(), key.String(), rest.String(), order, n)
	rows, err := s.conn.Query(ctx, query, append(key.args, rest.args...)...)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: querying mentions: %w", err)
	}
	defer rows.Close()
	out := make([]mw.Mention, 0, min(n, 1024))
	for rows.Next() {
		var (
			m                    mw.Mention
			label, stage         string
			published, collected int64
			version              uint64
		)
		if err := rows.Scan(&m.ID, &m.Brand, &m.Source, &m.Kind, &m.NativeID, &m.URL, &m.Author, &m.AuthorReach,
			&m.Title, &m.Text, &m.Rating, &published, &collected, &m.Lang, &m.Sentiment,
			&label, &stage, &m.StageConfidence, &m.Aspects, &m.Reach, &version); err != nil {
			return nil, fmt.Errorf("clickhouse: reading mentions: %w", err)
		}
		m.Label, m.Stage = mw.Label(label), mw.Stage(stage)
		m.Published, m.Collected = fromSec(published), fromSec(collected)
		if len(m.Aspects) == 0 {
			m.Aspects = nil
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: reading mentions: %w", err)
	}
	return out, nil
}

// Series counts mentions (and negative ones) per bucket, brand and key,
// from the deduplicated mentions table. Buckets are Step wide and aligned
// to the Unix epoch; with Step 0 there is one bucket, reported at From.
// Points come ordered by bucket, brand, key.
func (s *Store) Series(ctx context.Context, q store.SeriesQuery) ([]store.SeriesPoint, error) {
	var bucket string
	var args []any
	switch {
	case q.Step < 0 || q.Step%time.Second != 0:
		return nil, fmt.Errorf("clickhouse: querying series: step %s is not a whole, positive number of seconds", q.Step)
	case q.Step == 0:
		bucket = "toUInt64(0)"
	case q.Step == time.Hour:
		bucket = "toUInt64(toStartOfHour(published))"
	default:
		bucket = "toUInt64(intDiv(toUInt32(published), ?) * ?)"
		step := uint32(q.Step / time.Second)
		args = append(args, step, step)
	}
	var key string
	switch q.GroupBy {
	case store.GroupNone:
		key = "''"
	case store.GroupLabel, store.GroupStage, store.GroupSource, store.GroupLang, store.GroupBrand:
		key = q.GroupBy
	case store.GroupAspect:
		key = "arrayJoin(arrayDistinct(aspects))"
	default:
		return nil, fmt.Errorf("clickhouse: querying series: unknown group %q", q.GroupBy)
	}
	var w where
	if len(q.Brands) > 0 {
		w.in("brand", q.Brands)
	}
	if !q.From.IsZero() {
		w.add("published >= toDateTime(?)", toSec(q.From))
	}
	if !q.To.IsZero() {
		w.add("published < toDateTime(?)", toSec(q.To))
	}
	args = append(args, w.args...)
	// Deduplicate by id first (see Mentions), then count.
	query := fmt.Sprintf(`SELECT %s AS bucket, brand, toString(%s) AS grp,
    count() AS n, countIf(label = 'negative') AS neg
FROM (
    SELECT id, version, published, brand, label, stage, source, lang, aspects
    FROM %s FINAL%s
    ORDER BY version DESC
    LIMIT 1 BY id
)
GROUP BY bucket, brand, grp
ORDER BY bucket, brand, grp`, bucket, key, s.MentionsTable(), w.String())
	rows, err := s.conn.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: querying series: %w", err)
	}
	defer rows.Close()
	var out []store.SeriesPoint
	for rows.Next() {
		var (
			p store.SeriesPoint
			b uint64
		)
		if err := rows.Scan(&b, &p.Brand, &p.Key, &p.Count, &p.Negative); err != nil {
			return nil, fmt.Errorf("clickhouse: reading series: %w", err)
		}
		if q.Step == 0 {
			p.Bucket = q.From
		} else {
			p.Bucket = time.Unix(int64(b), 0).UTC()
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: reading series: %w", err)
	}
	return out, nil
}
