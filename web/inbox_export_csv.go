package web

import (
	"bufio"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	mw "github.com/mentionwatch/mentionwatch"
)

// csvRows writes mentions as the export's CSV records into a buffered
// writer, byte for byte as encoding/csv's Writer (comma, LF line ends)
// would write the same cells, but appending each field into one reused
// line buffer: no []string of cells, no string per time or number.
// TestCSVRowsMatchEncodingCSV holds it to encoding/csv. Not safe for
// concurrent use: the export's handler goroutine owns it.
type csvRows struct {
	w    *bufio.Writer
	loc  *time.Location // the zone times are written in (timezone:)
	line []byte
}

// header writes the column names.
func (c *csvRows) header(cols []string) error {
	c.line = c.line[:0]
	for i, s := range cols {
		if i > 0 {
			c.line = append(c.line, ',')
		}
		c.line = appendCSVField(c.line, s)
	}
	c.line = append(c.line, '\n')
	_, err := c.w.Write(c.line)
	return err
}

// mention writes m as one record of exportColumns, every text cell made
// formula-safe (csvCell).
func (c *csvRows) mention(m *mw.Mention) error {
	b := c.line[:0]
	b = appendCSVField(b, m.ID)
	b = appendCSVCell(append(b, ','), m.Brand)
	b = appendCSVCell(append(b, ','), m.Source)
	b = appendCSVCell(append(b, ','), m.Type)
	b = c.appendTime(append(b, ','), m.Published)
	b = c.appendTime(append(b, ','), m.Collected)
	b = appendCSVCell(append(b, ','), m.Author)
	b = strconv.AppendUint(append(b, ','), uint64(m.AuthorReach), 10)
	b = appendCSVCell(append(b, ','), m.URL)
	b = appendCSVCell(append(b, ','), m.Title)
	b = appendCSVCell(append(b, ','), m.Text)
	b = appendCSVField(append(b, ','), m.Lang)
	b = appendCSVField(append(b, ','), string(m.Label))
	b = strconv.AppendFloat(append(b, ','), float64(m.Sentiment), 'g', -1, 32)
	b = appendCSVField(append(b, ','), string(m.Stage))
	b = appendCSVCell(append(b, ','), strings.Join(m.Aspects, ";"))
	b = strconv.AppendFloat(append(b, ','), float64(m.Rating), 'g', -1, 32)
	b = strconv.AppendFloat(append(b, ','), float64(m.Reach), 'g', -1, 32)
	b = strconv.AppendFloat(append(b, ','), m.Impact(), 'g', -1, 64)
	b = appendCSVCell(append(b, ','), m.LangHint)
	b = appendCSVCell(append(b, ','), m.LangBy)
	b = appendCSVCell(append(b, ','), m.NativeID)
	b = strconv.AppendFloat(append(b, ','), float64(m.StageConfidence), 'g', -1, 32)
	b = append(b, '\n')
	c.line = b
	_, err := c.w.Write(b)
	return err
}

// appendTime appends t in RFC 3339 with c.loc's offset, or nothing for a
// time never set (the zero time).
func (c *csvRows) appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	return t.In(c.loc).AppendFormat(b, time.RFC3339)
}

// appendCSVCell appends csvCell(s) as a CSV field.
func appendCSVCell(b []byte, s string) []byte {
	if formulaStart(s) {
		// The apostrophe goes first, so s's own leading character no
		// longer decides quoting: as encoding/csv does for "'" + s.
		return appendCSVField(b, "'"+s)
	}
	return appendCSVField(b, s)
}

// appendCSVField appends s quoted as encoding/csv.Writer quotes a field
// with Comma ',' and UseCRLF false.
func appendCSVField(b []byte, s string) []byte {
	if !csvNeedsQuotes(s) {
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

// csvNeedsQuotes is encoding/csv's fieldNeedsQuotes for Comma ','.
func csvNeedsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if s == `\.` {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\n', '\r', '"', ',':
			return true
		}
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}
