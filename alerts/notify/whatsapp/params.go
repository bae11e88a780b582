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
// in the order names gives, each sanitised by Sanitize to max runes but
// link (the config's dashboard URL), which is kept whole.
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
			if c.Acked != "" { // the one parameter every template has
				v += " · " + c.Acked
			}
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
			out[i] = squeeze(v) // never clipped: a cut URL opens nothing
		} else {
			out[i] = Sanitize(v, max)
		}
	}
	fitBody(out, names)
	return out
}

// ParamsBudget is how many characters the parameters may take together:
// Meta refuses a template body over 1,024 characters (error 132005, for
// every send alike), and the template's own text needs the rest.
const ParamsBudget = 900

// fitBody clips the text parameters (never link, which a clip would
// break) to one common length, the largest at which the parameters
// together fit ParamsBudget, so a long one gives up more than a short
// one; none is clipped below minParamRunes.
func fitBody(out, names []string) {
	const minParamRunes = 20
	lens := make([]int, len(out))
	fixed, longest := 0, 0
	for i, v := range out {
		lens[i] = utf8.RuneCountInString(v)
		if names[i] == "link" {
			fixed += lens[i]
		} else {
			longest = max(longest, lens[i])
		}
	}
	fits := func(l int) bool {
		total := fixed
		for i, n := range lens {
			if names[i] != "link" {
				total += min(n, l)
			}
		}
		return total <= ParamsBudget
	}
	if fits(longest) {
		return
	}
	lo, hi := minParamRunes, longest // fits(hi) is false
	for lo+1 < hi {
		if mid := (lo + hi) / 2; fits(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	for i, n := range lens {
		if names[i] != "link" && n > lo {
			out[i] = clip(out[i], lo)
		}
	}
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
	r := []rune(alerts.CutRunes(s, max-1))
	cut := len(r)
	for i := len(r) - 1; i > len(r)*4/5; i-- {
		if r[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(r[:cut]), " ") + "…"
}
