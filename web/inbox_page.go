package web

import (
	"context"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"

	"github.com/mentionwatch/mentionwatch/internal/redact"
)

// inboxData is what the mentions page shows.
type inboxData struct {
	CSRF        string
	Me          Actor        // who is looking (auth.go)
	Filter      url.Values   // the view's filters, to refill the form
	View        template.URL // the same, encoded, for links and the triage form
	Next        template.URL // the next page's URL ("" at the end)
	Page        FeedPage
	PageSize    int
	Brands      []string
	Assignees   []string            // the dashboard's users and the names in use, one spelling each
	Options     map[string][]string // valid values of each select
	Message     string
	Error       string
	ExportCSV   template.URL
	ExportExcel template.URL // the CSV with a byte-order mark, for Excel
	// ExportExcelSemicolon is that CSV with ';' and decimal commas, for
	// Excel in a comma-decimal locale (Indonesian, most of Europe).
	ExportExcelSemicolon template.URL
	ExportJL             template.URL
}

// serveInbox renders GET /mentions: filters, search, the page of rows with
// their triage and audit trail, paging and export links. A bad filter is
// shown on the page with a 400.
func (h *Handler) serveInbox(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	vals := r.URL.Query()
	d := inboxData{CSRF: h.csrfToken, Me: actorFrom(r), Brands: h.brandNames(), Page: FeedPage{Rows: []FeedRow{}}}
	if msg := vals.Get("msg"); triageMessage.MatchString(msg) {
		d.Message = msg // only uiTriage's own words: a link cannot put text on the page
	}
	vals.Del("msg")
	d.Options = map[string][]string{
		"competitor": h.competitorNames(""), "source": h.sourceNames(ctx), "type": h.typeNames(), "lang": langNames,
		"label": labelNames, "stage": stageNames(), "state": stateNames(), "order": {orderNewest, orderImpact},
	}
	d.Assignees = h.assigneeNames(ctx)
	f, err := h.parseFeed(ctx, vals, feedDefaultLimit, feedMaxLimit)
	f.Raw.Del("msg")
	status := http.StatusOK
	if err == nil {
		d.Page, err = h.feedPage(ctx, f, true)
		if err == nil {
			d.Page.Total, err = h.feedTotal(ctx, f)
		}
		if err != nil {
			status = http.StatusInternalServerError
		}
		d.PageSize = f.Limit
	} else {
		status = http.StatusBadRequest
	}
	if err != nil {
		err = redact.Error(err) // a store error may name a DSN
		if status >= 500 {
			h.opt.Log.Error("dashboard request failed", "path", r.URL.Path, "err", err)
		}
		d.Error = err.Error()
	}
	d.Filter = f.Raw
	// The triage form sends the browser back to this very page: the
	// same filters, page size and page (the cursor is a keyset, so rows
	// triaged out of the view shift nothing).
	back := maps.Clone(f.Raw) // Set replaces a key's slice, never writes into it
	if err == nil && vals.Get("limit") != "" {
		back.Set("limit", strconv.Itoa(f.Limit))
	}
	if err == nil && f.Q.After != nil {
		back.Set("cursor", vals.Get("cursor"))
	}
	d.View = template.URL(back.Encode())
	if d.Page.Next != "" {
		n := maps.Clone(f.Raw)
		n.Set("cursor", d.Page.Next)
		if vals.Get("limit") != "" {
			n.Set("limit", strconv.Itoa(f.Limit)) // the page size asked for, checked
		}
		d.Next = template.URL("/mentions?" + n.Encode())
	}
	exp := maps.Clone(f.Raw)
	exp.Set("format", "csv")
	d.ExportCSV = template.URL("/api/mentions/export?" + exp.Encode())
	exp.Set("excel", "1")
	d.ExportExcel = template.URL("/api/mentions/export?" + exp.Encode())
	exp.Set("sep", "semicolon")
	d.ExportExcelSemicolon = template.URL("/api/mentions/export?" + exp.Encode())
	exp.Del("sep")
	exp.Del("excel")
	exp.Set("format", "jsonl")
	d.ExportJL = template.URL("/api/mentions/export?" + exp.Encode())
	h.renderStatus(w, r, status, "inbox.html", d)
}

// keptMessage follows the count of mentions changedSince kept.
const keptMessage = " changed by someone else since this page showed them kept their assignee and state: see who has them below, then apply again if you still mean to"

// triageMessage is the msg= uiTriage sends the browser back with.
var triageMessage = regexp.MustCompile(`^[0-9]{1,9} of [0-9]{1,9} mentions changed(; [0-9]{1,9}` + regexp.QuoteMeta(keptMessage) + `)?$`)

// assigneeNames lists whom a mention may be given to, for the page's
// suggestions: the dashboard's users, then the other names in use, each
// once in the spelling assignee would store.
func (h *Handler) assigneeNames(ctx context.Context) []string {
	var names []string
	if h.users != nil {
		if us, err := h.users.Users(ctx); err == nil {
			for _, u := range us {
				names = append(names, u.Name)
			}
		}
	}
	inUse, _ := h.opt.Store.Assignees(ctx) // none suggested on an error, which the rows show
	var out []string
	for _, n := range append(names, inUse...) {
		if !slices.ContainsFunc(out, func(o string) bool { return sameAssignee(o, n) }) {
			out = append(out, n)
		}
	}
	return out
}
