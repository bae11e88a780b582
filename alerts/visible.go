package alerts

import (
	"strings"
	"unicode"
)

// Mention text, authors, sources and the reasons that quote them come from
// the internet. Every channel shows them as one line of visible
// characters: a line break would forge a line of its own (a fake "Open:"
// link in a mail's text part), a control character reaches a terminal or
// breaks a client, and a bidirectional override or a zero-width space
// reorders or disguises the words around it. The channels escape for
// their own format after this.

// OneLine returns s with line breaks and tabs as single spaces, runs of
// space folded, control characters, bidi controls and zero-width spaces
// dropped and invalid UTF-8 as U+FFFD. ZWJ and ZWNJ stay: emoji and some
// scripts need them.
func OneLine(s string) string {
	return strings.Join(strings.Fields(strings.Map(visibleRune, s)), " ")
}

// visible drops what OneLine drops but keeps line breaks, for text whose
// lines the renderer keeps.
func visible(s string) string { return strings.Map(visibleRune, s) }

func visibleRune(r rune) rune {
	switch {
	case r == '\n' || r == '\r' || r == '\t' || r == '\v' || r == '\f' || r == '\u0085' || r == '\u2028' || r == '\u2029':
		if r == '\n' {
			return r
		}
		return ' '
	case unicode.IsControl(r),
		r == '\u061c', r == '\u200e', r == '\u200f', // bidi marks
		r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069', // bidi embeddings, overrides, isolates
		r == '\u200b', r == '\u2060', r == '\ufeff': // zero-width space, word joiner, BOM
		return -1
	}
	return r
}

// Visible returns c with every text field one visible line (OneLine).
// URLs are not touched: ContentOf keeps only parsed http(s) ones.
func (c Content) Visible() Content {
	c.Headline, c.Why, c.When, c.Acked = OneLine(c.Headline), OneLine(c.Why), OneLine(c.When), OneLine(c.Acked)
	if c.Evidence != nil {
		ev := make([]Evidence, len(c.Evidence))
		for i, e := range c.Evidence {
			e.When, e.Source, e.Author, e.Text = OneLine(e.When), OneLine(e.Source), OneLine(e.Author), OneLine(e.Text)
			ev[i] = e
		}
		c.Evidence = ev
	}
	return c
}
