package textutil

import (
	"testing"
	"unicode/utf8"
)

func TestPlainText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"  plain\n\ttext  ", "plain text"},
		{"<p>Acme is <b>great</b></p><p>really</p>", "Acme is great really"},
		{"Fish &amp; chips &#39;ok&#39; &lt;3", "Fish & chips 'ok' <3"},
		{"line<br>break<br/>again", "line break again"},
		{"<script>alert(1)</script>kept<style>p{}</style>", "kept"},
		{"pengiriman <i>lambat</i> &mdash; kecewa", "pengiriman lambat — kecewa"},
		{"broken <a href='x'", "broken"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{"nul\x00byte", "nulbyte"},
	} {
		if got := PlainText(tc.in); got != tc.want {
			t.Errorf("PlainText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzPlainText(f *testing.F) {
	for _, s := range []string{"<p>a &amp; b</p>", "<script>x", "\xff<b>", "&#xZZ;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := PlainText(s)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 from %q", s)
		}
	})
}

func TestPlainTextMore(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a < b &gt; c", "a < b > c"},
		{"x<!-- hidden > still -->y", "xy"},
		{"<SCRIPT>bad()</SCRIPT>ok", "ok"},
		{"a&nbsp;&nbsp;b", "a b"},
		{"AT&T &unknown; & more", "AT&T &unknown; & more"},
		{"<p>Harga <b>Rp 50.000</b></p>", "Harga Rp 50.000"},
		// A title or summary that names a <script> or <style> tag as text
		// (Atom type="text", a tech blog's RSS title) has no closing tag:
		// everything after it was dropped as script content, the brand
		// with it. Only a closed element's content goes.
		{"Why the <script> tag in Acme's widget blocks rendering", "Why the tag in Acme's widget blocks rendering"},
		{"Use <style> in Acme", "Use in Acme"},
		{"<p>Acme</p><script>track()</script> rocks <script> tag", "Acme rocks tag"},
	} {
		if got := PlainText(tc.in); got != tc.want {
			t.Errorf("PlainText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := Clean(" a\u00a0\u00a0b\x01 c "); got != "a b c" {
		t.Errorf("Clean = %q", got)
	}
}

// TestBareAmpersandBeforeMarkup: HTML in CDATA (feeds) and review bodies
// carries bare '&' ("R&D", "Q&A", "Johnson & Johnson"). A ';' within 40
// bytes after it, past a tag (a link's "&amp;" query, a sentence's ';'),
// made the whole stretch one "entity" that was copied as text, tags and
// attributes included.
func TestBareAmpersandBeforeMarkup(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`R&D <a href="/p?x=1&amp;y=2">news</a> here`, "R&D news here"},
		{"Johnson & Johnson <b>recall</b>; details", "Johnson & Johnson recall; details"},
		{"Q&A<br>Acme &amp; co", "Q&A Acme & co"},
		{"AT&T; ok &copy; &#233;t&#xE9;", "AT&T; ok © été"},
	} {
		if got := PlainText(tc.in); got != tc.want {
			t.Errorf("PlainText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
