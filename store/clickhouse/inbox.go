package clickhouse

import (
	"context"
	"fmt"
	"slices"
	"strings"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/query"
	"github.com/mentionwatch/mentionwatch/store"
)

// impactExpr is Mention.Impact in SQL, in float64 like the Go method, so
// that a cursor's impact compares exactly with the stored rows'.
const impactExpr = "if(sentiment < 0, -toFloat64(sentiment) * greatest(toFloat64(reach), 1), 0)"

// latestTriage selects each mention's latest triage row (argMax over the
// version; no FINAL, which 18.16 runs single-threaded per part).
func (s *Store) latestTriage(cols string) string {
	return fmt.Sprintf("SELECT mention_id, %s FROM %s GROUP BY mention_id", cols, s.schema.Read(tableTriage))
}

// orderAfter returns the ORDER BY of q (ByPublished or ByImpact) and adds
// the keyset condition of q.After: rows strictly after the cursor's row in
// that order. published <= the cursor's time also narrows the primary key.
func orderAfter(q store.MentionQuery, key, rest *where) (string, error) {
	a := q.After
	switch q.OrderBy {
	case "", store.ByPublished:
		if a != nil {
			p := toSec(a.Published)
			key.add("published <= toDateTime(?)", p)
			rest.add("(published < toDateTime(?) OR (published = toDateTime(?) AND id > ?))", p, p, a.ID)
		}
		return "published DESC, id", nil
	case store.ByImpact:
		if a != nil {
			p := toSec(a.Published)
			rest.add("("+impactExpr+" < ? OR ("+impactExpr+" = ? AND (published < toDateTime(?) OR (published = toDateTime(?) AND id > ?))))",
				a.Impact, a.Impact, p, p, a.ID)
		}
		return impactExpr + " DESC, published DESC, id", nil
	}
	return "", fmt.Errorf("clickhouse: querying mentions: unknown order %q (want %q, %q or %q)", q.OrderBy, store.ByPublished, store.ByImpact, store.ByCollected)
}

// filters adds q's non-key filters to w: columns of the mention, its
// triage (a subquery over the latest triage rows) and the text search.
func (s *Store) filters(w *where, q store.MentionQuery) {
	for _, f := range q.ColumnEquals() {
		w.add(f.Column+" = ?", f.Value)
	}
	if q.Author != "" {
		w.authorIs(store.AuthorKey(q.Author))
	}
	if q.Aspect != "" {
		w.add("has(aspects, ?)", q.Aspect)
	}
	if q.MinRating > 0 {
		w.add("rating >= ?", float64(q.MinRating))
	}
	if q.MaxRating > 0 {
		w.add("rating <= ?", float64(q.MaxRating))
	}
	if q.Tag != "" {
		w.add("id IN (SELECT mention_id FROM ("+s.latestTriage("argMax(tags, version) AS t")+") WHERE has(t, ?))", q.Tag)
	}
	if names, nobody := store.SplitAssignees(q.Assignees); len(names) > 0 || nobody {
		var alts []string
		args := make([]any, len(names))
		for i, a := range names {
			args[i] = a
		}
		if len(names) > 0 {
			alts = append(alts, "id IN (SELECT mention_id FROM ("+s.latestTriage("argMax(assignee, version) AS a")+") WHERE a IN ("+placeholders(len(args))+"))")
		}
		if nobody {
			alts = append(alts, "id NOT IN (SELECT mention_id FROM ("+s.latestTriage("argMax(assignee, version) AS a")+") WHERE a != '')")
		}
		w.add("("+strings.Join(alts, " OR ")+")", args...)
	}
	switch q.State {
	case "":
	case store.StateNew:
		w.add("id NOT IN (SELECT mention_id FROM ("+s.latestTriage("argMax(state, version) AS st")+") WHERE st != ?)", string(store.StateNew))
	default:
		w.add("id IN (SELECT mention_id FROM ("+s.latestTriage("argMax(state, version) AS st")+") WHERE st = ?)", string(q.State))
	}
	// Search: a scan of title and text, word by word (ClickHouse 18.16 has
	// no skip indexes), for each word's query.FoldPattern: any case, any
	// accent, precomposed or not, as query.Fold reads text (a
	// case-insensitive substring scan folded no accents: "cafe" missed
	// "Café", and "istanbul" missed "İSTANBUL"). It is a superset of what
	// the query evaluator accepts, which has the last word.
	for _, c := range q.Search {
		var alts []string
		var args []any
		for _, t := range c {
			if len(t.Words) == 0 {
				continue
			}
			var all []string
			for _, word := range t.Words {
				p := query.FoldPattern(word)
				all = append(all, "(match(title, ?) OR match(text, ?))")
				args = append(args, p, p)
			}
			alts = append(alts, "("+strings.Join(all, " AND ")+")")
		}
		if len(alts) > 0 {
			w.add("("+strings.Join(alts, " OR ")+")", args...)
		}
	}
}

// exportBlockRows is the block size EachMention asks the server for.
const exportBlockRows = 4096

// EachMention streams every mention matching q, deduplicated like
// mentionsFinal, in q's order. The server sorts; this process holds one
// block of rows at a time.
func (s *Store) EachMention(ctx context.Context, q store.MentionQuery, fn func(mw.Mention) error) error {
	if err := store.CheckSearch(q.Search); err != nil {
		return fmt.Errorf("clickhouse: querying mentions: %w", err)
	}
	key, rest := s.mentionWhere(q)
	if !q.CollectedFrom.IsZero() {
		rest.add("collected >= toDateTime(?)", toSec(q.CollectedFrom))
	}
	moved, err := s.movedVersions(ctx, q.Brands, key)
	if err != nil {
		return err
	}
	if q.OrderBy == "" || q.OrderBy == store.ByPublished {
		if _, err := orderAfter(q, &key, &rest); err != nil {
			return err
		}
		return s.eachNewest(ctx, key, rest, q.Limit, moved, fn)
	}
	order := "collected, id"
	if q.OrderBy != store.ByCollected {
		var err error
		if order, err = orderAfter(q, &key, &rest); err != nil {
			return err
		}
	}
	lim := ""
	if q.Limit > 0 {
		// A stale row of a moved mention is skipped here, after the LIMIT.
		lim = fmt.Sprintf("\nLIMIT %d", q.Limit+len(moved))
	}
	return s.streamMentions(ctx, key, rest, order, lim, q.Limit, moved, fn)
}

// movedVersions returns, for each mention in key's range whose versions
// lie at more than one publication time (a source changed the date of a
// post), the version that is its latest over every row, wherever it lies.
// The export's reads deduplicate by their range or window only, and such
// a mention's older row, in another window or inside the range while its
// latest lies outside, came out too: exported twice, or as it was.
func (s *Store) movedVersions(ctx context.Context, brands []string, key where) (map[string]uint64, error) {
	var w where
	if len(brands) > 0 {
		w.in("brand", brands)
	}
	if len(key.conds) > 0 {
		w.add(fmt.Sprintf("cityHash64(id) IN (SELECT cityHash64(id) FROM %s%s)", s.MentionsTable(), key.String()), key.args...)
	}
	// Moved mentions are rare: count them by the ids' 64-bit hashes
	// first, a third of the cost of grouping the ids themselves (0.8 s
	// against 2.5 s over a million rows on 18.16; a set of hashes for the
	// range, 1.4 s against 4.7 s for a month of four brands), and read
	// their ids only when there are any.
	hashes := fmt.Sprintf(`SELECT cityHash64(id) AS h FROM %s%s
GROUP BY h
HAVING min(published) != max(published)`, s.MentionsTable(), w.String())
	rows, err := s.query(ctx, "SELECT count() FROM ("+hashes+")", w.args...)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: finding moved mentions: %w", err)
	}
	var n uint64
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("clickhouse: finding moved mentions: %w", err)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: finding moved mentions: %w", err)
	}
	if n == 0 {
		return nil, nil
	}
	// A hash shared with an id that did not move adds that id with its
	// latest version: skipping its other rows changes nothing.
	outer := where{conds: append([]string{}, w.conds...), args: append([]any{}, w.args...)}
	outer.add("cityHash64(id) IN ("+hashes+")", w.args...)
	return s.maxVersions(ctx, outer)
}

// stale reports whether a row of id at version is an older version of a
// moved mention (movedVersions).
func stale(moved map[string]uint64, id string, version uint64) bool {
	v, ok := moved[id]
	return ok && v != version
}

// windowRows is about how many rows one window of eachNewest holds (a
// variable so that tests can make windows of a few rows).
var windowRows uint64 = 20_000

// eachNewest streams newest first without a server-side sort or FINAL:
// on ClickHouse 18.16 sorting a million whole rows costs about eight times
// reading them. It counts the rows per hour (one narrow query), then reads
// windows of consecutive hours holding about windowRows rows (or one hour,
// however many it holds), newest window first, in storage order; each
// window is deduplicated (the latest version of each id), filtered and
// sorted here. The primary key (brand, published, id) makes each window
// read only its granules when brands are known, so the brands of the view
// are read first too. A mention whose versions lie at several times
// (movedVersions) is streamed once, at its latest version's place: its
// older rows are skipped (FINAL would keep both).
//
// One goroutine reads the next window while the caller's goroutine hands
// the current one to fn, so the server's read and this process's sorting
// and fn overlap. The channel is unbuffered, so memory is at most two
// windows: the one fn is given and the one being read. fn runs on the
// caller's goroutine only; the reader is stopped and waited for before
// EachMention returns.
func (s *Store) eachNewest(ctx context.Context, key, rest where, limit int, moved map[string]uint64, fn func(mw.Mention) error) error {
	windows, err := s.newestWindows(ctx, key)
	if err != nil {
		return err
	}
	keep := "1"
	if len(rest.conds) > 0 {
		keep = strings.Join(rest.conds, " AND ")
	}
	ctx, cancel := context.WithCancel(ctx)
	type result struct {
		win *mentionWindow
		err error
	}
	ch := make(chan result)
	defer func() { // stop the reader and wait for it: it never outlives the call
		cancel()
		for range ch {
		}
	}()
	go func() { // the reader: owns each window until it sends it
		defer close(ch)
		for _, w := range windows {
			var k where
			k.in("brand", w.brands)
			k = k.and(key)
			k.add("published >= toDateTime(?)", w.from)
			k.add("published < toDateTime(?)", w.to)
			win, err := s.readWindow(ctx, k, keep, rest.args, w.rows)
			select {
			case ch <- result{win, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	n := 0
	for r := range ch {
		if r.err != nil {
			return r.err
		}
		for _, i := range r.win.order {
			if stale(moved, r.win.rows[i].m.ID, r.win.rows[i].version) {
				continue
			}
			if limit > 0 && n == limit {
				return nil
			}
			n++
			if err := fn(r.win.rows[i].m); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

// newestWindow is a span of hours [from, to) in Unix seconds, the brands
// stored in it and how many rows (all versions) it holds.
type newestWindow struct {
	from, to int64
	brands   []string
	rows     uint64
}

// newestWindows counts the rows key selects per hour and groups
// consecutive hours, newest first, into windows of about windowRows rows.
func (s *Store) newestWindows(ctx context.Context, key where) ([]newestWindow, error) {
	rows, err := s.query(ctx, fmt.Sprintf(`SELECT toUInt32(toStartOfHour(published)) AS h, groupUniqArray(brand), count()
FROM %s%s
GROUP BY h
ORDER BY h DESC`, s.MentionsTable(), key.String()), key.args...)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: counting mentions per hour: %w", err)
	}
	defer rows.Close()
	var windows []newestWindow
	for rows.Next() {
		var (
			h      uint32
			brands []string
			c      uint64
		)
		if err := rows.Scan(&h, &brands, &c); err != nil {
			return nil, fmt.Errorf("clickhouse: counting mentions per hour: %w", err)
		}
		if len(windows) == 0 || windows[len(windows)-1].rows+c > windowRows {
			windows = append(windows, newestWindow{to: int64(h) + 3600})
		}
		w := &windows[len(windows)-1]
		w.from = int64(h)
		for _, b := range brands {
			if !slices.Contains(w.brands, b) {
				w.brands = append(w.brands, b)
			}
		}
		w.rows += c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: counting mentions per hour: %w", err)
	}
	return windows, nil
}

// windowRow is one stored row of a window: a mention, its version and
// whether its filters kept it.
type windowRow struct {
	m       mw.Mention
	version uint64
	keep    bool
}

// mentionWindow is a window's rows in storage order and, in order, the
// positions of the rows to stream: each id's latest version, kept by the
// filters, newest first (ties by id). Sorting positions, not the rows,
// moves 4 bytes per swap instead of a whole mention.
type mentionWindow struct {
	rows  []windowRow
	order []int32
}

// readWindow reads the rows key selects (about expect of them), keeps the
// latest version of each id when it passes keep (rest's conditions, as a
// column), and orders them newest first.
func (s *Store) readWindow(ctx context.Context, key where, keep string, keepArgs []any, expect uint64) (*mentionWindow, error) {
	ctx = ch.Context(ctx, ch.WithSettings(ch.Settings{"max_block_size": exportBlockRows}))
	rows, err := s.query(ctx, fmt.Sprintf(`%s, toUInt8(%s) AS keep
FROM %s%s`, mentionSelect, keep, s.MentionsTable(), key.String()), append(append([]any{}, keepArgs...), key.args...)...)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: querying mentions: %w", err)
	}
	defer rows.Close()
	// A few more rows than counted may arrive (a write since the count).
	win := &mentionWindow{rows: make([]windowRow, 0, expect+expect/16+16)}
	latest := make(map[string]int32, expect)
	var sc rowScanner
	for rows.Next() {
		win.rows = append(win.rows, windowRow{})
		r := &win.rows[len(win.rows)-1]
		if err := sc.scan(rows, r); err != nil {
			return nil, err
		}
		if i, ok := latest[r.m.ID]; ok {
			if win.rows[i].version < r.version {
				win.rows[i] = *r
			}
			win.rows = win.rows[:len(win.rows)-1]
			continue
		}
		latest[r.m.ID] = int32(len(win.rows) - 1)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: reading mentions: %w", err)
	}
	win.order = make([]int32, 0, len(win.rows))
	for i := range win.rows {
		if win.rows[i].keep {
			win.order = append(win.order, int32(i))
		}
	}
	slices.SortFunc(win.order, func(a, b int32) int {
		x, y := &win.rows[a].m, &win.rows[b].m
		if c := y.Published.Compare(x.Published); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	return win, nil
}

// streamMentions runs the deduplicating read of mentionsFinal without a
// limit and hands each row to fn.
func (s *Store) streamMentions(ctx context.Context, key, rest where, order, lim string, limit int, moved map[string]uint64, fn func(mw.Mention) error) error {
	// Small blocks: the driver holds a few decoded blocks at a time, so
	// their size is this process's memory for the whole stream.
	ctx = ch.Context(ctx, ch.WithSettings(ch.Settings{"max_block_size": exportBlockRows}))
	rows, err := s.query(ctx, fmt.Sprintf(`SELECT * FROM (
%s
FROM %s FINAL%s
ORDER BY version DESC
LIMIT 1 BY id
)%s
ORDER BY %s%s`, mentionSelect, s.MentionsTable(), key.String(), rest.String(), order, lim), append(key.args, rest.args...)...)
	if err != nil {
		return fmt.Errorf("clickhouse: querying mentions: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		m, version, err := scanMentionVersion(rows)
		if err != nil {
			return err
		}
		if stale(moved, m.ID, version) {
			continue
		}
		if limit > 0 && n == limit {
			return nil
		}
		n++
		if err := fn(m); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("clickhouse: reading mentions: %w", err)
	}
	return nil
}

// AuthorHistory reads, in one narrow scan (PREWHERE on the author
// column: 18.16 would otherwise read every column of every row; the
// author key, which costs more, only for the rows that pass), each author
// key's ids with their versions and times, counts the distinct ids, picks
// the newest perAuthor, and reads only those rows whole by their sort
// key. Authors sharing a key share its history.
func (s *Store) AuthorHistory(ctx context.Context, authors []string, perAuthor int) (map[string]store.AuthorHistory, error) {
	var keys []string
	for _, a := range authors {
		if k := store.HistoryKey(a); k != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	out := map[string]store.AuthorHistory{}
	if len(keys) == 0 {
		return out, nil
	}
	narrow, args := authorNarrow(keys)
	exact, exactArgs := authorExact(keys)
	rows, err := s.query(ctx, fmt.Sprintf(`SELECT %s, brand, toInt64(toUInt32(published)), id, version
FROM %s
PREWHERE %s
WHERE %s`, authorKeyExpr, s.MentionsTable(), narrow, exact), append(args, exactArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: reading authors' mentions: %w", err)
	}
	byKey := map[string]map[string]candidate{}
	for rows.Next() {
		var (
			k string
			c candidate
		)
		if err := rows.Scan(&k, &c.brand, &c.published, &c.id, &c.version); err != nil {
			rows.Close()
			return nil, fmt.Errorf("clickhouse: reading authors' mentions: %w", err)
		}
		if byKey[k] == nil {
			byKey[k] = map[string]candidate{}
		}
		if old, ok := byKey[k][c.id]; !ok || c.version > old.version {
			byKey[k][c.id] = c
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: reading authors' mentions: %w", err)
	}
	// A mention written again under another author belongs to its latest
	// one only (as the Author filter has it): keep the ids whose latest
	// version at their sort key is the one read here. The rows are found
	// by the primary index (all rows of each id, wherever they lie in
	// time, would cost a scan of the whole id column).
	var all []candidate
	for _, ids := range byKey {
		for _, c := range ids {
			all = append(all, c)
		}
	}
	latest := map[string]uint64{}
	for chunk := range slices.Chunk(all, maxCandidates) {
		l, err := s.maxVersions(ctx, atKeys(chunk))
		if err != nil {
			return nil, err
		}
		for id, v := range l {
			latest[id] = max(latest[id], v)
		}
	}
	for k, ids := range byKey {
		for id, c := range ids {
			if latest[id] != c.version {
				delete(ids, id)
			}
		}
		if len(ids) == 0 {
			delete(byKey, k)
		}
	}
	var (
		chosen    []candidate
		chosenKey []string // the key of each of chosen
	)
	hist := map[string]store.AuthorHistory{}
	for k, ids := range byKey {
		cs := make([]candidate, 0, len(ids))
		for _, c := range ids {
			cs = append(cs, c)
		}
		slices.SortFunc(cs, func(x, y candidate) int {
			if x.published != y.published {
				return int(y.published - x.published)
			}
			return strings.Compare(x.id, y.id)
		})
		cs = cs[:min(len(cs), max(perAuthor, 1))]
		chosen = append(chosen, cs...)
		for range cs {
			chosenKey = append(chosenKey, k)
		}
		hist[k] = store.AuthorHistory{Count: uint64(len(ids))}
	}
	ms, _, err := s.fetchMentions(ctx, chosen)
	if err != nil {
		return nil, err
	}
	for i, m := range ms {
		if m.ID == "" {
			continue // a write moved it meanwhile
		}
		h := hist[chosenKey[i]]
		h.Recent = append(h.Recent, m)
		hist[chosenKey[i]] = h
	}
	for _, a := range authors {
		if h, ok := hist[store.AuthorKey(a)]; ok {
			out[a] = store.AuthorHistory{Count: h.Count, Recent: slices.Clone(h.Recent)}
		}
	}
	return out, nil
}

var triageColumns = []string{"mention_id", "tags", "assignee", "state", "note", "updated_at", "updated_by", "version"}
var auditColumns = []string{"mention_id", "at", "actor", "field", "old", "new", "seq"}

// Triage reads the latest triage row of each id.
func (s *Store) Triage(ctx context.Context, ids []string) (map[string]store.Triage, error) {
	out := map[string]store.Triage{}
	for chunk := range slices.Chunk(ids, maxCandidates) {
		var w where
		w.in("mention_id", chunk)
		rows, err := s.query(ctx, fmt.Sprintf(`SELECT mention_id, argMax(tags, version), argMax(assignee, version), argMax(state, version),
    argMax(note, version), toInt64(argMax(updated_at, version)), argMax(updated_by, version)
FROM %s%s
GROUP BY mention_id`, s.schema.Read(tableTriage), w.String()), w.args...)
		if err != nil {
			return nil, fmt.Errorf("clickhouse: reading triage: %w", err)
		}
		for rows.Next() {
			var (
				t       store.Triage
				state   string
				updated int64
			)
			if err := rows.Scan(&t.MentionID, &t.Tags, &t.Assignee, &state, &t.Note, &updated, &t.UpdatedBy); err != nil {
				rows.Close()
				return nil, fmt.Errorf("clickhouse: reading triage: %w", err)
			}
			if len(t.Tags) == 0 {
				t.Tags = nil
			}
			t.State, t.UpdatedAt = store.TriageState(state), fromSec(updated)
			out[t.MentionID] = t
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("clickhouse: reading triage: %w", err)
		}
	}
	return out, nil
}

// SaveTriage inserts the new triage rows, then the audit entries: two
// INSERTs, not one transaction (ClickHouse has none). A failure between
// them leaves the state changed without its audit; the caller reports the
// error and the change can be made again.
func (s *Store) SaveTriage(ctx context.Context, ts []store.Triage, audit []store.AuditEntry) error {
	ctx = s.writeCtx(ctx)
	if len(ts) > 0 {
		batch, err := s.conn.PrepareBatch(ctx, "INSERT INTO "+s.schema.Read(tableTriage)+" ("+strings.Join(triageColumns, ", ")+")")
		if err != nil {
			return fmt.Errorf("clickhouse: preparing triage insert: %w", err)
		}
		defer batch.Abort()
		v := s.nextVersion(len(ts))
		for i, t := range ts {
			tags := t.Tags
			if tags == nil {
				tags = []string{}
			}
			if err := batch.Append(t.MentionID, tags, t.Assignee, string(t.State), t.Note, toSec(t.UpdatedAt), t.UpdatedBy, v+uint64(i)); err != nil {
				return fmt.Errorf("clickhouse: saving the triage of mention %s: %w", t.MentionID, err)
			}
		}
		if err := batch.Send(); err != nil {
			return fmt.Errorf("clickhouse: saving triage of %d mentions: %w", len(ts), err)
		}
	}
	if len(audit) > 0 {
		batch, err := s.conn.PrepareBatch(ctx, "INSERT INTO "+s.schema.Read(tableAudit)+" ("+strings.Join(auditColumns, ", ")+")")
		if err != nil {
			return fmt.Errorf("clickhouse: preparing audit insert: %w", err)
		}
		defer batch.Abort()
		v := s.nextVersion(len(audit))
		for i, a := range audit {
			if err := batch.Append(a.MentionID, toSec(a.At), a.Actor, a.Field, a.Old, a.New, v+uint64(i)); err != nil {
				return fmt.Errorf("clickhouse: recording the audit of mention %s: %w", a.MentionID, err)
			}
		}
		if err := batch.Send(); err != nil {
			return fmt.Errorf("clickhouse: recording %d audit entries: %w", len(audit), err)
		}
	}
	return nil
}

// Audit reads the trail of ids, oldest first.
func (s *Store) Audit(ctx context.Context, ids []string) ([]store.AuditEntry, error) {
	var out []store.AuditEntry
	for chunk := range slices.Chunk(ids, maxCandidates) {
		var w where
		w.in("mention_id", chunk)
		rows, err := s.query(ctx, fmt.Sprintf(`SELECT mention_id, toInt64(at), actor, field, old, new
FROM %s%s
ORDER BY at, seq`, s.schema.Read(tableAudit), w.String()), w.args...)
		if err != nil {
			return nil, fmt.Errorf("clickhouse: reading the audit trail: %w", err)
		}
		for rows.Next() {
			var (
				a  store.AuditEntry
				at int64
			)
			if err := rows.Scan(&a.MentionID, &at, &a.Actor, &a.Field, &a.Old, &a.New); err != nil {
				rows.Close()
				return nil, fmt.Errorf("clickhouse: reading the audit trail: %w", err)
			}
			a.At = fromSec(at)
			out = append(out, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("clickhouse: reading the audit trail: %w", err)
		}
	}
	slices.SortStableFunc(out, func(a, b store.AuditEntry) int { return a.At.Compare(b.At) })
	return out, nil
}

// Assignees lists the assignees of the latest triage rows, the earliest
// in use first.
func (s *Store) Assignees(ctx context.Context) ([]string, error) {
	rows, err := s.query(ctx, `SELECT a FROM (`+s.latestTriage("argMax(assignee, version) AS a, argMax(updated_at, version) AS at")+`)
WHERE a != ''
GROUP BY a
ORDER BY min(at), a`)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: listing assignees: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, fmt.Errorf("clickhouse: listing assignees: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: listing assignees: %w", err)
	}
	return out, nil
}
