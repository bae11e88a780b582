package clickhouse

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

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
	"lang_hint", "lang_by",
}

// InsertMentions writes ms, as store.Clean maps them, in one batch (one
// INSERT naming its columns). Rows get increasing versions, so when an ID
// is written twice the later write wins once the table is read with FINAL
// or merged.
func (s *Store) InsertMentions(ctx context.Context, ms []mw.Mention) error {
	if len(ms) == 0 {
		return nil
	}
	n := len(ms)
	var (
		id, brand, source, kind, nativeID = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		url, author, title, text          = make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		lang, label, stage                = make([]string, n), make([]string, n), make([]string, n)
		langHint, langBy                  = make([]string, n), make([]string, n)
		authorReach                       = make([]uint32, n)
		rating, sentiment, stageConf      = make([]float32, n), make([]float32, n), make([]float32, n)
		reach                             = make([]float32, n)
		published, collected              = make([]int64, n), make([]int64, n)
		aspects                           = make([][]string, n)
		version                           = make([]uint64, n)
	)
	v := s.nextVersion(n)
	for i := range ms {
		c := store.Clean(ms[i])
		m := &c
		id[i], brand[i], source[i], kind[i], nativeID[i] = m.ID, m.Brand, m.Source, m.Type, m.NativeID
		url[i], author[i], title[i], text[i] = m.URL, m.Author, m.Title, m.Text
		lang[i], label[i], stage[i] = m.Lang, string(m.Label), string(m.Stage)
		langHint[i], langBy[i] = m.LangHint, m.LangBy
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
		label, stage, stageConf, aspects, reach, version, langHint, langBy}
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
    label, stage, stage_confidence, aspects, reach, version, lang_hint, lang_by`

// mentionWhere splits q's conditions: key narrows the read by the sort key
// (brand, published, id), rest filters the other columns.
func (s *Store) mentionWhere(q store.MentionQuery) (key, rest where) {
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
	s.filters(&rest, q)
	return key, rest
}

// Mentions returns the latest version of the mentions matching q, newest
// first or by impact (negativity × reach, then newest). Every filter
// applies to the latest version of a mention, never to an older one.
//
// Reading with FINAL would make ClickHouse collapse every version of every
// row in range before sorting. Instead the rows are ranked without
// deduplicating, over narrow columns, and the best candidates are checked
// against the latest version of their ID: a row that is its ID's latest
// version and passes the filters is a result. If K candidates yield at
// least n results, those are the true top n (any better latest row would
// rank among the K). Otherwise K grows; past maxCandidates (a query naming
// that many IDs nears ClickHouse's max_query_size) the deduplicating read
// does the work.
func (s *Store) Mentions(ctx context.Context, q store.MentionQuery) ([]mw.Mention, error) {
	if err := store.CheckSearch(q.Search); err != nil {
		return nil, fmt.Errorf("clickhouse: querying mentions: %w", err)
	}
	key, rest := s.mentionWhere(q)
	if q.OrderBy == store.ByCollected {
		return s.mentionsCollected(ctx, key, rest, q)
	}
	order, err := orderAfter(q, &key, &rest)
	if err != nil {
		return nil, err
	}
	if !q.CollectedFrom.IsZero() {
		rest.add("collected >= toDateTime(?)", toSec(q.CollectedFrom))
	}
	n := limit(q.Limit)
	if (q.OrderBy == "" || q.OrderBy == store.ByPublished) && q.Author == "" && len(q.IDs) == 0 {
		ms, ok, err := s.mentionsNewest(ctx, key, rest, order, n)
		if err != nil || ok {
			return ms, err
		}
	}
	for k := n + n/2 + 16; k <= maxCandidates; k *= 4 {
		top, exhausted, err := s.topLatest(ctx, key.and(rest), order, n, k)
		if err != nil {
			return nil, err
		}
		if len(top) >= n || exhausted {
			ms, ok, err := s.fetchMentions(ctx, top)
			if err != nil || ok {
				return ms, err
			}
			break // a write raced the read
		}
	}
	return s.mentionsFinal(ctx, key, rest, order, n)
}

// newestFirstRows is how many stored rows the first window of
// mentionsNewest spans, in units of the candidates it ranks; each next
// window spans newestGrowth times more. Variables only so that tests can
// make windows of a few rows.
var (
	newestFirstRows uint64 = 32
	newestGrowth    uint64 = 16
)

// mentionsNewest answers a newest-first page from the newest rows only:
// ranking every row the filters keep (a search on a word reads the title
// and text of all of them) costs the same whether the page is found in
// the last hour or needs the whole range. It counts the rows per hour
// (one narrow read of published) and ranks, as Mentions does, within a
// window of the newest hours holding about newestFirstRows times the
// candidates, then within windows newestGrowth times larger. A window
// that yields n latest versions holds the true first page: every row
// outside it is older, and the version check looks at the ID's rows
// everywhere. A window with too few matches sets the size of the next
// from its rate of matches; one with none (a rare word) ends the windows.
// ok is false when no window answered (too few matches, or too many stale
// versions): the caller reads the whole range.
func (s *Store) mentionsNewest(ctx context.Context, key, rest where, order string, n int) (ms []mw.Mention, ok bool, err error) {
	rows, err := s.query(ctx, fmt.Sprintf(`SELECT toUInt32(toStartOfHour(published)) AS h, count()
FROM %s%s
GROUP BY h
ORDER BY h DESC`, s.MentionsTable(), key.String()), key.args...)
	if err != nil {
		return nil, false, fmt.Errorf("clickhouse: counting mentions per hour: %w", err)
	}
	type window struct {
		from uint32 // lower bound (an hour), newest window first
		rows uint64 // stored rows from it to the top of the range
	}
	var wins []window
	first := n + n/2 + 16
	target, seen := newestFirstRows*uint64(first), uint64(0)
	for rows.Next() {
		var (
			h uint32
			c uint64
		)
		if err := rows.Scan(&h, &c); err != nil {
			rows.Close()
			return nil, false, fmt.Errorf("clickhouse: counting mentions per hour: %w", err)
		}
		seen += c
		if seen >= target {
			wins = append(wins, window{h, seen})
			target *= newestGrowth
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("clickhouse: counting mentions per hour: %w", err)
	}
	for i := 0; i < len(wins); i++ {
		if wins[i].rows*2 > seen {
			break // nearly everything: the caller's read of the whole range
		}
		win := key.and(where{})
		win.add("published >= toDateTime(?)", wins[i].from)
		for k := first; k <= maxCandidates; k *= 4 {
			top, exhausted, err := s.topLatest(ctx, win.and(rest), order, n, k)
			if err != nil {
				return nil, false, err
			}
			if len(top) >= n {
				ms, ok, err := s.fetchMentions(ctx, top)
				return ms, ok, err
			}
			if !exhausted {
				continue
			}
			// Too few matches here. At this window's rate the page needs
			// about rows × n / matches rows: skip the windows smaller
			// than that (all of them for a word that matched nothing).
			if len(top) == 0 {
				return nil, false, nil
			}
			need := wins[i].rows * uint64(n) / uint64(len(top))
			for i+1 < len(wins) && wins[i+1].rows < need {
				i++
			}
			break
		}
	}
	return nil, false, nil
}

// mentionsCollected reads what was stored since q.CollectedFrom, oldest
// collected first: the alert loop's scan for mentions it has not judged
// yet. The collected filter narrows the rows before the latest version of
// each ID is picked, so the read is of recent rows only, never FINAL over
// the whole published range. With a published range (the alert loop's
// max age), a row is kept only when it is its id's latest version
// anywhere: a mention whose source changed its date to outside the range
// left its older row inside it, which was returned as if current (the
// embedded store and the other orders have only the latest).
func (s *Store) mentionsCollected(ctx context.Context, key, rest where, q store.MentionQuery) ([]mw.Mention, error) {
	if !q.CollectedFrom.IsZero() {
		key.add("collected >= toDateTime(?)", toSec(q.CollectedFrom))
	}
	n := limit(q.Limit)
	ranged := !q.From.IsZero() || !q.To.IsZero()
	for lim := n; ; {
		rows, err := s.query(ctx, fmt.Sprintf(`SELECT * FROM (
%s
FROM %s%s
ORDER BY version DESC
LIMIT 1 BY id
)%s
ORDER BY collected, id
LIMIT %d`, mentionSelect, s.MentionsTable(), key.String(), rest.String(), lim), append(key.args, rest.args...)...)
		if err != nil {
			return nil, fmt.Errorf("clickhouse: querying mentions: %w", err)
		}
		var (
			ms    = make([]mw.Mention, 0, min(lim, 1024))
			cands []candidate
		)
		for rows.Next() {
			m, v, err := scanMentionVersion(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			ms = append(ms, m)
			cands = append(cands, candidate{brand: m.Brand, id: m.ID, version: v})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("clickhouse: reading mentions: %w", err)
		}
		if !ranged || len(ms) == 0 {
			return ms, nil
		}
		var kept []mw.Mention
		for start := 0; start < len(cands); start += maxCandidates {
			chunk := cands[start:min(start+maxCandidates, len(cands))]
			latest, err := s.latestVersions(ctx, chunk)
			if err != nil {
				return nil, err
			}
			for i, c := range chunk {
				if latest[c.id] == c.version {
					kept = append(kept, ms[start+i])
				}
			}
		}
		if len(kept) >= n || len(ms) < lim {
			return kept[:min(len(kept), n)], nil
		}
		lim += len(ms) - len(kept) // as many more as were older rows
	}
}

// maxCandidates bounds the IDs one query names (32 hex digits each).
const maxCandidates = 4000

// candidate is a ranked row: its sort key (brand, time, ID) and version.
type candidate struct {
	brand     string
	published int64
	id        string
	version   uint64
}

// topLatest ranks up to k rows matching w and keeps, in order, the first n
// that are the latest version of their ID. exhausted reports that fewer
// than k rows matched, so no better row exists.
func (s *Store) topLatest(ctx context.Context, w where, order string, n, k int) (top []candidate, exhausted bool, err error) {
	rows, err := s.query(ctx, fmt.Sprintf(`SELECT brand, toInt64(toUInt32(published)), id, version
FROM %s%s
ORDER BY %s
LIMIT %d`, s.MentionsTable(), w.String(), order, k), w.args...)
	if err != nil {
		return nil, false, fmt.Errorf("clickhouse: querying mentions: %w", err)
	}
	var cands []candidate
	for rows.Next() {
		var c candidate
		if err := rows.Scan(&c.brand, &c.published, &c.id, &c.version); err != nil {
			rows.Close()
			return nil, false, fmt.Errorf("clickhouse: reading mentions: %w", err)
		}
		cands = append(cands, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("clickhouse: reading mentions: %w", err)
	}
	if len(cands) == 0 {
		return nil, true, nil
	}
	latest, err := s.latestVersions(ctx, cands)
	if err != nil {
		return nil, false, err
	}
	seen := make(map[string]bool, len(cands))
	for _, c := range cands {
		if len(top) == n {
			break
		}
		if seen[c.id] || latest[c.id] != c.version {
			continue
		}
		seen[c.id] = true
		top = append(top, c)
	}
	return top, len(cands) < k, nil
}

// latestVersions returns the highest version stored for each candidate's
// ID, whatever its time or labels. The brands narrow the read: an ID
// belongs to one brand (MentionID hashes it).
func (s *Store) latestVersions(ctx context.Context, cands []candidate) (map[string]uint64, error) {
	var ids, brands []string
	seenID, seenBrand := make(map[string]bool, len(cands)), map[string]bool{}
	for _, c := range cands {
		if !seenID[c.id] {
			seenID[c.id] = true
			ids = append(ids, c.id)
		}
		if !seenBrand[c.brand] {
			seenBrand[c.brand] = true
			brands = append(brands, c.brand)
		}
	}
	var w where
	w.in("brand", brands)
	w.in("id", ids)
	return s.maxVersions(ctx, w)
}

// maxVersions returns the highest version of each id among the rows w
// selects.
func (s *Store) maxVersions(ctx context.Context, w where) (map[string]uint64, error) {
	rows, err := s.query(ctx, fmt.Sprintf("SELECT id, max(version) FROM %s%s\nGROUP BY id", s.MentionsTable(), w.String()), w.args...)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: checking mention versions: %w", err)
	}
	defer rows.Close()
	latest := map[string]uint64{}
	for rows.Next() {
		var (
			id string
			v  uint64
		)
		if err := rows.Scan(&id, &v); err != nil {
			return nil, fmt.Errorf("clickhouse: reading mention versions: %w", err)
		}
		latest[id] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: reading mention versions: %w", err)
	}
	return latest, nil
}

// fetchMentions reads the chosen rows whole, in the candidates' order, by
// their full sort key: the primary index then finds exactly the granules
// that hold them (an ID list alone makes ClickHouse read every ID in
// range, and an author's rows lie scattered over the whole table).
func (s *Store) fetchMentions(ctx context.Context, top []candidate) ([]mw.Mention, bool, error) {
	if len(top) == 0 {
		return []mw.Mention{}, true, nil
	}
	w := atKeys(top)
	ms, err := s.scanMentions(ctx, fmt.Sprintf(`%s
FROM %s%s
ORDER BY version DESC
LIMIT 1 BY id`, mentionSelect, s.MentionsTable(), w.String()), len(top), w.args...)
	if err != nil {
		return nil, false, err
	}
	pos := make(map[string]int, len(top))
	for i, c := range top {
		pos[c.id] = i
	}
	out := make([]mw.Mention, len(top))
	found := 0
	for _, m := range ms {
		if i, ok := pos[m.ID]; ok {
			out[i] = m
			found++
		}
	}
	// A newer write of a chosen ID that moved its time raced the read:
	// rare; the caller reads again the slow way.
	return out, found == len(top), nil
}

// atKeys is the condition "the row has the sort key (brand, published,
// id) of one of cands": the primary index then finds exactly the granules
// that hold them.
func atKeys(cands []candidate) where {
	var w where
	tuples := make([]string, len(cands))
	args := make([]any, 0, 3*len(cands))
	for i, c := range cands {
		tuples[i] = "(?, toDateTime(?), ?)"
		args = append(args, c.brand, c.published, c.id)
	}
	w.add("(brand, published, id) IN ("+strings.Join(tuples, ", ")+")", args...)
	return w
}

// mentionsFinal deduplicates every row the key selects (FINAL, then the
// newest version of an ID whose published time changed), then filters
// what is left and ranks it.
func (s *Store) mentionsFinal(ctx context.Context, key, rest where, order string, n int) ([]mw.Mention, error) {
	return s.scanMentions(ctx, fmt.Sprintf(`SELECT * FROM (
%s
FROM %s FINAL%s
ORDER BY version DESC
LIMIT 1 BY id
)%s
ORDER BY %s
LIMIT %d`, mentionSelect, s.MentionsTable(), key.String(), rest.String(), order, n), min(n, 1024), append(key.args, rest.args...)...)
}

// scanMentions runs a query selecting mentionSelect's columns.
func (s *Store) scanMentions(ctx context.Context, query string, capacity int, args ...any) ([]mw.Mention, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: querying mentions: %w", err)
	}
	defer rows.Close()
	out := make([]mw.Mention, 0, capacity)
	for rows.Next() {
		m, err := scanMention(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: reading mentions: %w", err)
	}
	return out, nil
}

// rowScanner reads rows of mentionSelect's columns and a UInt8 after
// them into windowRows (the export's windows), with one set of scan targets for all rows (a
// fresh []any of pointers per row would cost an allocation of the row
// and of the slice each time).
type rowScanner struct {
	r                    windowRow
	label, stage         string
	published, collected int64
	keep                 uint8
	dst                  []any
}

// scan reads the current row of rows into r.
func (sc *rowScanner) scan(rows driver.Rows, r *windowRow) error {
	if sc.dst == nil {
		m := &sc.r.m
		sc.dst = []any{&m.ID, &m.Brand, &m.Source, &m.Type, &m.NativeID, &m.URL, &m.Author, &m.AuthorReach,
			&m.Title, &m.Text, &m.Rating, &sc.published, &sc.collected, &m.Lang, &m.Sentiment,
			&sc.label, &sc.stage, &m.StageConfidence, &m.Aspects, &m.Reach, &sc.r.version, &m.LangHint, &m.LangBy, &sc.keep}
	}
	if err := rows.Scan(sc.dst...); err != nil {
		return fmt.Errorf("clickhouse: reading mentions: %w", err)
	}
	m := &sc.r.m
	m.Label, m.Stage = mw.Label(sc.label), mw.Stage(sc.stage)
	m.Published, m.Collected = fromSec(sc.published), fromSec(sc.collected)
	if len(m.Aspects) == 0 {
		m.Aspects = nil
	}
	sc.r.keep = sc.keep == 1
	*r = sc.r
	return nil
}

// scanMention reads one row of mentionSelect's columns.
func scanMention(rows driver.Rows) (mw.Mention, error) {
	m, _, err := scanMentionVersion(rows)
	return m, err
}

// scanMentionVersion reads one row of mentionSelect's columns and its
// version.
func scanMentionVersion(rows driver.Rows) (mw.Mention, uint64, error) {
	var (
		m                    mw.Mention
		label, stage         string
		published, collected int64
		version              uint64
	)
	if err := rows.Scan(&m.ID, &m.Brand, &m.Source, &m.Type, &m.NativeID, &m.URL, &m.Author, &m.AuthorReach,
		&m.Title, &m.Text, &m.Rating, &published, &collected, &m.Lang, &m.Sentiment,
		&label, &stage, &m.StageConfidence, &m.Aspects, &m.Reach, &version, &m.LangHint, &m.LangBy); err != nil {
		return m, 0, fmt.Errorf("clickhouse: reading mentions: %w", err)
	}
	m.Label, m.Stage = mw.Label(label), mw.Stage(stage)
	m.Published, m.Collected = fromSec(published), fromSec(collected)
	if len(m.Aspects) == 0 {
		m.Aspects = nil
	}
	return m, version, nil
}

// Series counts mentions (and negative ones) per bucket, brand and key,
// from the deduplicated mentions table. Buckets are Step wide and aligned
// to the Unix epoch; with Step 0 there is one bucket, reported at From.
// Points come ordered by bucket, brand, key. Counts of all mentions of
// named brands in whole hours come from the kept hourly counts
// (series_hours.go), with the same result; a range that starts or ends
// inside an hour (a day from India's midnight, 18:30 UTC) counts only
// its partial hours from mentions (seriesHourEdges). With a Zone, buckets
// follow its wall clock (seriesInZone).
func (s *Store) Series(ctx context.Context, q store.SeriesQuery) ([]store.SeriesPoint, error) {
	if q.Zone != nil && q.Step > 0 {
		return s.seriesInZone(ctx, q)
	}
	if s.keepsHours(q) {
		return s.seriesByHour(ctx, q)
	}
	if pts, ok, err := s.seriesHourEdges(ctx, q); ok {
		return pts, err
	}
	return s.seriesRaw(ctx, q)
}

// wholeHours splits [from, to) into its whole hours, mid, and the partial
// hours at its ends, as spans of Unix seconds.
func wholeHours(from, to time.Time) (midFrom, midTo time.Time, edges [][2]int64) {
	f, t := from.Unix(), to.Unix()
	mf, mt := hourOf(f), hourOf(t)
	if mf < f {
		mf += 3600
	}
	if mf > f {
		edges = append(edges, [2]int64{f, min(mf, t)})
	}
	if mt < t && mt >= mf {
		edges = append(edges, [2]int64{max(mt, f), t})
	}
	return time.Unix(mf, 0).UTC(), time.Unix(mt, 0).UTC(), edges
}

// hourOf is the start of the UTC hour holding Unix second u.
func hourOf(u int64) int64 {
	return time.Unix(u, 0).Truncate(time.Hour).Unix()
}

// seriesHourEdges answers q, whose range does not start or end on the
// hour, from the kept counts of its whole hours and a count from mentions
// of its partial hours at the ends. ok is false when the whole hours
// cannot be read from kept counts (keepsHours).
func (s *Store) seriesHourEdges(ctx context.Context, q store.SeriesQuery) (pts []store.SeriesPoint, ok bool, err error) {
	if q.From.IsZero() || q.To.IsZero() {
		return nil, false, nil
	}
	mid := q
	var edges [][2]int64
	mid.From, mid.To, edges = wholeHours(q.From, q.To)
	if !mid.From.Before(mid.To) || !s.keepsHours(mid) {
		return nil, false, nil
	}
	hours, err := s.seriesByHour(ctx, mid)
	if err != nil {
		return nil, true, err
	}
	ends, err := s.seriesRaw(ctx, q, edges...)
	if err != nil {
		return nil, true, err
	}
	if q.Step == 0 { // one bucket, reported at From
		for i := range hours {
			hours[i].Bucket = q.From
		}
	}
	return addPoints(hours, ends), true, nil
}

// addPoints adds up two sets of points by bucket, brand and key, ordered
// as Series returns them.
func addPoints(a, b []store.SeriesPoint) []store.SeriesPoint {
	type key struct {
		bucket     int64
		brand, key string
	}
	at := make(map[key]int, len(a))
	out := append([]store.SeriesPoint(nil), a...)
	for i, p := range out {
		at[key{p.Bucket.Unix(), p.Brand, p.Key}] = i
	}
	for _, p := range b {
		k := key{p.Bucket.Unix(), p.Brand, p.Key}
		if i, ok := at[k]; ok {
			out[i].Count += p.Count
			out[i].Negative += p.Negative
			continue
		}
		at[k] = len(out)
		out = append(out, p)
	}
	store.SortPoints(out)
	return out
}

// seriesInZone answers a Series in q.Zone: it counts UTC-aligned buckets
// fine enough that each lies inside one of q's local buckets
// (store.FoldGrid), and adds them up in Go (store.FoldSeries). Zones whose
// offsets and changes are whole hours (Jakarta, New York, Berlin) count
// hours, from the kept hourly counts when the range is whole hours;
// others (India, Adelaide: 30 minutes) count from mentions, or, for
// steps of an hour or more, add up the kept hours and count from mentions
// only the hours a local bucket starts inside (seriesSplitHours). Counts of
// distinct IDs add up exactly: a mention's versions share its published
// time, so they fall in one fine bucket. The zone and its rules never
// reach SQL: they are Go's, the same in both stores and on any server.
func (s *Store) seriesInZone(ctx context.Context, q store.SeriesQuery) ([]store.SeriesPoint, error) {
	if err := store.CheckZoneStep(q.Step); err != nil {
		return nil, fmt.Errorf("clickhouse: querying series: %w", err)
	}
	from, to := q.From, q.To
	if from.Unix() < 0 {
		from = time.Unix(0, 0)
	}
	if to.IsZero() || to.Unix() > maxDateTime {
		to = time.Unix(maxDateTime, 0)
	}
	fine := q
	fine.Zone, fine.Step = nil, store.FoldGrid(q.Zone, from, to, q.Step)
	if fine.Step%time.Hour == 0 {
		fine.Step = time.Hour
	}
	if fine.Step%time.Hour != 0 && q.Step >= time.Hour { // 30 minutes for India's days, 90 for Adelaide's 6 hours
		pts, ok, err := s.seriesSplitHours(ctx, q, fine)
		if err != nil || ok {
			return store.FoldSeries(q, pts), err
		}
	}
	pts, err := s.Series(ctx, fine)
	if err != nil {
		return nil, err
	}
	return store.FoldSeries(q, pts), nil
}

// maxSplitShare is the largest share of a range's hours that
// seriesSplitHours counts from mentions; past it (hours in India) one
// count of the whole range is as quick.
const maxSplitShare = 4

// seriesSplitHours answers q (a zone whose fine grid, fine.Step, is not
// whole hours, and a step of an hour or more) from the kept hourly counts,
// except in the hours a local bucket starts inside (18:30 UTC, India's
// midnight): those are counted in fine buckets from mentions, in one
// query over those hours alone. A day in India then reads 23 kept hours
// and one hour of mentions. ok is false when the range is not whole
// hours or too many hours split (maxSplitShare): the caller counts it all
// from mentions.
func (s *Store) seriesSplitHours(ctx context.Context, q, fine store.SeriesQuery) (pts []store.SeriesPoint, ok bool, err error) {
	hourly := fine
	hourly.Step = time.Hour
	var spans [][2]int64 // counted from mentions: the partial hours at the ends, and the split ones
	hourly.From, hourly.To, spans = wholeHours(fine.From, fine.To)
	if !hourly.From.Before(hourly.To) || !s.keepsHours(hourly) {
		return nil, false, nil
	}
	from, to := hourly.From.Unix(), hourly.To.Unix()
	split := map[int64]bool{}
	for _, b := range store.Buckets(hourly.From, hourly.To, q.Step, q.Zone) {
		u := b.Unix()
		h := u - u%3600
		if u%3600 == 0 || u <= from || u >= to || split[h] {
			continue
		}
		split[h] = true
		spans = append(spans, [2]int64{h, h + 3600})
	}
	if int64(len(spans))*maxSplitShare > (to-from)/3600 {
		return nil, false, nil
	}
	hours, err := s.seriesByHour(ctx, hourly)
	if err != nil {
		return nil, true, err
	}
	for _, p := range hours {
		if !split[p.Bucket.Unix()] {
			pts = append(pts, p)
		}
	}
	if len(spans) == 0 {
		return pts, true, nil
	}
	halves, err := s.seriesRaw(ctx, fine, spans...)
	if err != nil {
		return nil, true, err
	}
	return append(pts, halves...), true, nil
}

// seriesRaw answers Series from the mentions table alone, within spans
// ([start, end) Unix seconds) if any are given: each a whole hour, or
// the part of an hour at an end of [From, To).
func (s *Store) seriesRaw(ctx context.Context, q store.SeriesQuery, spans ...[2]int64) ([]store.SeriesPoint, error) {
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
		bucket = "intDiv(toUInt64(toUInt32(published)), ?) * ?"
		// 64 bits on both sides: a step of 2^32 s cut to 32 bits was 0 (a
		// division by zero), and a 64-bit divisor of a 32-bit column
		// aborts the 18.16 server (libdivide's 32-bit divider is 0).
		step := uint64(q.Step / time.Second)
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
	w := brandsPublished(q.Brands, q.From, q.To)
	if len(spans) > 0 {
		// The hours the spans lie in, as a set: a hundred ranges ORed
		// cost ClickHouse 18.16 more per row than the count they save.
		// Spans lie inside whole hours or at the range's ends, which
		// From and To bound.
		var hours []any
		seen := map[int64]bool{}
		for _, sp := range spans {
			for h := hourOf(sp[0]); h < sp[1]; h += 3600 {
				if !seen[h] {
					seen[h] = true
					hours = append(hours, uint64(h/3600))
				}
			}
		}
		w.add("intDiv(toUInt32(published), 3600) IN ("+placeholders(len(hours))+")", hours...)
	}
	args = append(args, w.args...)
	// Count distinct IDs rather than rows: a mention written twice (a
	// replayed batch, a source read again) counts once, without the cost of
	// collapsing versions with FINAL. IDs are counted by their 64-bit
	// CityHash, three times faster than a set of strings (two of a million
	// IDs collide with odds of about 3e-8). A mention whose label, stage or
	// aspects changed between versions counts under both values until the
	// background merge keeps only its latest version.
	query := fmt.Sprintf(`SELECT %s AS bucket, brand, toString(%s) AS grp,
    uniqExact(cityHash64(id)) AS n, uniqExactIf(cityHash64(id), label = 'negative') AS neg
FROM %s%s
GROUP BY bucket, brand, grp
ORDER BY bucket, brand, grp`, bucket, key, s.MentionsTable(), w.String())
	if q.Step == 0 || (q.Step > time.Hour && q.Step%time.Hour == 0) {
		// Wide buckets count the distinct IDs of each hour and add the
		// hours up. The versions of a mention share its sort key (brand,
		// published, id), so they fall in one hour and the sum is the same
		// exact count; but a set per hour holds hundreds of IDs, where a
		// set per day or per month holds hundreds of thousands and no
		// longer fits in cache: 3x faster over a million mentions.
		outer := "toUInt64(0)"
		var oargs []any
		if q.Step > 0 {
			outer = "intDiv(hour, ?) * ?"
			step := uint64(q.Step / time.Second)
			oargs = append(oargs, step, step)
		}
		query = fmt.Sprintf(`SELECT %s AS bucket, brand, grp, sum(n) AS n, sum(neg) AS neg
FROM (
    SELECT toUInt64(toStartOfHour(published)) AS hour, brand, toString(%s) AS grp,
        uniqExact(cityHash64(id)) AS n, uniqExactIf(cityHash64(id), label = 'negative') AS neg
    FROM %s%s
    GROUP BY hour, brand, grp
)
GROUP BY bucket, brand, grp
ORDER BY bucket, brand, grp`, outer, key, s.MentionsTable(), w.String())
		args = append(oargs, w.args...)
	}
	rows, err := s.query(ctx, query, args...)
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
