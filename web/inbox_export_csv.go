package web

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	mw "github.com/mentionwatch/mentionwatch"
)

// csvRows writes mentions as the export's CSV records into a buffered
// writer, byte for byte as encoding/csv's Writer (Comma c.comma, LF line
// ends) would write the same cells, but appending each field into one
// reused line buffer: no []string of cells, no string per time or number.
// TestCSVRowsMatchEncodingCSV holds it to encoding/csv. Not safe for
// concurrent use: the export's handler goroutine owns it.
type csvRows struct {
	w   *bufio.Writer
	loc *time.Location // the zone times are written in (timezone:)
	// comma separates fields: ',' or, for Excel in a locale whose
	// decimal mark is a comma (sep=semicolon), ';'.
	comma byte
	// decimalComma writes numbers with a decimal comma (-0,42), which
	// Excel in such a locale reads as numbers; -0.42 would be text.
	decimalComma bool
	// excel cuts text cells to what an Excel cell holds (excelCut).
	excel bool
	line  []byte
}

// header writes the column names.
func (c *csvRows) header(cols []string) error {
	c.line = c.line[:0]
	for i, s := range cols {
		if i > 0 {
			c.line = append(c.line, c.comma)
		}
		c.line = appendCSVField(c.line, s, c.comma)
	}
	c.line = append(c.line, '\n')
	_, err := c.w.Write(c.line)
	return err
}

// mention writes m as one record of exportColumns, every text cell made
// formula-safe (csvCell).
func (c *csvRows) mention(m *mw.Mention) error {
	b, sep := c.line[:0], c.comma
	b = appendCSVField(b, m.ID, sep)
	b = c.cell(append(b, sep), m.Brand)
	b = c.cell(append(b, sep), m.Source)
	b = c.cell(append(b, sep), m.Type)
	b = c.appendTime(append(b, sep), m.Published)
	b = c.appendTime(append(b, sep), m.Collected)
	b = c.cell(append(b, sep), m.Author)
	b = strconv.AppendUint(append(b, sep), uint64(m.AuthorReach), 10)
	b = c.cell(append(b, sep), m.URL)
	b = c.cell(append(b, sep), m.Title)
	b = c.cell(append(b, sep), m.Text)
	b = appendCSVField(append(b, sep), m.Lang, sep)
	b = appendCSVField(append(b, sep), string(m.Label), sep)
	b = c.float(append(b, sep), float64(m.Sentiment), 32)
	b = appendCSVField(append(b, sep), string(m.Stage), sep)
	b = c.cell(append(b, sep), strings.Join(m.Aspects, ";"))
	b = c.float(append(b, sep), float64(m.Rating), 32)
	b = c.float(append(b, sep), float64(m.Reach), 32)
	b = c.float(append(b, sep), m.Impact(), 64)
	b = c.cell(append(b, sep), m.LangHint)
	b = c.cell(append(b, sep), m.LangBy)
	b = c.cell(append(b, sep), m.NativeID)
	b = c.float(append(b, sep), float64(m.StageConfidence), 32)
	b = append(b, '\n')
	c.line = b
	_, err := c.w.Write(b)
	return err
}

// cell appends csvCell(s) as a CSV field; if c.excel, cut to fit an
// Excel cell, and digits Excel would change as a number behind an
// apostrophe (excelMangles).
func (c *csvRows) cell(b []byte, s string) []byte {
	switch {
	case !c.excel:
	case len(s) >= excelMaxCell: // fewer bytes fit: UTF-16 units <= bytes
		if formulaStart(s) {
			return appendCSVField(b, "'"+excelCut(s, excelMaxCell-1), c.comma)
		}
		return appendCSVField(b, excelCut(s, excelMaxCell), c.comma)
	case excelMangles(s):
		return appendCSVField(b, "'"+s, c.comma)
	}
	return appendCSVCell(b, s, c.comma)
}

// excelMangles reports whether s is digits that Excel, reading them as a
// number, would change: more than 15 (it keeps 15 significant digits, so
// an X or Mastodon post id of 18 or 19 loses its last ones) or with a
// leading zero (08123456789 would lose it).
func excelMangles(s string) bool {
	if len(s) < 2 || len(s) <= 15 && s[0] != '0' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// excelMaxCell is the most characters (UTF-16 code units: an emoji
// counts two) an Excel cell holds. Opening a CSV with a longer cell,
// Excel carries the rest into the rows below, so the sheet's rows no
// longer line up with mentions; a mention's text may be 64 KiB
// (collectors.MaxTextBytes).
const excelMaxCell = 32767

// excelCutMark ends a text cut to fit an Excel cell.
const excelCutMark = "… [cut at Excel's 32,767 characters a cell; the plain CSV and JSON Lines exports hold the whole text]"

// excelCut returns s if it is at most n UTF-16 code units long, else its
// longest prefix that ends on a character boundary and fits in n with
// excelCutMark after it.
func excelCut(s string, n int) string {
	units, end := 0, -1
	room := n - utf16Len(excelCutMark)
	for i, r := range s {
		if units <= room {
			end = i // s[:i] fits with the mark
		}
		units += utf16.RuneLen(r)
		if units > n {
			return s[:end] + excelCutMark
		}
	}
	return s
}

// utf16Len is how many UTF-16 code units s is.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// float appends v in its shortest form for bits (32 or 64), with a
// decimal comma if c.decimalComma. Never quoted: it holds no comma when
// the separator is one.
func (c *csvRows) float(b []byte, v float64, bits int) []byte {
	n := len(b)
	b = strconv.AppendFloat(b, v, 'g', -1, bits)
	if c.decimalComma {
		if i := bytes.IndexByte(b[n:], '.'); i >= 0 {
			b[n+i] = ','
		}
	}
	return b
}

// appendTime appends t in RFC 3339 with c.loc's offset, or nothing for a
// time never set (the zero time).
func (c *csvRows) appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	return t.In(c.loc).AppendFormat(b, time.RFC3339)
}

// appendCSVCell appends csvCell(s) as a CSV field separated by comma.
func appendCSVCell(b []byte, s string, comma byte) []byte {
	if formulaStart(s) {
		// The apostrophe goes first, so s's own leading character no
		// longer decides quoting: as encoding/csv does for "'" + s.
		return appendCSVField(b, "'"+s, comma)
	}
	return appendCSVField(b, s, comma)
}

// appendCSVField appends s quoted as encoding/csv.Writer quotes a field
// with Comma comma and UseCRLF false.
func appendCSVField(b []byte, s string, comma byte) []byte {
	if !csvNeedsQuotes(s, comma) {
		return append(b, s...)
	}
	b = append(b, '"')
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		b = append(b, s[:i+1]...)
		b = append(b, '"')
		s = s[i+1:]
	}
	b = append(b, s...)
	return append(b, '"')
}

// csvNeedsQuotes is encoding/csv's fieldNeedsQuotes for Comma comma.
func csvNeedsQuotes(s string, comma byte) bool {
	if s == "" {
		return false
	}
	if s == `\.` {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\n', '\r', '"', comma:
			return true
		}
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}
