package web

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"time"
	"unicode"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/redact"
	"github.com/mentionwatch/mentionwatch/query"
)

// exportTimeout bounds one export; a million rows take about ten seconds.
const exportTimeout = 10 * time.Minute

// exportFlushRows is how many rows are written between flushes.
const exportFlushRows = 2000

// exportColumns are the CSV export's columns. New ones go at the end, so
// a script or sheet reading columns by position keeps working
// (docs/DASHBOARD.md lists them).
var exportColumns = []string{"id", "brand", "source", "type", "published", "collected", "author", "author_reach", "url", "title", "text",
	"lang", "label", "sentiment", "stage", "aspects", "rating", "reach", "impact",
	"lang_hint", "lang_by", "native_id", "stage_confidence"}

// ExportRow is one mention in a JSON Lines export.
type ExportRow struct {
	mw.Mention
	Impact float64 `json:"impact"`
}

// csvCell keeps a spreadsheet from reading untrusted text as a formula:
// a cell that would start a formula (formulaStart) gets a leading
// apostrophe.
func csvCell(s string) string {
	if formulaStart(s) {
		return "'" + s
	}
	return s
}

// formulaStart reports whether a spreadsheet may read s as a formula: it
// starts with a tab or CR, or its first character other than whitespace
// (line breaks and Unicode spaces too), invisible format characters
// (direction marks, zero-width characters, a byte-order mark) and double
// quotes is = + - or @. Google Sheets, LibreOffice and CSV converters
// strip leading whitespace before they look for a formula, so checking
// the first byte alone let " =HYPERLINK(...)" through.
func formulaStart(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	for _, r := range s {
		switch {
		case r == '=' || r == '+' || r == '-' || r == '@':
			return true
		case r == '"' || unicode.IsSpace(r) || unicode.Is(unicode.Cf, r):
			continue
		}
		return false
	}
	return false
}

// exportBufferBytes is the export's write buffer: large writes reach the
// connection in few system calls (the ResponseWriter's own buffer is 4
// KiB).
const exportBufferBytes = 64 << 10

// apiExport streams every mention of the filtered view as CSV or JSON Lines
// (format=csv|jsonl), newest first or by impact, without a row limit
// unless limit= is given. Rows go from the store to the client as they
// are read, so memory stays flat; q= filters each row. A failure is never
// a complete-looking file: a JSON 500 before anything was sent, a broken
// off download after.
func (h *Handler) apiExport(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), exportTimeout)
	defer cancel()
	how, err := parseExportOptions(r.URL.Query())
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	format := how.format
	f, err := h.parseFeed(ctx, r.URL.Query(), 0, 100_000_000)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	if f.Q.After != nil {
		h.fail(w, r, http.StatusBadRequest, fmt.Errorf("cursor: an export is the whole view; drop cursor="))
		return
	}
	q := f.Q
	q.Limit = f.Limit
	hd := w.Header()
	hd.Set("Cache-Control", "no-store")
	// Named by the time in the configured zone, as the page shows times,
	// with its offset (a file name holds no colon): mentions-20260310-190000+0700.
	name := "mentions-" + h.opt.Now().In(h.opt.Location).Format("20060102-150405-0700")
	if format == "csv" {
		hd.Set("Content-Type", "text/csv; charset=utf-8")
		hd.Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	} else {
		hd.Set("Content-Type", "application/x-ndjson; charset=utf-8")
		hd.Set("Content-Disposition", `attachment; filename="`+name+`.jsonl"`)
	}
	// The response goes through wrappers (metrics.instrument): reach the
	// connection's Flush and write deadline through the controller. The
	// server's WriteTimeout (60 s, ServeListener) would cut a long
	// download short; the export has exportTimeout instead.
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Now().Add(exportTimeout)) // ErrNotSupported: keep the server's
	sw := &sentWriter{w: w}
	var (
		bw   = bufio.NewWriterSize(sw, exportBufferBytes)
		cw   *csvRows
		enc  *json.Encoder
		rows int
	)
	if format == "csv" {
		if how.excel {
			bw.WriteString("\ufeff")
		}
		cw = &csvRows{w: bw, loc: h.opt.Location, comma: ',', excel: how.excel}
		if how.semicolon {
			cw.comma, cw.decimalComma = ';', true
		}
		cw.header(exportColumns)
	} else {
		enc = json.NewEncoder(bw) // escapes <, > and &
	}
	err = h.opt.Store.EachMention(ctx, q, func(m mw.Mention) error {
		if !f.matches(&m) {
			return nil
		}
		// RFC 3339 with the configured zone's offset, as the API's times.
		m.Published, m.Collected = inZone(m.Published, h.opt.Location), inZone(m.Collected, h.opt.Location)
		if cw != nil {
			if err := cw.mention(&m); err != nil {
				return err
			}
		} else {
			if m.Aspects == nil {
				m.Aspects = []string{} // [] in JSON, as the API
			}
			if err := enc.Encode(ExportRow{Mention: m, Impact: m.Impact()}); err != nil {
				return err
			}
		}
		rows++
		if rows%exportFlushRows == 0 {
			if err := bw.Flush(); err != nil {
				return err
			}
			if err := rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
				return err // the client is gone
			}
		}
		return ctx.Err()
	})
	if err == nil {
		bw.Flush()
		return
	}
	if r.Context().Err() != nil {
		return // the client went away
	}
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
		err = fmt.Errorf("the export ran past its %s budget after %d rows; narrow the view (from/to, brand, filters) or export it in parts", exportTimeout, rows)
	}
	if !sw.sent {
		// Nothing reached the client: answer the error instead of a
		// file holding only what the buffer had.
		hd.Del("Content-Disposition")
		h.fail(w, r, http.StatusInternalServerError, fmt.Errorf("exporting mentions: %w", err))
		return
	}
	// Part of the file is sent under 200. Break the response off, without
	// its final chunk, so the client reports a failed download instead of
	// keeping a file that looks complete; the log says why.
	h.opt.Log.Error("export failed; the download was broken off", "rows_written", rows, "err", redact.Error(err))
	bw.Flush()
	panic(http.ErrAbortHandler)
}

// exportOptions are how an export is written.
type exportOptions struct {
	format string // csv or jsonl
	// excel (excel=1) starts the CSV with a UTF-8 byte-order mark: Excel
	// reads a CSV without one in the machine's legacy code page, so every
	// accented letter and emoji of a mention shows as mojibake. Off by
	// default, as a script reading the header would see "\ufeffid".
	excel bool
	// semicolon (sep=semicolon, with excel=1) is for Excel set to a
	// locale whose decimal mark is a comma (Indonesian, most of Europe):
	// it splits a line at its list separator, ';', so a comma-separated
	// file opens in one column, and it reads -0.42 as text. Such a file
	// has ';' between fields and decimal commas. Not a "sep=;" first
	// line: with one, Excel ignores the byte-order mark. Never the
	// default: Excel takes its separator from the computer's regional
	// format, which neither timezone: nor the browser's language tells
	// (English Windows set to Indonesian formats is common), so the
	// inbox offers both.
	semicolon bool
}

// parseExportOptions reads format=, excel= and sep= of an export.
func parseExportOptions(v url.Values) (exportOptions, error) {
	format, err1 := oneOf(v, "format", "csv", "jsonl")
	excel, err2 := oneOf(v, "excel", "0", "1")
	sep, err3 := oneOf(v, "sep", "comma", "semicolon")
	if err := cmp.Or(err1, err2, err3); err != nil {
		return exportOptions{}, err
	}
	switch {
	case excel == "1" && format != "csv":
		return exportOptions{}, fmt.Errorf("excel=1 is for format=csv (a byte-order mark for Excel); drop it for format=%s", format)
	case sep == "semicolon" && excel != "1":
		return exportOptions{}, fmt.Errorf("sep=semicolon is for Excel in a comma-decimal locale (it also writes decimal commas); add format=csv&excel=1")
	}
	return exportOptions{format: format, excel: excel == "1", semicolon: sep == "semicolon"}, nil
}

// oneOf returns v's value of name, which must be one of valid; valid[0]
// if it has none.
func oneOf(v url.Values, name string, valid ...string) (string, error) {
	s := v.Get(name)
	switch {
	case s == "":
		return valid[0], nil
	case !slices.Contains(valid, s):
		return "", query.Unknown(name, s, valid)
	}
	return s, nil
}

// sentWriter records whether anything was written to the response.
type sentWriter struct {
	w    io.Writer
	sent bool
}

func (s *sentWriter) Write(p []byte) (int, error) {
	s.sent = true
	return s.w.Write(p)
}
