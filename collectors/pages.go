package collectors

import (
	"fmt"

	mw "github.com/mentionwatch/mentionwatch"
)

// PageLoop notices a paginated read that goes round: a service that gives
// back a next-page cursor it gave before in the same read (Reddit's
// "after" echoed, a Bluesky or YouTube cursor that cycles), or a page
// whose items were all on earlier pages (a server that ignores the page,
// offset or min_id parameter and answers its first page again). Such a
// read went on to max_pages, fetching the same page again and again, and
// then advised raising max_pages, which only made it longer.
//
// A collector makes one PageLoop per read (one query or stream in one
// run), calls Repeats with each page's items before taking them, and
// Cursor with the next-page cursor before following it. The zero value is
// ready; it is not safe for concurrent use.
type PageLoop struct {
	cursors map[string]bool
	ids     map[string]bool
	page    int
}

// Repeats records the items of the next page read and reports, as the
// reason to stop paging, when every one of them was on an earlier page of
// this read; "" when the page has anything new (or nothing at all).
func (l *PageLoop) Repeats(items []mw.Mention) string {
	l.page++
	if l.ids == nil {
		l.ids = map[string]bool{}
	}
	fresh := 0
	for _, m := range items {
		if m.NativeID == "" || !l.ids[m.NativeID] {
			fresh++
		}
		l.ids[m.NativeID] = true
	}
	if l.page > 1 && len(items) > 0 && fresh == 0 {
		return fmt.Sprintf("page %d holds only items of earlier pages (the service ignores the paging parameter)", l.page)
	}
	return ""
}

// Cursor records the cursor that names the page after the last one read
// and reports, as the reason to stop paging, when this read was given it
// before; "" when it is new (or empty: the end of the results).
func (l *PageLoop) Cursor(next string) string {
	if next == "" {
		return ""
	}
	if l.cursors == nil {
		l.cursors = map[string]bool{}
	}
	if l.cursors[next] {
		return fmt.Sprintf("page %d gives a next-page cursor already followed (%s)", l.page, ServerText(next))
	}
	l.cursors[next] = true
	return ""
}

// PageLoopMsg is the warning a collector logs when PageLoop stops a read
// (with the reason as "why"): what was read is kept, and the rest of the
// read is skipped, as when max_pages is reached.
const PageLoopMsg = "the service's pages go round; paging stopped there and what was read is kept, older items of this read are skipped (a fault of the service or of a proxy in between: raising max_pages does not help)"
