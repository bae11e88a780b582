package store

import (
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	mw "github.com/mentionwatch/mentionwatch"
)

// Clean returns m as both stores keep it (docs/SCHEMA.md, Conventions):
//
//   - a score that is not a number (NaN) is 0, and an infinite one the
//     largest Float32 of its sign: SQLite cannot store NaN (it reads it
//     as NULL), a NaN sorts nowhere in an impact ranking, and one NaN
//     would turn a brand's sums and rollups into NaN for good;
//   - in text that is not valid UTF-8, each byte that is not part of a
//     valid sequence is replaced by U+FFFD, as the JSON API shows it:
//     ClickHouse's case-insensitive search stops finding words after an
//     invalid byte, and a filter on an author read from the API would
//     not match the stored bytes;
//   - a time (published, collected) is kept to the second, and within
//     1970-01-01 00:00:01 .. 2106-02-07 06:28:15, ClickHouse DateTime's
//     range (the zero time stays the zero time, "unset"): SQLite kept
//     milliseconds and any date, so the same mentions sorted otherwise
//     within a second and fell on the other side of a bound inside one,
//     a date before 1970 came back as it was from one store and as 1970
//     from the other, and one at 1970-01-01 00:00:00 came back unset from
//     SQLite.
//
// The ID is kept as it is: it is the key. A mention without one gets the
// ID the scoring pipeline gives, mw.MentionID(Brand, Type, NativeID):
// ClickHouse refused a whole batch for one mention without an ID, and the
// writer then retried that batch from its spool for ever, with every later
// batch queued behind it (SQLite kept all such mentions as one, under "").
// m itself is not changed (its Aspects are copied when one of them is).
func Clean(m mw.Mention) mw.Mention {
	if m.ID == "" {
		m.ID = mw.MentionID(m.Brand, m.Type, m.NativeID)
	}
	for _, f := range []*float32{&m.Rating, &m.Sentiment, &m.StageConfidence, &m.Reach} {
		*f = finite(*f)
	}
	m.Published, m.Collected = StoredTime(m.Published), StoredTime(m.Collected)
	for _, s := range []*string{&m.Brand, &m.Source, &m.Type, &m.NativeID, &m.URL, &m.Author,
		&m.Title, &m.Text, &m.Lang, &m.LangHint, &m.LangBy} {
		*s = validUTF8(*s)
	}
	m.Label, m.Stage = mw.Label(validUTF8(string(m.Label))), mw.Stage(validUTF8(string(m.Stage)))
	if slices.ContainsFunc(m.Aspects, func(a string) bool { return !utf8.ValidString(a) }) {
		aspects := make([]string, len(m.Aspects))
		for i, a := range m.Aspects {
			aspects[i] = validUTF8(a)
		}
		m.Aspects = aspects
	}
	return m
}

// finite maps NaN to 0 and ±Inf to ±math.MaxFloat32.
func finite(f float32) float32 {
	switch {
	case f != f:
		return 0
	case math.IsInf(float64(f), 1):
		return math.MaxFloat32
	case math.IsInf(float64(f), -1):
		return -math.MaxFloat32
	}
	return f
}

// validUTF8 replaces each byte of s that is not part of a valid UTF-8
// sequence by U+FFFD, as encoding/json does.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s { // an invalid byte ranges as utf8.RuneError
		b.WriteRune(r)
	}
	return b.String()
}

// StoredTime is t as both stores keep a mention's times: the zero time
// stays zero; others are whole seconds, UTC, within 1970-01-01 00:00:01
// and 2106-02-07 06:28:15 (ClickHouse DateTime's range, 0 being unset).
func StoredTime(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.Unix(min(max(t.Unix(), 1), math.MaxUint32), 0).UTC()
}
