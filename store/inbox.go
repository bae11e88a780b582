package store

import (
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

// TriageState is where a mention stands in the team's inbox.
type TriageState string

// Triage states. A mention never triaged is StateNew.
const (
	StateNew        TriageState = "new"
	StateInProgress TriageState = "in_progress"
	StateHandled    TriageState = "handled"
	StateIgnored    TriageState = "ignored"
)

// TriageStates lists the states in workflow order.
var TriageStates = []TriageState{StateNew, StateInProgress, StateHandled, StateIgnored}

// Triage is the team's state of one mention. The zero Triage (no tags, no
// assignee, State "" read as StateNew) is what a mention has before anyone
// touched it.
type Triage struct {
	MentionID string
	Tags      []string // sorted, distinct
	Assignee  string
	State     TriageState
	Note      string
	UpdatedAt time.Time
	UpdatedBy string
}

// AuditEntry records one change of one field of a mention's triage.
type AuditEntry struct {
	MentionID string
	At        time.Time
	Actor     string // who changed it (the signed-in user or the credential's name)
	Field     string // tags | assignee | state | note
	Old, New  string // tags as a comma-separated list
}

// Cursor is the keyset position after the last row of a page: the row's
// published time, its impact (ByImpact only) and id. Rows that arrive later
// never shift a page that follows a cursor.
type Cursor struct {
	Published time.Time
	Impact    float64
	ID        string
}

// SearchTerm is a word or a run of words, folded as query.Fold folds
// them. Prefix makes the last word a prefix.
type SearchTerm struct {
	Words  []string
	Prefix bool
}

// SearchClause is satisfied by a mention whose title or text holds any of
// its terms. A store may answer a clause with a superset (a substring
// match); the caller filters the rows with the query evaluator.
type SearchClause []SearchTerm

// AuthorHistory is an author's mentions across brands and sources.
type AuthorHistory struct {
	Count  uint64       // mentions by the author
	Recent []mw.Mention // the newest few, newest first
}

// ColumnFilter is a filter that is one column equal to one value.
type ColumnFilter struct{ Column, Value string }

// ColumnEquals lists q's filters that are a column of the mentions table
// equal to a value (label, stage, source, kind, lang), by the column names
// both stores use; unset fields are left out. Author is not one: it
// matches by AuthorKey, which each store writes in its own SQL.
func (q MentionQuery) ColumnEquals() []ColumnFilter {
	var out []ColumnFilter
	for _, f := range []ColumnFilter{
		{"label", string(q.Label)}, {"stage", string(q.Stage)},
		{"source", q.Source}, {"kind", q.Type}, {"lang", q.Lang},
	} {
		if f.Value != "" {
			out = append(out, f)
		}
	}
	return out
}
