package whatsapp

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
)

// Params returns the template body's parameters for content c of alert a,
// in the order names gives, each sanitised by Sanitize to max runes.
//
// WhatsApp shows a text parameter as plain text with its own light
// formatting (*bold*, _italic_, ~strike~, ```mono```): in every parameter
// but link (the dashboard URL, from the config) Sanitize swaps those
// marks for look-alikes, so mention text cannot format the message. HTML
// means nothing in WhatsApp and is shown as typed.
func Params(c alerts.Content, a mw.Alert, names []string, max int) []string {
	out := make([]string, len(names))
	for i, n := range names {
		var v string
		switch n {
		case "headline":
			v = c.Headline
		case "brand":
			v = a.Brand
		case "why":
			v = c.Why
		case "when":
			v = c.When
		case "evidence":
			var parts []string
			for _, e := range c.Evidence {
				parts = append(parts, e.Line())
			}
			if c.More > 0 {
				parts = append(parts, fmt.Sprintf("and %d more", c.More))
			}
			v = strings.Join(parts, " | ")
		case "link":
			v = c.Open
		}
		if v == "" {
			v = "-" // Meta rejects an empty text parameter (error 131008)
		}
		if n == "link" {
			out[i] = clip(squeeze(v), max)
		} else {
			out[i] = Sanitize(v, max)
		}
	}
	return out
}

// Sanitize makes s a valid template text parameter of at most max runes:
// Meta rejects a parameter with a newline or tab, or more than four
// consecutive spaces (error 132018), so every run of white space becomes
// one space; control and zero-width characters go; WhatsApp's formatting
// marks become look-alikes that format nothing (* ∗, _ ˍ, ~ ∼, ` ˋ); the
// text is clipped on a word boundary with "…".
func Sanitize(s string, max int) string {
	return clip(alerts.InertMarks(squeeze(s)), max)
}

// squeeze turns every run of white space into one space and drops control
// and zero-width characters.
func squeeze(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			continue
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r) || r == '\u200b' || r == '\u200d' || r == '\u2060' || r == '\ufeff':
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// clip cuts s to max runes, on a space when there is one in the last
// fifth, ending in "…".
func clip(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)[:max-1]
	cut := len(r)
	for i := len(r) - 1; i > len(r)*4/5; i-- {
		if r[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(r[:cut]), " ") + "…"
}
