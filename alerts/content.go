package alerts

import (
	"fmt"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
)

// Content is an alert's message as plain, unescaped text fields: what the
// channels of alerts/notify render, each escaping every field for its own
// format. Mention text in it is untrusted.
type Content struct {
	Headline string     // Headline(a)
	Why      string     // Why(a, bucket)
	When     string     // "Since Wed Dec 2 10:03 WIB", or the resolved episode
	Acked    string     // "Acknowledged by dana at Wed Dec 2 10:20 WIB" (AckedWords) while it fires; "" when nobody has
	Resolved bool       // the alert has resolved: channels that colour the headline show it as good news
	Evidence []Evidence // near-copies grouped, the most impactful first; at most MaxEvidence
	More     int        // further groups left out
	Open     string     // dashboard deep link ("" without dashboard_url)
	Ack      string     // signed acknowledge link, or ""
	Silence  string     // signed silence link, or ""
}

// Evidence is one mention shown (with its near-copies counted).
type Evidence struct {
	When    string // published, in the presentation's zone
	Source  string // clipped to 80 runes, as Author
	Author  string
	Text    string // clipped to MaxEvidenceRunes on a word boundary
	URL     string // CleanURL of the mention's: "" unless an absolute http(s) URL
	Similar int    // near-copies besides this one
	// Copies link a critical mention's near-copies and cross-posts (the
	// latest, at most MaxCopyLinks; CopyLinks), and MoreCopies counts
	// those not linked. Only the first evidence of a critical alert has
	// them.
	Copies     []string
	MoreCopies int
}

// MaxEvidence and MaxEvidenceRunes bound what a message carries.
const (
	MaxEvidence      = 5
	MaxEvidenceRunes = 500
)

// ContentOf completes n from p and returns its content, every text field
// one visible line (Content.Visible).
func ContentOf(p Presentation, n Notification) Content {
	n = p.complete(n)
	a, loc := n.Alert, n.Location
	c := Content{Headline: Headline(a), Why: Why(a, n.Bucket), Open: n.Links.Open, Ack: n.Links.Ack, Silence: n.Links.Silence}
	if a.State == mw.Resolved {
		c.Resolved = true
		c.When = closedWords(a, loc)
	} else {
		c.When = "Since " + timeWords(a.StartedAt, loc)
		c.Acked = AckedWords(a, loc)
	}
	for i, g := range GroupSimilar(n.Top) {
		if i >= MaxEvidence {
			c.More++
			continue
		}
		m := g.Mention
		e := Evidence{When: timeWords(m.Published, loc), Source: clip(m.Source, 80), Author: clip(m.Author, 80), Text: clip(mentionBody(m), MaxEvidenceRunes), Similar: g.Count - 1}
		e.URL = CleanURL(m.URL)
		if i == 0 {
			e.Copies, e.MoreCopies = CopyLinks(n)
		}
		c.Evidence = append(c.Evidence, e)
	}
	return c.Visible()
}

// MaxCopyLinks bounds the near-copies of a critical mention a message
// links; the dashboard's alert page lists them all.
const MaxCopyLinks = 5

// CopyLinks returns the links of a critical alert's near-copies and
// cross-posts among n's evidence (Top after the mention: the latest
// copies, outbox.evidence), cleaned (CleanURL), each once, none the
// mention's own, none longer than maxLinkURL; at most MaxCopyLinks. more
// counts the copies (Alert.Count less the mention) not linked.
func CopyLinks(n Notification) (links []string, more int) {
	a := n.Alert
	if a.Kind != mw.AlertCritical || a.State == mw.Resolved || len(n.Top) < 2 {
		return nil, 0
	}
	seen := map[string]bool{CleanURL(n.Top[0].URL): true}
	for _, m := range n.Top[1:] {
		u := CleanURL(m.URL)
		if u == "" || seen[u] || len(u) > maxLinkURL {
			continue
		}
		seen[u] = true
		links = append(links, u)
		if len(links) == MaxCopyLinks {
			break
		}
	}
	return links, max(0, int(a.Count)-1-len(links))
}

// PlainText is the content as plain text lines (no markup), for channels
// that show text as is.
func (c Content) PlainText() string {
	lines := []string{c.Headline, c.Why, c.When}
	if c.Acked != "" {
		lines = append(lines, c.Acked)
	}
	for _, e := range c.Evidence {
		lines = append(lines, "", "• "+e.Line())
		if e.URL != "" {
			lines = append(lines, "  "+e.URL)
		}
		if len(e.Copies) > 0 {
			lines = append(lines, "  "+e.CopiesWords()+":")
			for _, u := range e.Copies {
				lines = append(lines, "  "+u)
			}
		}
	}
	if c.More > 0 {
		lines = append(lines, "", fmt.Sprintf("and %d more in the dashboard", c.More))
	}
	if c.Open != "" {
		lines = append(lines, "", "Open: "+c.Open)
	}
	if c.Ack != "" {
		lines = append(lines, "Acknowledge: "+c.Ack)
	}
	if c.Silence != "" {
		lines = append(lines, "Silence 4 h: "+c.Silence)
	}
	return strings.Join(lines, "\n")
}

// Line is the evidence in one plain line: when, where, who, what.
func (e Evidence) Line() string {
	by := ""
	if e.Author != "" {
		by = " by " + e.Author
	}
	s := fmt.Sprintf("%s on %s%s: %s", e.When, e.Source, by, e.Text)
	if e.Similar > 0 {
		s += fmt.Sprintf(" (+%d similar)", e.Similar)
	}
	return s
}

// CopiesWords heads the list of e's copies' links: "Copies" or "Copies
// (the latest 5; 24 more in the dashboard)".
func (e Evidence) CopiesWords() string {
	if e.MoreCopies == 0 {
		return "Copies"
	}
	return fmt.Sprintf("Copies (the latest %d; %d more in the dashboard)", len(e.Copies), e.MoreCopies)
}

// Classify turns an HTTP status into a *DeliveryError for notifier name
// (nil for 2xx with a nil err): a 4xx other than 408/429 is permanent, and
// retryAfter (from a 429) tells Deliver how long to wait.
func Classify(name string, status int, retryAfter time.Duration, err error) error {
	return classify(name, status, retryAfter, err)
}
