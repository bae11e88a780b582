package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	mw "github.com/mentionwatch/mentionwatch"
)

// referenceCSV writes ms the way the export did before csvRows: the cells
// made formula-safe with csvCell, then encoding/csv with Comma comma, and
// decimal commas in numbers if comma is ';' (sep=semicolon).
func referenceCSV(t *testing.T, ms []mw.Mention, loc *time.Location, comma rune) []byte {
	t.Helper()
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Comma = comma
	cw.Write(exportColumns)
	fb := func(v float64, bits int) string {
		s := strconv.FormatFloat(v, 'g', -1, bits)
		if comma == ';' {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s
	}
	ff := func(v float64) string { return fb(v, 32) }
	for _, m := range ms {
		rec := []string{m.ID, csvCell(m.Brand), csvCell(m.Source), csvCell(m.Type),
			refTime(m.Published, loc), refTime(m.Collected, loc),
			csvCell(m.Author), strconv.FormatUint(uint64(m.AuthorReach), 10), csvCell(m.URL),
			csvCell(m.Title), csvCell(m.Text), m.Lang, string(m.Label),
			ff(float64(m.Sentiment)), string(m.Stage), csvCell(strings.Join(m.Aspects, ";")),
			ff(float64(m.Rating)), ff(float64(m.Reach)), fb(m.Impact(), 64),
			csvCell(m.LangHint), csvCell(m.LangBy), csvCell(m.NativeID), ff(float64(m.StageConfidence))}
		if err := cw.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	cw.Flush()
	return buf.Bytes()
}

// refTime is t as the export writes it: RFC 3339 in loc, empty if unset.
func refTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(time.RFC3339)
}

// TestCSVRowsMatchEncodingCSV: the export's CSV writer gives the same
// bytes as csvCell + encoding/csv, for cells built from the characters
// that decide quoting and formula escaping (quotes, commas, semicolons,
// CR, LF, tabs, leading spaces and Unicode spaces, = + - @, `\.`,
// multi-byte runes), with commas and, as sep=semicolon writes it, with
// semicolons and decimal commas.
func TestCSVRowsMatchEncodingCSV(t *testing.T) {
	for _, comma := range []rune{',', ';'} {
		t.Run(string(comma), func(t *testing.T) { csvRowsMatchEncodingCSV(t, comma) })
	}
}

func csvRowsMatchEncodingCSV(t *testing.T, comma rune) {
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
			Label: mw.Label(p), Stage: mw.Stage(p), Aspects: []string{p}, LangHint: p, LangBy: p, NativeID: p})
	}
	for i := range 5000 {
		m := mw.Mention{ID: cell(), Brand: cell(), Source: cell(), Type: cell(), Author: cell(), URL: cell(), Title: cell(), Text: cell(),
			Lang: cell(), Label: mw.Label(cell()), Stage: mw.Stage(cell()), AuthorReach: rng.Uint32(), LangHint: cell(), LangBy: cell(),
			NativeID: cell(), StageConfidence: rng.Float32(),
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
	c := &csvRows{w: bw, loc: loc, comma: byte(comma), decimalComma: comma == ';'}
	if err := c.header(exportColumns); err != nil {
		t.Fatal(err)
	}
	for i := range ms {
		if err := c.mention(&ms[i]); err != nil {
			t.Fatal(err)
		}
	}
	bw.Flush()
	want := referenceCSV(t, ms, loc, comma)
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
	rd := csv.NewReader(bytes.NewReader(buf.Bytes()))
	rd.Comma = comma
	recs, err := rd.ReadAll()
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

// TestExportCSVLanguageColumns: the CSV export carries lang_hint and
// lang_by, as the JSON Lines export and the API do, appended after the
// columns it always had, which keep their order (a script reading
// columns by position goes on working). Before, the CSV had neither.
func TestExportCSVLanguageColumns(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	m := mention("Acme", "hinted", "rina", -0.4, mw.Negative, mw.AMOT, 1, time.Hour)
	m.Text, m.LangHint, m.LangBy, m.Lang = "paket telat", "id", mw.LangByHint, "id"
	if err := st.InsertMentions(context.Background(), []mw.Mention{m}); err != nil {
		t.Fatal(err)
	}
	recs := exportCSV(t, h, "brand=Acme&q=paket", 1)
	old := []string{"id", "brand", "source", "type", "published", "collected", "author", "author_reach", "url", "title", "text",
		"lang", "label", "sentiment", "stage", "aspects", "rating", "reach", "impact"}
	if want := append(old, "lang_hint", "lang_by"); len(recs[0]) < len(want) || !slices.Equal(recs[0][:len(want)], want) {
		t.Fatalf("header\n%q\nwant\n%q", recs[0], want)
	}
	if got := recs[1][len(old) : len(old)+2]; !slices.Equal(got, []string{"id", "hint"}) {
		t.Errorf("lang_hint, lang_by = %q; want id, hint", got)
	}
}

// TestExportCSVNativeIDAndStageConfidence: the CSV export carries
// native_id and stage_confidence, as the JSON Lines export does, as its
// last columns: every column it had before keeps its place. Before, the
// CSV had neither, so a sheet could not match a mention to the service's
// own post id or tell a sure stage from a guess.
func TestExportCSVNativeIDAndStageConfidence(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	m := mention("Acme", "=native-1", "rina", -0.4, mw.Negative, mw.AMOT, 1, time.Hour)
	m.Text, m.StageConfidence = "paket telat", 0.625
	if err := st.InsertMentions(context.Background(), []mw.Mention{m}); err != nil {
		t.Fatal(err)
	}
	recs := exportCSV(t, h, "brand=Acme&q=telat", 1)
	old := []string{"id", "brand", "source", "type", "published", "collected", "author", "author_reach", "url", "title", "text",
		"lang", "label", "sentiment", "stage", "aspects", "rating", "reach", "impact", "lang_hint", "lang_by"}
	if want := append(old, "native_id", "stage_confidence"); !slices.Equal(recs[0], want) {
		t.Fatalf("header\n%q\nwant\n%q", recs[0], want)
	}
	// The native id is the service's text: formula-safe as every other.
	if got := recs[1][len(old):]; !slices.Equal(got, []string{"'=native-1", "0.625"}) {
		t.Errorf("native_id, stage_confidence = %q; want '=native-1, 0.625", got)
	}
}

// exportCSV downloads the CSV export of the view params and returns its
// records, the header first; it fails the test unless they are the
// header and rows.
func exportCSV(t *testing.T, h *Handler, params string, rows int) [][]string {
	t.Helper()
	w := do(t, h, "GET", "/api/mentions/export?format=csv&"+params, nil)
	recs, err := csv.NewReader(strings.NewReader(w.Body.String())).ReadAll()
	if w.Code != http.StatusOK || err != nil || len(recs) != rows+1 {
		t.Fatalf("csv: %d, %d records (want %d), %v:\n%s", w.Code, len(recs), rows+1, err, w.Body)
	}
	return recs
}

// TestExportCSVFormulaBehindSpacesOrQuotes: a cell whose formula
// character follows spaces (ASCII, no-break, ideographic), a line break,
// invisible direction marks or a quote also gets the leading apostrophe:
// Google Sheets, LibreOffice and converters strip leading whitespace
// before they look for a formula. Before, only the first byte was
// checked, so " =HYPERLINK(...)" and "\u200f=1+1" went out as they were.
// Text that only starts with a space or a quote is left alone.
func TestExportCSVFormulaBehindSpacesOrQuotes(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	formulas := []string{" =HYPERLINK(\"http://evil\",\"x\")", "   +1+1", "\u00a0=1+1", "\u3000@SUM(A1)", "\n=1+1", "\n\n-2+3",
		"\u200f=1+1", "\u202e\u200e=1+1", "\ufeff=1+1", `"=1+1"`, ` "@SUM(A1)`, "=plain"}
	plain := []string{" paket telat", `"quoted" payload`, "\u200fمرحبا", "3-2"}
	var ms []mw.Mention
	for i, s := range append(append([]string{}, formulas...), plain...) {
		m := mention("Acme", fmt.Sprintf("payload%d", i), "rina", -0.4, mw.Negative, mw.AMOT, 1, time.Duration(i)*time.Minute)
		m.Title, m.Text = "payload", s
		ms = append(ms, m)
	}
	if err := st.InsertMentions(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
	recs := exportCSV(t, h, "brand=Acme&q=payload&order=newest", len(ms))
	got := map[string]bool{}
	for _, rec := range recs[1:] {
		got[rec[10]] = true // text
	}
	for _, s := range formulas {
		if !got["'"+s] {
			t.Errorf("text %q is not exported as %q", s, "'"+s)
		}
	}
	for _, s := range plain {
		if !got[s] {
			t.Errorf("text %q is not exported as it is", s)
		}
	}
}

// TestExportUnsetCollectedTime: a mention whose collected time was never
// set (stored as 0: written by another tool, or before the column was
// filled) exports an empty CSV cell and the zero time in UTC in JSON, as
// the API shows it. Before, the zero time was put in the configured
// zone, which for a date of year 1 is its local mean time: the export said
// 0001-01-01T07:07:12+07:07 in Jakarta (0000-12-31T19:03:58-04:56 in New
// York), a time no one collected anything at.
func TestExportUnsetCollectedTime(t *testing.T) {
	st := openStore(t)
	h := alertHandler(t, st, nil) // Asia/Jakarta
	m := mention("Acme", "uncollected", "rina", -0.4, mw.Negative, mw.AMOT, 1, 0)
	m.Collected = time.Time{}
	if err := st.InsertMentions(context.Background(), []mw.Mention{m}); err != nil {
		t.Fatal(err)
	}
	recs := exportCSV(t, h, "brand=Acme&q=uncollected", 1)
	if recs[1][4] != "2026-03-10T19:00:00+07:00" || recs[1][5] != "" {
		t.Errorf("csv published %q, collected %q; want 2026-03-10T19:00:00+07:00 and an empty cell", recs[1][4], recs[1][5])
	}
	for _, u := range []string{"/api/mentions/export?format=jsonl&brand=Acme&q=uncollected", "/api/mentions?feed=1&brand=Acme&q=uncollected",
		"/api/mentions?author=rina"} {
		if body := do(t, h, "GET", u, nil).Body.String(); !strings.Contains(body, `"collected":"0001-01-01T00:00:00Z"`) {
			t.Errorf("%s: collected not the zero time in UTC:\n%s", u, body)
		}
	}
}

// TestExportFileNameInZone: the export's file is named by the time in the
// configured zone, with its offset, as the page and the file's own times
// show it. Before, a team in Jakarta exporting at 19:00 got
// mentions-20260310-120000.csv, a UTC time nothing else on the dashboard
// shows.
func TestExportFileNameInZone(t *testing.T) {
	st := openStore(t)
	h := alertHandler(t, st, nil) // Asia/Jakarta; testNow is 12:00 UTC
	for format, ext := range map[string]string{"csv": "csv", "jsonl": "jsonl"} {
		w := do(t, h, "GET", "/api/mentions/export?brand=Acme&format="+format, nil)
		want := `attachment; filename="mentions-20260310-190000+0700.` + ext + `"`
		if got := w.Header().Get("Content-Disposition"); got != want {
			t.Errorf("%s: Content-Disposition %q; want %q", format, got, want)
		}
	}
	h, _ = newTestHandler(t, mw.WebConfig{}) // no timezone: UTC, said as +0000
	w := do(t, h, "GET", "/api/mentions/export?brand=Acme", nil)
	if got, want := w.Header().Get("Content-Disposition"), `attachment; filename="mentions-20260310-120000+0000.csv"`; got != want {
		t.Errorf("UTC: Content-Disposition %q; want %q", got, want)
	}
}

// TestExportForExcelSemicolon: excel=1&sep=semicolon writes the CSV that
// Excel set to a comma-decimal locale (Indonesian id-ID, most of Europe)
// opens in columns: ';' between fields and decimal commas in numbers, with
// the UTF-8 byte-order mark and the formula guard kept, and no "sep=;"
// line (with one, Excel ignores the mark). The inbox links it. Before,
// such an Excel put each line of the CSV for Excel in one column and read
// -0.42 as text.
func TestExportForExcelSemicolon(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	m := mention("Acme", "semi", "rina", -0.42, mw.Negative, mw.AMOT, 2.5, time.Hour, "delivery", "price")
	m.Text, m.Title, m.Rating = "=1+1; paket telat, lagi", "-2+3", 1.5
	if err := st.InsertMentions(context.Background(), []mw.Mention{m}); err != nil {
		t.Fatal(err)
	}
	w := do(t, h, "GET", "/api/mentions/export?format=csv&excel=1&sep=semicolon&brand=Acme&q=telat", nil)
	body, ok := strings.CutPrefix(w.Body.String(), "\ufeff")
	if w.Code != http.StatusOK || !ok || !strings.HasPrefix(body, "id;brand;") {
		t.Fatalf("sep=semicolon: %d %q; want a byte-order mark, then id;brand;", w.Code, w.Body.String()[:min(30, w.Body.Len())])
	}
	rd := csv.NewReader(strings.NewReader(body))
	rd.Comma = ';'
	recs, err := rd.ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("%d records, %v:\n%s", len(recs), err, body)
	}
	if !slices.Equal(recs[0], exportColumns) {
		t.Fatalf("header %q; want %q", recs[0], exportColumns)
	}
	col := map[string]string{}
	for i, name := range recs[0] {
		col[name] = recs[1][i]
	}
	want := map[string]string{"text": "'=1+1; paket telat, lagi", "title": "'-2+3", "aspects": "delivery;price",
		"sentiment": "-0,42", "rating": "1,5", "reach": "2,5", "stage_confidence": "0,8", "impact": strings.Replace(strconv.FormatFloat(m.Impact(), 'g', -1, 64), ".", ",", 1),
		"published": "2026-03-10T11:00:00Z", "author_reach": "0"}
	for name, v := range want {
		if col[name] != v {
			t.Errorf("%s = %q; want %q", name, col[name], v)
		}
	}
	for _, bad := range []string{"format=csv&sep=semicolon", "format=csv&excel=0&sep=semicolon", "format=jsonl&sep=semicolon", "format=csv&excel=1&sep=tab"} {
		if w := do(t, h, "GET", "/api/mentions/export?"+bad, nil); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "sep") {
			t.Errorf("%s: %d %s; want a 400 naming sep", bad, w.Code, w.Body.String())
		}
	}
	w = do(t, h, "GET", "/mentions?brand=Acme", nil)
	if !strings.Contains(w.Body.String(), `id="export-excel-semicolon"`) || !strings.Contains(w.Body.String(), "excel=1&amp;format=csv&amp;sep=semicolon") {
		t.Errorf("the inbox does not link the CSV for Excel with semicolons:\n%s", w.Body.String())
	}
}

// TestExportForExcelCutsLongText: the CSVs for Excel (excel=1, with or
// without sep=semicolon) cut a text longer than an Excel cell holds
// (32,767 UTF-16 code units, an emoji counting two) on a character
// boundary, ending it with a visible mark, and keep the formula guard;
// the plain CSV keeps every text whole. Before, a 64 KiB text went out
// whole, and Excel carried what its cell could not hold into the rows
// below.
func TestExportForExcelCutsLongText(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	texts := map[string]string{ // by native id
		"fits":    strings.Repeat("a", excelMaxCell),
		"guarded": "=" + strings.Repeat("a", excelMaxCell-2), // with the apostrophe, just fits
		"long":    strings.Repeat("paket telat lagi, ", 3640),
		"formula": "=HYPERLINK(\"http://evil\")" + strings.Repeat("b", 40000),
		"emoji":   strings.Repeat("😡", 16384), // 64 KiB, 16,384 runes, 32,768 UTF-16 units
		"accents": strings.Repeat("é", 32768),
	}
	var ms []mw.Mention
	for id, text := range texts {
		m := mention("Acme", id, "rina", -0.4, mw.Negative, mw.AMOT, 1, time.Hour)
		m.Title, m.Text = "longtext", text
		ms = append(ms, m)
	}
	if err := st.InsertMentions(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
	byNative := func(params string, comma rune) map[string]string {
		t.Helper()
		w := do(t, h, "GET", "/api/mentions/export?brand=Acme&q=longtext&format=csv&"+params, nil)
		rd := csv.NewReader(strings.NewReader(strings.TrimPrefix(w.Body.String(), "\ufeff")))
		rd.Comma = comma
		recs, err := rd.ReadAll()
		if w.Code != http.StatusOK || err != nil || len(recs) != len(texts)+1 {
			t.Fatalf("%s: %d, %d records (want %d), %v", params, w.Code, len(recs), len(texts)+1, err)
		}
		got := map[string]string{}
		for _, rec := range recs[1:] {
			got[rec[21]] = rec[10] // native_id: text
		}
		return got
	}
	for _, v := range []struct {
		params string
		comma  rune
	}{{"excel=1", ','}, {"excel=1&sep=semicolon", ';'}} {
		for id, cell := range byNative(v.params, v.comma) {
			text := texts[id]
			want := csvCell(text)
			if n := utf16Len(want); n <= excelMaxCell {
				if cell != want {
					t.Errorf("%s %s: a text of %d units that fits was changed", v.params, id, n)
				}
				continue
			}
			body, cut := strings.CutSuffix(cell, excelCutMark)
			switch {
			case utf16Len(cell) > excelMaxCell:
				t.Errorf("%s %s: a cell of %d UTF-16 units; Excel holds %d", v.params, id, utf16Len(cell), excelMaxCell)
			case !cut || !utf8.ValidString(cell):
				t.Errorf("%s %s: cut without the mark or inside a character: ...%q", v.params, id, cell[max(0, len(cell)-150):])
			case !strings.HasPrefix(want, body) || utf16Len(cell) < excelMaxCell-1:
				t.Errorf("%s %s: the cell is not the longest start of %.20q that fits (%d units)", v.params, id, want, utf16Len(cell))
			}
		}
	}
	for id, cell := range byNative("", ',') {
		if cell != csvCell(texts[id]) {
			t.Errorf("plain CSV %s: the text was changed (%d bytes of %d)", id, len(cell), len(csvCell(texts[id])))
		}
	}
}

// TestExportForExcelKeepsLongDigits: in the CSVs for Excel, a text cell of
// only digits that Excel would change as a number, more than 15 of them
// (an X or Mastodon post id in native_id) or with a leading zero (a phone
// number as an author), goes behind an apostrophe, as a formula does, so
// Excel keeps it as text; the plain CSV keeps it as it is. Before, Excel
// read 1867543219876543210 as 1.86754321987654E+18 and kept
// 1867543219876540000.
func TestExportForExcelKeepsLongDigits(t *testing.T) {
	h, st := newTestHandler(t, mw.WebConfig{})
	m := mention("Acme", "1867543219876543210", "08123456789", -0.4, mw.Negative, mw.AMOT, 1, time.Hour)
	m.Title, m.Text = "digits", "123456789012345" // 15 digits: Excel keeps them
	if err := st.InsertMentions(context.Background(), []mw.Mention{m}); err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct {
		params string
		comma  rune
		quote  string
	}{{"excel=1", ',', "'"}, {"excel=1&sep=semicolon", ';', "'"}, {"excel=0", ',', ""}} {
		w := do(t, h, "GET", "/api/mentions/export?brand=Acme&q=digits&format=csv&"+v.params, nil)
		rd := csv.NewReader(strings.NewReader(strings.TrimPrefix(w.Body.String(), "\ufeff")))
		rd.Comma = v.comma
		recs, err := rd.ReadAll()
		if err != nil || len(recs) != 2 {
			t.Fatalf("%s: %d records, %v", v.params, len(recs), err)
		}
		got := []string{recs[1][21], recs[1][6], recs[1][10]} // native_id, author, text
		if want := []string{v.quote + m.NativeID, v.quote + m.Author, m.Text}; !slices.Equal(got, want) {
			t.Errorf("%s: native_id, author, text = %q; want %q", v.params, got, want)
		}
	}
}
