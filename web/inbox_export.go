package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

// exportTimeout bounds one export; a million rows take about ten seconds.
const exportTimeout = 10 * time.Minute

// exportFlushRows is how many rows are written between flushes.
const exportFlushRows = 2000

var exportColumns = []string{"id", "brand", "source", "type", "published", "collected", "author", "author_reach", "url", "title", "text",
	"lang", "label", "sentiment", "stage", "aspects", "rating", "reach", "impact"}

// ExportRow is one mention in a JSON Lines export.
type ExportRow struct {
	mw.Mention
	Impact float64 `json:"impact"`
}

// csvCell keeps a spreadsheet from reading untrusted text as a formula:
// a cell starting with = + - @ or a tab/CR gets a leading apostrophe.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// apiExport streams every mention of the filtered view as CSV or JSON Lines
// (format=csv|jsonl), newest first or by impact, without a row limit
// unless limit= is given. Rows go from the store to the client as they
// are read, so memory stays flat; q= filters each row.
func (h *Handler) apiExport(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), exportTimeout)
	defer cancel()
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "jsonl" {
		h.fail(w, r, http.StatusBadRequest, badValue("format", format, []string{"csv", "jsonl"}))
		return
	}
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
	name := "mentions-" + h.opt.Now().UTC().Format("20060102-150405")
	if format == "csv" {
		hd.Set("Content-Type", "text/csv; charset=utf-8")
		hd.Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	} else {
		hd.Set("Content-Type", "application/x-ndjson; charset=utf-8")
		hd.Set("Content-Disposition", `attachment; filename="`+name+`.jsonl"`)
	}
	flusher, _ := w.(http.Flusher)
	var (
		cw   *csv.Writer
		enc  *json.Encoder
		rows int
		rec  = make([]string, len(exportColumns))
	)
	if format == "csv" {
		cw = csv.NewWriter(w)
		cw.Write(exportColumns)
	} else {
		enc = json.NewEncoder(w) // escapes <, > and &
	}
	ff := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 32) }
	err = h.opt.Store.EachMention(ctx, q, func(m mw.Mention) error {
		if !f.matches(&m) {
			return nil
		}
		if cw != nil {
			rec[0], rec[1], rec[2], rec[3] = m.ID, csvCell(m.Brand), csvCell(m.Source), csvCell(m.Type)
			rec[4], rec[5] = m.Published.UTC().Format(time.RFC3339), m.Collected.UTC().Format(time.RFC3339)
			rec[6], rec[7], rec[8] = csvCell(m.Author), strconv.FormatUint(uint64(m.AuthorReach), 10), csvCell(m.URL)
			rec[9], rec[10], rec[11], rec[12] = csvCell(m.Title), csvCell(m.Text), m.Lang, string(m.Label)
			rec[13], rec[14], rec[15] = ff(float64(m.Sentiment)), string(m.Stage), csvCell(strings.Join(m.Aspects, ";"))
			rec[16], rec[17], rec[18] = ff(float64(m.Rating)), ff(float64(m.Reach)), strconv.FormatFloat(m.Impact(), 'g', -1, 64)
			if err := cw.Write(rec); err != nil {
				return err
			}
		} else if err := enc.Encode(ExportRow{Mention: m, Impact: m.Impact()}); err != nil {
			return err
		}
		rows++
		if rows%exportFlushRows == 0 {
			if cw != nil {
				cw.Flush()
			}
			if flusher != nil {
				flusher.Flush()
			}
		}
		return ctx.Err()
	})
	if cw != nil {
		cw.Flush()
	}
	if err != nil && ctx.Err() == nil {
		// The header is sent: the client sees a truncated file; the log
		// says why.
		h.opt.Log.Error("export failed", "rows_written", rows, "err", err)
	}
	_ = context.Cause(ctx)
}
