package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/query"
	"github.com/mentionwatch/mentionwatch/store"
)

// migrationInbox is schema version 3.
const migrationInbox = `CREATE TABLE IF NOT EXISTS mention_triage (
		mention_id TEXT PRIMARY KEY,
		tags       TEXT NOT NULL, -- JSON array, sorted
		assignee   TEXT NOT NULL,
		state      TEXT NOT NULL,
		note       TEXT NOT NULL,
		updated_at INTEGER NOT NULL,
		updated_by TEXT NOT NULL
	);
	CREATE INDEX IF NOT EXISTS mention_triage_assignee ON mention_triage (assignee);
	CREATE INDEX IF NOT EXISTS mention_triage_state ON mention_triage (state);
	CREATE TABLE IF NOT EXISTS mention_audit (
		seq        INTEGER PRIMARY KEY AUTOINCREMENT,
		mention_id TEXT NOT NULL,
		at         INTEGER NOT NULL,
		actor      TEXT NOT NULL,
		field      TEXT NOT NULL,
		old        TEXT NOT NULL,
		new        TEXT NOT NULL
	);
	CREATE INDEX IF NOT EXISTS mention_audit_mention ON mention_audit (mention_id, seq);
	CREATE VIRTUAL TABLE IF NOT EXISTS mentions_fts USING fts5(title, text, content='mentions', content_rowid='rowid',
		tokenize="unicode61 remove_diacritics 2 tokenchars '_'");
	CREATE TRIGGER IF NOT EXISTS mentions_fts_insert AFTER INSERT ON mentions BEGIN
		INSERT INTO mentions_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
	END;
	CREATE TRIGGER IF NOT EXISTS mentions_fts_delete AFTER DELETE ON mentions BEGIN
		INSERT INTO mentions_fts (mentions_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
	END;
	CREATE TRIGGER IF NOT EXISTS mentions_fts_update AFTER UPDATE ON mentions BEGIN
		INSERT INTO mentions_fts (mentions_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
		INSERT INTO mentions_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
	END;
	INSERT INTO mentions_fts (mentions_fts) VALUES ('rebuild');`

// migrationFold is schema version 8: the search index holds title and
// text as query.Fold reads them, split into words where query.Tokenize
// splits them (letters, decimal digits and '_'). FTS5's unicode61 folded
// the accents of Latin letters only and took ², ½ and other numbers for
// word characters, so "дмитрий" (folded "дмитрии") missed "Дмитрий",
// "αθηνα" missed "ΑΘΗΝΑ", and "harga" missed "½harga", which the query
// matcher and ClickHouse find. title_fold and text_fold hold Fold of a
// title or text with letters, digits or marks beyond ASCII (empty
// otherwise, searchFold), written by InsertMentions; the triggers index
// them, so deleting mentions with the sqlite3 shell (docs/OPERATIONS.md,
// "Retention") keeps the index right without mentionwatch's code. The
// index is contentless: the triggers give the 'delete' command the
// values it indexed. migrationFoldIndex follows foldExisting.
const migrationFold = `DROP TRIGGER IF EXISTS mentions_fts_insert;
	DROP TRIGGER IF EXISTS mentions_fts_delete;
	DROP TRIGGER IF EXISTS mentions_fts_update;
	DROP TABLE IF EXISTS mentions_fts;
	ALTER TABLE mentions ADD COLUMN title_fold TEXT NOT NULL DEFAULT '';
	ALTER TABLE mentions ADD COLUMN text_fold TEXT NOT NULL DEFAULT '';`

// ftsValues are the values the index holds for a row (new or old).
const ftsValues = `CASE WHEN %[1]s.title_fold = '' THEN %[1]s.title ELSE %[1]s.title_fold END,
	CASE WHEN %[1]s.text_fold = '' THEN %[1]s.text ELSE %[1]s.text_fold END`

// migrationFoldIndex creates the folded index and fills it.
var migrationFoldIndex = `CREATE VIRTUAL TABLE mentions_fts USING fts5(title, text, content='',
		tokenize="unicode61 remove_diacritics 0 categories 'L* Nd' tokenchars '_'");
	CREATE TRIGGER mentions_fts_insert AFTER INSERT ON mentions BEGIN
		INSERT INTO mentions_fts (rowid, title, text) VALUES (new.rowid, ` + fmt.Sprintf(ftsValues, "new") + `);
	END;
	CREATE TRIGGER mentions_fts_delete AFTER DELETE ON mentions BEGIN
		INSERT INTO mentions_fts (mentions_fts, rowid, title, text) VALUES ('delete', old.rowid, ` + fmt.Sprintf(ftsValues, "old") + `);
	END;
	CREATE TRIGGER mentions_fts_update AFTER UPDATE ON mentions BEGIN
		INSERT INTO mentions_fts (mentions_fts, rowid, title, text) VALUES ('delete', old.rowid, ` + fmt.Sprintf(ftsValues, "old") + `);
		INSERT INTO mentions_fts (rowid, title, text) VALUES (new.rowid, ` + fmt.Sprintf(ftsValues, "new") + `);
	END;
	INSERT INTO mentions_fts (rowid, title, text) SELECT rowid, ` + fmt.Sprintf(ftsValues, "mentions") + ` FROM mentions;`

// foldExisting is the Go part of migration 8: it writes title_fold and
// text_fold of the mentions stored before it, then creates the index.
func foldExisting(ctx context.Context, tx *sql.Tx) error {
	for last := int64(-1 << 63); ; {
		rows, err := tx.QueryContext(ctx, `SELECT rowid, title, text FROM mentions WHERE rowid > ? ORDER BY rowid LIMIT 1000`, last)
		if err != nil {
			return err
		}
		type fold struct {
			rowid       int64
			title, text string
		}
		var folds []fold
		n := 0
		for rows.Next() {
			var f fold
			if err := rows.Scan(&f.rowid, &f.title, &f.text); err != nil {
				rows.Close()
				return err
			}
			n++
			last = f.rowid
			f.title, f.text = searchFold(f.title), searchFold(f.text)
			if f.title != "" || f.text != "" {
				folds = append(folds, f)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, f := range folds {
			if _, err := tx.ExecContext(ctx, `UPDATE mentions SET title_fold = ?, text_fold = ? WHERE rowid = ?`, f.title, f.text, f.rowid); err != nil {
				return err
			}
		}
		if n == 0 {
			break
		}
	}
	_, err := tx.ExecContext(ctx, migrationFoldIndex)
	return err
}

// searchFold is what title_fold and text_fold hold for s: query.Fold(s),
// or "" when every character of s beyond ASCII separates words (emoji,
// punctuation, symbols): FTS5 then splits and folds s as Fold does, and
// the text is not stored twice.
func searchFold(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < utf8.RuneSelf {
			continue
		}
		r, _ := utf8.DecodeRuneInString(s[i:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
			return query.Fold(s)
		}
	}
	return ""
}

// upsertMention makes a second write of an id an UPDATE (the FTS triggers
// see it; INSERT OR REPLACE would delete without firing them).
const upsertMention = ` ON CONFLICT (id) DO UPDATE SET brand = excluded.brand, source = excluded.source, kind = excluded.kind,
	native_id = excluded.native_id, url = excluded.url, author = excluded.author, author_reach = excluded.author_reach,
	title = excluded.title, text = excluded.text, rating = excluded.rating, published = excluded.published,
	collected = excluded.collected, lang = excluded.lang, sentiment = excluded.sentiment, label = excluded.label,
	stage = excluded.stage, stage_confidence = excluded.stage_confidence, aspects = excluded.aspects, reach = excluded.reach,
	lang_hint = excluded.lang_hint, lang_by = excluded.lang_by,
	title_fold = excluded.title_fold, text_fold = excluded.text_fold`

// impactExpr is Mention.Impact in SQL, in the same float64 arithmetic, so
// a cursor's impact compares exactly.
const impactExpr = `(CASE WHEN sentiment < 0 THEN -sentiment * MAX(reach, 1) ELSE 0 END)`

// ftsQuery writes search clauses as an FTS5 expression: clauses ANDed,
// terms ORed, each term a quoted phrase (a prefix with *) of its words as
// query.Fold folds them (the index holds folded text).
func ftsQuery(cs []store.SearchClause) string {
	var parts []string
	for _, c := range cs {
		var alts []string
		for _, t := range c {
			if len(t.Words) == 0 {
				continue
			}
			// FTS5 reads its query as C text, so a NUL would end it
			// ("unterminated string"); the tokenizer splits words there
			// anyway. Quotes double inside the phrase.
			p := `"` + strings.NewReplacer(`"`, `""`, "\x00", " ").Replace(query.Fold(strings.Join(t.Words, " "))) + `"`
			if t.Prefix {
				p += " *"
			}
			alts = append(alts, p)
		}
		if len(alts) > 0 {
			parts = append(parts, "("+strings.Join(alts, " OR ")+")")
		}
	}
	return strings.Join(parts, " AND ")
}

// mentionFilter builds the WHERE clause and ORDER BY of q.
func (s *Store) mentionFilter(q store.MentionQuery) (where, string, error) {
	var w where
	w.in("brand", q.Brands)
	timeRange(&w, q.From, q.To)
	for _, f := range q.ColumnEquals() {
		w.add(f.Column+" = ?", f.Value)
	}
	if q.Author != "" {
		w.authorIs(store.AuthorKey(q.Author))
	}
	if q.Aspect != "" {
		w.add("EXISTS (SELECT 1 FROM json_each(mentions.aspects) WHERE json_each.value = ?)", q.Aspect)
	}
	if q.MinRating > 0 {
		w.add("rating >= ?", float64(q.MinRating))
	}
	if q.MaxRating > 0 {
		w.add("rating <= ?", float64(q.MaxRating))
	}
	w.in("id", q.IDs)
	if !q.CollectedFrom.IsZero() {
		w.add("collected >= ?", bound(q.CollectedFrom))
	}
	if q.Tag != "" {
		w.add("id IN (SELECT mention_id FROM mention_triage, json_each(mention_triage.tags) WHERE json_each.value = ?)", q.Tag)
	}
	if names, nobody := store.SplitAssignees(q.Assignees); len(names) > 0 || nobody {
		var alts []string
		if len(names) > 0 {
			alts = append(alts, "id IN (SELECT mention_id FROM mention_triage WHERE assignee IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(names)), ", ")+"))")
		}
		if nobody {
			alts = append(alts, "id NOT IN (SELECT mention_id FROM mention_triage WHERE assignee != '')")
		}
		w.add("("+strings.Join(alts, " OR ")+")", anys(names)...)
	}
	switch q.State {
	case "":
	case store.StateNew:
		w.add("id NOT IN (SELECT mention_id FROM mention_triage WHERE state != ?)", string(store.StateNew))
	default:
		w.add("id IN (SELECT mention_id FROM mention_triage WHERE state = ?)", string(q.State))
	}
	if fq := ftsQuery(q.Search); fq != "" {
		w.add("rowid IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?)", fq)
	}
	var order string
	switch q.OrderBy {
	case "", store.ByPublished:
		order = " ORDER BY published DESC, id"
		if a := q.After; a != nil {
			p := bound(a.Published)
			w.add("(published < ? OR (published = ? AND id > ?))", p, p, a.ID)
		}
	case store.ByImpact:
		order = " ORDER BY " + impactExpr + " DESC, published DESC, id"
		if a := q.After; a != nil {
			p := bound(a.Published)
			w.add("("+impactExpr+" < ? OR ("+impactExpr+" = ? AND (published < ? OR (published = ? AND id > ?))))", a.Impact, a.Impact, p, p, a.ID)
		}
	case store.ByCollected:
		order = " ORDER BY collected, id"
	default:
		return w, "", fmt.Errorf("sqlite %s: querying mentions: unknown order %q (want %q, %q or %q)", s.path, q.OrderBy, store.ByPublished, store.ByImpact, store.ByCollected)
	}
	return w, order, nil
}

// EachMention streams the mentions matching q to fn. A page (q.Limit >
// 0) searching for a word found in many mentions walks the order's index
// instead of asking FTS5 for every match (eachWalk).
func (s *Store) EachMention(ctx context.Context, q store.MentionQuery, fn func(mw.Mention) error) error {
	if err := store.CheckSearch(q.Search); err != nil {
		return fmt.Errorf("sqlite %s: querying mentions: %w", s.path, err)
	}
	if q.Limit > 0 && len(q.Search) > 0 {
		done, err := s.eachWalk(ctx, q, fn)
		if done || err != nil {
			return err
		}
	}
	w, order, err := s.mentionFilter(q)
	if err != nil {
		return err
	}
	query := `SELECT ` + mentionCols + ` FROM mentions` + w.String() + order
	args := w.args
	if q.Limit > 0 {
		query += ` LIMIT ?`
		args = append(args, q.Limit)
	}
	_, err = s.streamMentions(ctx, query, args, fn)
	return err
}

// ftsLookupCost is how many rowids FTS5 hands back (the IN plan's cost
// per match) in the time of one check of one mention against the search
// by its rowid (the walk's cost per candidate): about 250 at 1,000,000
// mentions (docs/BENCHMARKS.md, "The inbox (issue 18)"). Variables only
// so that tests can make the walk run on a few mentions.
var ftsLookupCost = 250.0

// walkSlack is how many times the expected candidates the walk reads
// before it gives up and leaves the page to the IN plan.
var walkSlack int64 = 4

// walkHook, when set (tests), learns whether each walk answered.
var walkHook func(done bool)

// eachWalk answers a page of a search for a frequent word by walking the
// mentions in the page's order (over the index of the order and the
// other filters) and checking each against FTS5 by rowid, instead of
// collecting every matching rowid first, which costs as many steps as
// there are matches (a word in every one of a million mentions: seconds).
//
// It counts the matches up to the break-even point, sqrt(limit × rows ×
// ftsLookupCost), where the walk's expected checks (limit × rows /
// matches) cost what the IN plan's matches cost; below it, done is false
// and the caller runs the IN plan. Otherwise it checks the first
// walkSlack × limit × rows / matches candidates. If they hold the page,
// or are all there is, those are exactly the rows the IN plan would give
// (the order is total: it ends with the id), and done is true. If not
// (the word is frequent but rare among these candidates), done is false
// and nothing was passed to fn: the walk cost at most that many checks.
func (s *Store) eachWalk(ctx context.Context, q store.MentionQuery, fn func(mw.Mention) error) (done bool, err error) {
	fq := ftsQuery(q.Search)
	if fq == "" {
		return false, nil
	}
	var rows int64
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(rowid), 0) FROM mentions`).Scan(&rows); err != nil {
		return false, fmt.Errorf("sqlite %s: counting mentions: %w", s.path, err)
	}
	breakEven := int64(math.Sqrt(float64(q.Limit) * float64(rows) * ftsLookupCost))
	var matches int64
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ? LIMIT ?)`,
		fq, breakEven).Scan(&matches); err != nil {
		return false, fmt.Errorf("sqlite %s: counting search matches: %w", s.path, err)
	}
	if matches == 0 || matches < breakEven {
		return false, nil
	}
	candidates := walkSlack*int64(q.Limit)*rows/matches + int64(q.Limit)
	rest := q
	rest.Search = nil
	w, order, err := s.mentionFilter(rest)
	if err != nil {
		return false, err
	}
	// The candidates subquery is named mentions, so the order's columns
	// name its columns.
	query := `SELECT ` + mentionCols + ` FROM (SELECT rowid AS fts_rowid, * FROM mentions` + w.String() + order + ` LIMIT ?) AS mentions
	WHERE EXISTS (SELECT 1 FROM mentions_fts WHERE mentions_fts MATCH ? AND mentions_fts.rowid = mentions.fts_rowid)` + order + ` LIMIT ?`
	args := append(append(append([]any{}, w.args...), candidates), fq, q.Limit)
	var page []mw.Mention
	if _, err := s.streamMentions(ctx, query, args, func(m mw.Mention) error { page = append(page, m); return nil }); err != nil {
		return false, err
	}
	if len(page) < q.Limit {
		var read int64
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM mentions`+w.String()+` LIMIT ?)`,
			append(append([]any{}, w.args...), candidates)...).Scan(&read); err != nil {
			return false, fmt.Errorf("sqlite %s: counting candidates: %w", s.path, err)
		}
		if read == candidates {
			if walkHook != nil {
				walkHook(false)
			}
			return false, nil // more candidates lie beyond: the IN plan decides
		}
	}
	if walkHook != nil {
		walkHook(true)
	}
	for _, m := range page {
		if err := fn(m); err != nil {
			return true, err
		}
	}
	return true, nil
}

// streamMentions runs a query selecting mentionCols and hands each row to
// fn, returning how many it handed.
func (s *Store) streamMentions(ctx context.Context, query string, args []any, fn func(mw.Mention) error) (int, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("sqlite %s: querying mentions: %w", s.path, err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		m, err := s.scanMention(rows)
		if err != nil {
			return n, err
		}
		n++
		if err := fn(m); err != nil {
			return n, err
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("sqlite %s: reading mentions: %w", s.path, err)
	}
	return n, nil
}

func (s *Store) scanMention(rows *sql.Rows) (mw.Mention, error) {
	var (
		m                      mw.Mention
		reach                  int64
		rating, sent, conf, rw float64
		pub, col               int64
		label, stage, asp      string
	)
	if err := rows.Scan(&m.ID, &m.Brand, &m.Source, &m.Type, &m.NativeID, &m.URL, &m.Author, &reach,
		&m.Title, &m.Text, &rating, &pub, &col, &m.Lang, &sent, &label, &stage, &conf, &asp, &rw, &m.LangHint, &m.LangBy); err != nil {
		return m, fmt.Errorf("sqlite %s: reading mention: %w", s.path, err)
	}
	m.AuthorReach = uint32(reach)
	m.Rating, m.Sentiment, m.StageConfidence, m.Reach = float32(rating), float32(sent), float32(conf), float32(rw)
	m.Published, m.Collected = fromMS(pub), fromMS(col)
	m.Label, m.Stage = mw.Label(label), mw.Stage(stage)
	if err := json.Unmarshal([]byte(asp), &m.Aspects); err != nil {
		return m, fmt.Errorf("sqlite %s: mention %s: bad aspects %q: %w", s.path, m.ID, asp, err)
	}
	if len(m.Aspects) == 0 {
		m.Aspects = nil
	}
	return m, nil
}

// AuthorHistory answers from the index on the author key, one key at a
// time; authors sharing a key share its history.
func (s *Store) AuthorHistory(ctx context.Context, authors []string, perAuthor int) (map[string]store.AuthorHistory, error) {
	byKey := map[string]*store.AuthorHistory{}
	out := map[string]store.AuthorHistory{}
	for _, a := range authors {
		k := store.HistoryKey(a)
		if k == "" {
			continue
		}
		h, done := byKey[k]
		if !done {
			h = &store.AuthorHistory{}
			byKey[k] = h
			if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM mentions WHERE `+authorKeyExpr+` = ?`, k).Scan(&h.Count); err != nil {
				return nil, fmt.Errorf("sqlite %s: counting the mentions of an author: %w", s.path, err)
			}
			if h.Count > 0 {
				ms, err := s.Mentions(ctx, store.MentionQuery{Author: a, Limit: max(perAuthor, 1)})
				if err != nil {
					return nil, err
				}
				h.Recent = ms
			}
		}
		if h.Count > 0 {
			out[a] = store.AuthorHistory{Count: h.Count, Recent: slices.Clone(h.Recent)}
		}
	}
	return out, nil
}

// Triage reads the triage rows of ids.
func (s *Store) Triage(ctx context.Context, ids []string) (map[string]store.Triage, error) {
	out := map[string]store.Triage{}
	for chunk := range slices.Chunk(ids, 500) {
		var w where
		w.in("mention_id", chunk)
		rows, err := s.db.QueryContext(ctx, `SELECT mention_id, tags, assignee, state, note, updated_at, updated_by FROM mention_triage`+w.String(), w.args...)
		if err != nil {
			return nil, fmt.Errorf("sqlite %s: reading triage: %w", s.path, err)
		}
		for rows.Next() {
			var (
				t       store.Triage
				tags    string
				state   string
				updated int64
			)
			if err := rows.Scan(&t.MentionID, &tags, &t.Assignee, &state, &t.Note, &updated, &t.UpdatedBy); err != nil {
				rows.Close()
				return nil, fmt.Errorf("sqlite %s: reading triage: %w", s.path, err)
			}
			if err := json.Unmarshal([]byte(tags), &t.Tags); err != nil {
				rows.Close()
				return nil, fmt.Errorf("sqlite %s: mention %s: bad tags %q: %w", s.path, t.MentionID, tags, err)
			}
			t.State, t.UpdatedAt = store.TriageState(state), fromMS(updated)
			out[t.MentionID] = t
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlite %s: reading triage: %w", s.path, err)
		}
	}
	return out, nil
}

// SaveTriage writes the states and the audit entries in one transaction.
func (s *Store) SaveTriage(ctx context.Context, ts []store.Triage, audit []store.AuditEntry) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite %s: %w", s.path, err)
	}
	defer tx.Rollback()
	for _, t := range ts {
		tags, _ := json.Marshal(nonNil(t.Tags))
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO mention_triage (mention_id, tags, assignee, state, note, updated_at, updated_by)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, t.MentionID, string(tags), t.Assignee, string(t.State), t.Note, ms(t.UpdatedAt), t.UpdatedBy); err != nil {
			return fmt.Errorf("sqlite %s: saving the triage of mention %s: %w", s.path, t.MentionID, err)
		}
	}
	for _, a := range audit {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mention_audit (mention_id, at, actor, field, old, new) VALUES (?, ?, ?, ?, ?, ?)`,
			a.MentionID, ms(a.At), a.Actor, a.Field, a.Old, a.New); err != nil {
			return fmt.Errorf("sqlite %s: recording the audit of mention %s: %w", s.path, a.MentionID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite %s: saving triage: %w", s.path, err)
	}
	return nil
}

// Audit reads the trail of ids, oldest first.
func (s *Store) Audit(ctx context.Context, ids []string) ([]store.AuditEntry, error) {
	var out []store.AuditEntry
	for chunk := range slices.Chunk(ids, 500) {
		var w where
		w.in("mention_id", chunk)
		rows, err := s.db.QueryContext(ctx, `SELECT mention_id, at, actor, field, old, new FROM mention_audit`+w.String()+` ORDER BY seq`, w.args...)
		if err != nil {
			return nil, fmt.Errorf("sqlite %s: reading the audit trail: %w", s.path, err)
		}
		for rows.Next() {
			var (
				a  store.AuditEntry
				at int64
			)
			if err := rows.Scan(&a.MentionID, &at, &a.Actor, &a.Field, &a.Old, &a.New); err != nil {
				rows.Close()
				return nil, fmt.Errorf("sqlite %s: reading the audit trail: %w", s.path, err)
			}
			a.At = fromMS(at)
			out = append(out, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlite %s: reading the audit trail: %w", s.path, err)
		}
	}
	slices.SortStableFunc(out, func(a, b store.AuditEntry) int { return a.At.Compare(b.At) })
	return out, nil
}

// Assignees lists the assignees in use, the earliest in use first.
func (s *Store) Assignees(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT assignee FROM mention_triage WHERE assignee != '' GROUP BY assignee ORDER BY MIN(updated_at), assignee`)
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: listing assignees: %w", s.path, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, fmt.Errorf("sqlite %s: listing assignees: %w", s.path, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite %s: listing assignees: %w", s.path, err)
	}
	return out, nil
}
