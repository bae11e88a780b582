// Package store defines where mentions, source cursors and alerts live. The
// embedded SQLite store (store/sqlite) is the default; store/clickhouse is
// for teams and analysts. store/storetest is the conformance suite both pass.
package store

import (
	"context"
	"errors"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

// ErrNotFound is returned when a single record asked for does not exist.
var ErrNotFound = errors.New("not found")

// ErrSchemaNewer is wrapped by Migrate when the store's schema was written
// by a newer mentionwatch: this binary must not use it, and retrying does
// not help.
var ErrSchemaNewer = errors.New("schema newer than this binary knows")

// SchemaNewerHint says what to do about ErrSchemaNewer.
const SchemaNewerHint = "a newer mentionwatch wrote it: run that version or a later one (`mentionwatch version` prints this one's), " +
	"or, to go back to this version, restore a backup taken before the upgrade (docs/OPERATIONS.md, \"Backups\")"

// Store is safe for concurrent use. Writes are idempotent: inserting a
// mention or saving an alert twice keeps one (the latest) version.
type Store interface {
	// Migrate brings the schema to the current version. It is idempotent.
	Migrate(ctx context.Context) error
	Close() error

	// InsertMentions stores mentions, deduplicated by ID (the last write wins).
	InsertMentions(ctx context.Context, ms []mw.Mention) error
	// Mentions returns mentions matching q.
	Mentions(ctx context.Context, q MentionQuery) ([]mw.Mention, error)
	// CountMentions counts the mentions Mentions returns for q, on every
	// page: q.After, q.Limit and q.OrderBy are ignored. With q.Search the
	// count is of the same superset Mentions answers with.
	CountMentions(ctx context.Context, q MentionQuery) (uint64, error)
	// Series counts mentions (and negative ones) per time bucket and key.
	Series(ctx context.Context, q SeriesQuery) ([]SeriesPoint, error)
	// Totals counts each brand's mentions by label and sums their
	// sentiment, over one time range (digests, share of voice).
	Totals(ctx context.Context, q TotalsQuery) ([]BrandTotals, error)

	// SourceState returns a source's cursor and health; a zero state with
	// Source set when the source never ran.
	SourceState(ctx context.Context, source string) (SourceState, error)
	SaveSourceState(ctx context.Context, st SourceState) error
	// SaveSourceStates saves several sources' states in one write (the
	// scheduler gathers the saves of concurrent runs); a source listed
	// twice keeps its later entry.
	SaveSourceStates(ctx context.Context, sts []SourceState) error
	SourceStates(ctx context.Context) ([]SourceState, error)

	// SaveAlert inserts or replaces the alert with a.ID. An
	// acknowledgement is never lost: when a has none (AckedAt zero), the
	// stored one, if any, is kept. The alert loop saves the alerts it
	// holds, and an operator may acknowledge one in the dashboard between
	// the loop's read and its save.
	SaveAlert(ctx context.Context, a mw.Alert) error
	// Alert returns one alert, or ErrNotFound.
	Alert(ctx context.Context, id string) (mw.Alert, error)
	// Alerts returns alerts matching q, newest StartedAt first.
	Alerts(ctx context.Context, q AlertQuery) ([]mw.Alert, error)

	SaveSilence(ctx context.Context, s mw.Silence) error
	// Silences returns silences still active at t (Until after t).
	Silences(ctx context.Context, activeAt time.Time) ([]mw.Silence, error)

	// Watermark returns the time last saved under name (the zero time if
	// none). The alert loop keeps how far it has read mentions by their
	// collected time here, so that "first collected" survives restarts and
	// a `collect --once` made by another process.
	Watermark(ctx context.Context, name string) (time.Time, error)
	// SaveWatermark replaces the time saved under name.
	SaveWatermark(ctx context.Context, name string, t time.Time) error

	// EachMention calls fn with every mention matching q, in q's order
	// (q.Limit 0 = no limit), reading rows from the store as fn consumes
	// them: memory stays flat however many match. An error from fn stops
	// the read and is returned.
	EachMention(ctx context.Context, q MentionQuery, fn func(mw.Mention) error) error
	// AuthorHistory returns, for each of authors that wrote anything, how
	// many mentions they wrote and their newest perAuthor, across brands
	// and sources. Authors match by AuthorKey ("@Budi" wrote what "budi"
	// wrote); the map is keyed by the strings passed, so several of them
	// may map to one history. An author with an empty key is left out.
	AuthorHistory(ctx context.Context, authors []string, perAuthor int) (map[string]AuthorHistory, error)

	// Triage returns the stored triage of the ids that have one.
	Triage(ctx context.Context, ids []string) (map[string]Triage, error)
	// SaveTriage replaces the triage of each ts[i].MentionID and appends
	// audit to the audit trail. Callers compute the new state and the
	// entries (web/inbox_triage.go); the store keeps them.
	SaveTriage(ctx context.Context, ts []Triage, audit []AuditEntry) error
	// Audit returns the audit trail of the ids, oldest first.
	Audit(ctx context.Context, ids []string) ([]AuditEntry, error)
	// Assignees lists the assignees of the stored triage, each spelling
	// once, the spelling in use first first (by the earliest change of
	// the mentions it has, then by name). The inbox takes the first of
	// the spellings that differ only in case and spaces as the name
	// (web/actor.go).
	Assignees(ctx context.Context) ([]string, error)

	// SaveDelivery appends d to the delivery log. Saving the same (Key,
	// Receiver, Attempt, Status) twice keeps one record.
	SaveDelivery(ctx context.Context, d mw.Delivery) error
	// Deliveries returns the records matching q, oldest first (by At,
	// then Attempt, Status, AlertID, Receiver and Key, so that records of
	// one second come in one order in every store).
	Deliveries(ctx context.Context, q DeliveryQuery) ([]mw.Delivery, error)
}

// DeliveryQuery selects delivery records. Zero fields do not filter.
type DeliveryQuery struct {
	AlertIDs []string
	Since    time.Time // At >= Since
	Limit    int       // 0 = 1000; the newest records are kept
}

// Order of returned mentions.
const (
	ByPublished = "published" // newest first (default)
	ByImpact    = "impact"    // negativity × reach, highest first
	ByCollected = "collected" // oldest collected first, then id
)

// MentionQuery selects mentions. Zero fields do not filter.
type MentionQuery struct {
	Brands []string
	From   time.Time // Published >= From
	To     time.Time // Published < To
	Label  mw.Label
	Stage  mw.Stage
	Aspect string
	Author string // the same author by AuthorKey, across all sources
	Source string
	Type   string // source type (rss, appstore, x, ...)
	Lang   string
	// MinRating and MaxRating keep reviews rated within [Min, Max]; 0 does
	// not bound.
	MinRating, MaxRating float32
	IDs                  []string
	// Triage filters: a tag, an assignee (any of Assignees, each as
	// stored; "" is nobody: unassigned or never triaged), a state
	// (StateNew also matches mentions never triaged).
	Tag       string
	Assignees []string
	State     TriageState
	// Search keeps mentions whose title or text satisfies every clause.
	Search []SearchClause
	// After, with ByPublished or ByImpact, starts after this row.
	After *Cursor
	// CollectedFrom keeps mentions with Collected >= CollectedFrom. With
	// ByCollected it pages through what was stored since a watermark.
	CollectedFrom time.Time
	OrderBy       string // ByPublished | ByImpact | ByCollected
	Limit         int    // 0 = 100
}

// Group keys for Series.
const (
	GroupNone   = ""
	GroupLabel  = "label"
	GroupStage  = "stage"
	GroupAspect = "aspect" // a mention counts once per aspect
	GroupSource = "source"
	GroupLang   = "lang"
	GroupBrand  = "brand"
)

// SeriesQuery counts mentions between From and To (by Published).
type SeriesQuery struct {
	Brands  []string
	From    time.Time
	To      time.Time
	Step    time.Duration // bucket width, aligned to the Unix epoch; 0 = one bucket for the whole range
	GroupBy string        // Group* constant
	// Zone, when set, makes buckets follow its wall clock (zones.go): a
	// step dividing a day starts at local multiples of it (hours at :30
	// UTC in India), whole days start at local midnight (23 or 25 hours
	// across DST), 7 days is the week from Monday. Nil (the alert loop)
	// keeps fixed-width buckets aligned to the Unix epoch.
	Zone *time.Location
}

// SeriesPoint is one bucket × brand × key.
type SeriesPoint struct {
	Bucket   time.Time // bucket start (From when Step is 0)
	Brand    string
	Key      string // value of GroupBy; "" for GroupNone
	Count    uint64
	Negative uint64
}

// SourceState is a source's cursor and health.
type SourceState struct {
	Source            string
	Type              string
	Cursor            mw.Cursor
	LastRun           time.Time
	LastSuccess       time.Time
	LastError         string
	LastErrorAt       time.Time
	ItemsLastRun      int
	TotalItems        uint64
	ConsecutiveErrors int
}

// AlertQuery selects alerts. Zero fields do not filter.
type AlertQuery struct {
	Brand string
	State mw.AlertState
	Since time.Time // StartedAt >= Since, or still firing
	Until time.Time // StartedAt < Until
	Limit int       // 0 = 100
}

// TotalsQuery selects the mentions Totals counts: Published in [From, To)
// (zero bounds do not filter), of Brands (empty = every brand).
type TotalsQuery struct {
	Brands []string
	From   time.Time
	To     time.Time
}

// BrandTotals is one brand's mentions over a TotalsQuery's range, each
// mention counted once (its latest version).
type BrandTotals struct {
	Brand                       string
	Count                       uint64
	Negative, Neutral, Positive uint64
	// SentimentSum adds up the mentions' sentiment scores (-1..1); Mean
	// divides it by Count.
	SentimentSum float64
}

// Mean is the average sentiment score, 0 when there are no mentions.
func (t BrandTotals) Mean() float64 {
	if t.Count == 0 {
		return 0
	}
	return t.SentimentSum / float64(t.Count)
}
