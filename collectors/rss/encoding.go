package rss

import (
	"bytes"
	"mime"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// xmlDecl matches an XML declaration's encoding attribute at the start of a
// document (after optional whitespace); group 1 is the label's value.
var xmlDecl = regexp.MustCompile(`^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']`)

// charRef matches a numeric character reference, for dropping those that
// name a character XML forbids (&#0;, &#x0B;).
var charRef = regexp.MustCompile(`&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));`)

// toUTF8 returns body as UTF-8 XML or JSON that the parser can read, and
// what it did, whatever the publisher declared:
//
//  1. A byte-order mark decides (UTF-8 is dropped, UTF-16 decoded), or
//     for UTF-16 without one, a NUL beside the first '<'.
//  2. Bytes that are valid UTF-8 are UTF-8, whatever the Content-Type or
//     the XML declaration claims (a UTF-8 feed under an ISO-8859-1 or
//     windows-1252 declaration is common; decoding it again garbles it).
//  3. Otherwise the charset of the HTTP Content-Type, then the XML
//     declaration's encoding, when it names a known non-UTF-8 charset
//     (ISO-8859-1 is read as windows-1252, its superset, as browsers do).
//  4. Otherwise a body with no valid multi-byte UTF-8 sequence is
//     windows-1252 (a Latin-1 feed that names no charset, or says UTF-8),
//     and in one that has some, invalid sequences become U+FFFD.
//
// The XML declaration is then rewritten to say UTF-8 (an unknown label
// such as "invalid" would fail the parser), and characters XML 1.0 forbids
// (C0 controls but tab, LF and CR; U+FFFE, U+FFFF), raw or as numeric
// references, are dropped, so one bad character does not cost the whole
// feed. Every step is linear in len(body).
func toUTF8(body []byte, contentType string) []byte {
	switch {
	case bytes.HasPrefix(body, []byte("\xef\xbb\xbf")):
		body = body[3:]
	case bytes.HasPrefix(body, []byte("\xfe\xff")), bytes.HasPrefix(body, []byte("\xff\xfe")):
		if b, err := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Bytes(body); err == nil {
			body = b
		}
	case bytes.HasPrefix(body, []byte("<\x00")), bytes.HasPrefix(body, []byte("\x00<")):
		// UTF-16 without a mark (XML 1.0 appendix F): the NUL beside the
		// first '<' gives the byte order. Left as it is, the NULs would be
		// dropped below and a declared encoding="UTF-16" then garble it.
		order := unicode.LittleEndian
		if body[0] == 0 {
			order = unicode.BigEndian
		}
		if b, err := unicode.UTF16(order, unicode.IgnoreBOM).NewDecoder().Bytes(body); err == nil {
			body = b
		}
	}
	if !utf8.Valid(body) {
		body = decodeDeclared(body, contentType)
	}
	if m := xmlDecl.FindSubmatchIndex(body); m != nil && !strings.EqualFold(string(body[m[2]:m[3]]), "utf-8") {
		body = append(append(append([]byte(nil), body[:m[2]]...), "UTF-8"...), body[m[3]:]...)
	}
	return stripIllegalXML(body)
}

// decodeDeclared decodes body (not valid UTF-8) by the charset of the
// Content-Type, else of the XML declaration, else replaces invalid bytes.
func decodeDeclared(body []byte, contentType string) []byte {
	var labels []string
	if _, params, err := mime.ParseMediaType(contentType); err == nil && params["charset"] != "" {
		labels = append(labels, params["charset"])
	}
	if m := xmlDecl.FindSubmatch(body); m != nil {
		labels = append(labels, string(m[1]))
	}
	for _, l := range labels {
		enc, name := charset.Lookup(l)
		if enc == nil || name == "utf-8" {
			continue
		}
		if b, err := enc.NewDecoder().Bytes(body); err == nil && utf8.Valid(b) {
			return b
		}
	}
	if !multibyteUTF8(body) {
		// Not one character of the body is written in UTF-8: it is a
		// legacy single-byte feed that names no charset (or wrongly says
		// UTF-8), as old CMS templates serve Latin-1. Read it as
		// windows-1252, as browsers and feed readers do, not as U+FFFD.
		if b, err := charmap.Windows1252.NewDecoder().Bytes(body); err == nil {
			return b
		}
	}
	return bytes.ToValidUTF8(body, []byte("\uFFFD"))
}

// multibyteUTF8 tells whether body holds at least one valid multi-byte
// UTF-8 sequence.
func multibyteUTF8(body []byte) bool {
	for i := 0; i < len(body); {
		if body[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(body[i:])
		if r != utf8.RuneError {
			return true
		}
		i += n
	}
	return false
}

// stripIllegalXML drops the characters XML 1.0 forbids, raw or as numeric
// character references. body is valid UTF-8.
func stripIllegalXML(body []byte) []byte {
	dirty := bytes.Contains(body, []byte("&#")) || bytes.Contains(body, []byte("\xef\xbf\xbe")) || bytes.Contains(body, []byte("\xef\xbf\xbf"))
	for _, c := range body {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			dirty = true
			break
		}
	}
	if !dirty {
		return body
	}
	out := make([]byte, 0, len(body))
	for i := 0; i < len(body); {
		r, n := utf8.DecodeRune(body[i:])
		if legalXML(r) {
			out = append(out, body[i:i+n]...)
		}
		i += n
	}
	if !bytes.Contains(out, []byte("&#")) {
		return out
	}
	return charRef.ReplaceAllFunc(out, func(ref []byte) []byte {
		m := charRef.FindSubmatch(ref)
		var v uint64
		var err error
		if len(m[1]) > 0 {
			v, err = strconv.ParseUint(string(m[1]), 16, 32)
		} else {
			v, err = strconv.ParseUint(string(m[2]), 10, 32)
		}
		if err != nil || v > utf8.MaxRune || !legalXML(rune(v)) {
			return nil
		}
		return ref
	})
}

// legalXML reports whether XML 1.0 allows r in a document.
func legalXML(r rune) bool {
	switch {
	case r == '\t', r == '\n', r == '\r':
		return true
	case r < 0x20, r == 0xFFFE, r == 0xFFFF:
		return false
	case r >= 0xD800 && r <= 0xDFFF:
		return false
	}
	return true
}
