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
	} {
		if got := PlainText(tc.in); got != tc.want {
			t.Errorf("PlainText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := Clean(" a\u00a0\u00a0b\x01 c "); got != "a b c" {
		t.Errorf("Clean = %q", got)
	}
}
