package store

import (
	"errors"
	"fmt"
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

// The largest search a store runs: MaxSearchWords words in all (each
// word of each term of each clause) and MaxSearchBytes bytes of them.
// ClickHouse scans title and text once per word, and 18.16 takes seconds
// to plan a few hundred (about 7 s for 1,000; 10,000 fail as "AST is too
// big"); SQLite's FTS5 query grows alike (1 s for 10,000). The web's 16 KiB query can ask for
// more once name forms are added.
const (
	MaxSearchWords = 256
	MaxSearchBytes = 1 << 20
)

// ErrSearchTooLarge is wrapped by Mentions and EachMention when
// MentionQuery.Search is larger than CheckSearch allows: the caller's
// query is at fault, and retrying does not help.
var ErrSearchTooLarge = errors.New("search too large")

// CheckSearch returns an error wrapping ErrSearchTooLarge when cs holds
// more than MaxSearchWords words or MaxSearchBytes bytes of words. Both
// stores call it before they build a query; callers may call it first to
// answer a 400.
func CheckSearch(cs []SearchClause) error {
	words, size := 0, 0
	for _, c := range cs {
		for _, t := range c {
			words += len(t.Words)
			for _, w := range t.Words {
				size += len(w)
			}
		}
	}
	switch {
	case words > MaxSearchWords:
		return fmt.Errorf("%w: %d words to look for, at most %d are searched at once: use fewer OR alternatives or shorter phrases", ErrSearchTooLarge, words, MaxSearchWords)
	case size > MaxSearchBytes:
		return fmt.Errorf("%w: %d bytes of words to look for, at most %d are searched at once: search for shorter words", ErrSearchTooLarge, size, MaxSearchBytes)
	}
	return nil
}

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

// SplitAssignees splits an Assignees filter into the names it lists and
// whether it lists "", nobody.
func SplitAssignees(as []string) (names []string, nobody bool) {
	for _, a := range as {
		if a == "" {
			nobody = true
		} else {
			names = append(names, a)
		}
	}
	return names, nobody
}
