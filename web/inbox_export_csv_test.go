package web

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

// referenceCSV writes ms the way the export did before csvRows: the cells
// made formula-safe with csvCell, then encoding/csv.
func referenceCSV(t *testing.T, ms []mw.Mention, loc *time.Location) []byte {
	t.Helper()
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write(exportColumns)
	ff := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 32) }
	for _, m := range ms {
		rec := []string{m.ID, csvCell(m.Brand), csvCell(m.Source), csvCell(m.Type),
			m.Published.In(loc).Format(time.RFC3339), m.Collected.In(loc).Format(time.RFC3339),
			csvCell(m.Author), strconv.FormatUint(uint64(m.AuthorReach), 10), csvCell(m.URL),
			csvCell(m.Title), csvCell(m.Text), m.Lang, string(m.Label),
			ff(float64(m.Sentiment)), string(m.Stage), csvCell(strings.Join(m.Aspects, ";")),
			ff(float64(m.Rating)), ff(float64(m.Reach)), strconv.FormatFloat(m.Impact(), 'g', -1, 64)}
		if err := cw.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	cw.Flush()
	return buf.Bytes()
}

// TestCSVRowsMatchEncodingCSV: the export's CSV writer gives the same
// bytes as csvCell + encoding/csv, for cells built from the characters
// that decide quoting and formula escaping (quotes, commas, CR, LF, tabs,
// leading spaces and Unicode spaces, = + - @, `\.`, multi-byte runes).
func TestCSVRowsMatchEncodingCSV(t *testing.T) {
	pieces := []string{"", "a", "parcel", `"`, `""`, ",", "\n", "\r", "\r\n", "\t", " ", "\u00a0", "\u3000", "=", "+", "-", "@",
		"'", `\.`, `\`, ".", ";", "é", "日本", "=HYPERLINK(\"http://evil\")", "\xff", "0", "1e9"}
	rng := rand.New(rand.NewPCG(1, 2))
	cell := func() string {
		var b strings.Builder
		for range rng.IntN(5) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return b.String()
	}
	var ms []mw.Mention
	for _, p := range pieces { // each piece alone, in every text column
		ms = append(ms, mw.Mention{ID: p, Brand: p, Source: p, Type: p, Author: p, URL: p, Title: p, Text: p, Lang: p,
			Label: mw.Label(p), Stage: mw.Stage(p), Aspects: []string{p}})
	}
	for i := range 5000 {
		m := mw.Mention{ID: cell(), Brand: cell(), Source: cell(), Type: cell(), Author: cell(), URL: cell(), Title: cell(), Text: cell(),
			Lang: cell(), Label: mw.Label(cell()), Stage: mw.Stage(cell()), AuthorReach: rng.Uint32(),
			Published: time.Unix(rng.Int64N(4e9), 0).In(time.FixedZone("x", 3600)), Collected: time.Unix(rng.Int64N(4e9), 0),
			Sentiment: float32(rng.NormFloat64()), Rating: float32(rng.IntN(6)), Reach: float32(rng.ExpFloat64() * 1000)}
		for range rng.IntN(3) {
			m.Aspects = append(m.Aspects, cell())
		}
		if i%7 == 0 {
			m.Reach = 0.25 // impact uses max(reach, 1)
		}
		ms = append(ms, m)
	}
	var buf bytes.Buffer
	bw := bufio.NewWriterSize(&buf, 512) // small, so rows span flushes
	loc := time.FixedZone("WIB", 7*3600)
	c := &csvRows{w: bw, loc: loc}
	if err := c.header(exportColumns); err != nil {
		t.Fatal(err)
	}
	for i := range ms {
		if err := c.mention(&ms[i]); err != nil {
			t.Fatal(err)
		}
	}
	bw.Flush()
	want := referenceCSV(t, ms, loc)
	if !bytes.Equal(buf.Bytes(), want) {
		got, wantLines := strings.Split(buf.String(), "\n"), strings.Split(string(want), "\n")
		for i := range min(len(got), len(wantLines)) {
			if got[i] != wantLines[i] {
				t.Fatalf("line %d differs:\n got %q\nwant %q", i, got[i], wantLines[i])
			}
		}
		t.Fatalf("output differs: %d bytes, want %d", buf.Len(), len(want))
	}
	// And it reads back: every text cell as stored or behind an apostrophe.
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(ms)+1 {
		t.Fatalf("%d records, want %d", len(recs), len(ms)+1)
	}
	for i, rec := range recs[1:] {
		if got, want := rec[10], csvCell(ms[i].Text); got != strings.ReplaceAll(want, "\r\n", "\n") && got != want {
			t.Fatalf("record %d: text %q, want %q", i, got, want)
		}
	}
}
