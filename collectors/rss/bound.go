package rss

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html/charset"
)

// MaxDepth bounds how deeply a feed's XML elements may nest. gofeed reads
// namespaced elements (extensions such as <media:group>) recursively, one
// stack frame and a few hundred bytes of tree per level: a feed of nothing
// but nested <x:a> within the 10 MiB body limit overflows the goroutine
// stack, which kills the process rather than failing the source. A real
// feed nests a few levels (Atom XHTML content a few dozen).
const MaxDepth = 256

// MaxFeedItems bounds the items (RSS items, Atom entries, JSON Feed items)
// read from one document; later ones, the oldest in a feed's usual order,
// are not read. gofeed spends tens of microseconds and kilobytes on each
// item, even an empty one: ten megabytes of "<item/>" took half a minute.
// A real feed lists tens, an archive a few thousand.
const MaxFeedItems = 10_000

// boundXML reads an XML document with the tokenizer gofeed uses
// (encoding/xml, not strict, the same charset reader). It fails when
// elements nest deeper than MaxDepth, and cuts the document before its
// item or entry number MaxFeedItems+1, closing the elements still open,
// so the parser reads at most MaxFeedItems; cut is true when it did (on
// an error, out is body). A syntax error ends the check: the parser meets
// the same error at the same place and reports it itself. It is linear in
// len(body) and keeps no tokens.
func boundXML(body []byte) (out []byte, cut bool, err error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = false
	recoded := false // offsets are then in the recoded text, not in body
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		recoded = true
		return charset.NewReaderLabel(label, r)
	}
	var open []xml.Name
	items := 0
	for {
		start := d.InputOffset()
		tok, err := d.RawToken()
		if err != nil {
			return body, false, nil
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(open) >= MaxDepth {
				line, _ := d.InputPos()
				return body, false, fmt.Errorf("elements nest more than %d deep (line %d): not a feed a publisher would write, refused before it exhausts memory", MaxDepth, line)
			}
			if t.Name.Local == "item" || t.Name.Local == "entry" {
				if items++; items > MaxFeedItems && !recoded {
					return closeElements(body[:start], open), true, nil
				}
			}
			open = append(open, t.Name)
		case xml.EndElement:
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
		}
	}
}

// closeElements is head with end tags for the elements open, innermost
// first (raw names: Space is the prefix).
func closeElements(head []byte, open []xml.Name) []byte {
	var b strings.Builder
	for i := len(open) - 1; i >= 0; i-- {
		b.WriteString("</")
		if open[i].Space != "" {
			b.WriteString(open[i].Space + ":")
		}
		b.WriteString(open[i].Local + ">")
	}
	return append(head[:len(head):len(head)], b.String()...)
}

// boundJSON cuts a JSON Feed's top-level "items" array after
// MaxFeedItems elements and closes the document there (members after
// items are dropped with the rest); cut is true when it did. Keys are
// matched as the parser matches them: unescaped and ignoring case. It is
// one pass over body, strings skipped whole.
func boundJSON(body []byte) (out []byte, cut bool) {
	depth, items, n := 0, false, 0
	key := ""
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '"':
			j := i + 1
			for j < len(body) && body[j] != '"' {
				if body[j] == '\\' {
					j++
				}
				j++
			}
			if depth == 1 {
				key = jsonKey(body[i:min(j+1, len(body))])
			}
			i = j
		case '{', '[':
			depth++
			if depth == 2 && body[i] == '[' && strings.EqualFold(key, "items") {
				items, n = true, 0
			}
		case '}', ']':
			depth--
			if depth < 2 {
				items = false
			}
		case ',':
			if items && depth == 2 {
				if n++; n == MaxFeedItems {
					return append(body[:i:i], "]}"...), true
				}
			}
		}
	}
	return body, false
}

// jsonKey is a JSON string's value, its escapes resolved only when it has
// any; "" when it is not a valid string.
func jsonKey(quoted []byte) string {
	if bytes.IndexByte(quoted, '\\') < 0 {
		return string(bytes.Trim(quoted, `"`))
	}
	var s string
	if json.Unmarshal(quoted, &s) != nil {
		return ""
	}
	return s
}

// coerceJSONIDs returns a JSON Feed whose item ids are all strings (or
// absent): JSON Feed 1.1 says a reader must coerce an id presented as a
// number or other type to a string, and gofeed's decoder refuses the whole
// feed over one. A number or boolean becomes its literal text (a 20-digit
// id stays exact); an object or array is no id (the item's url stands in).
// body comes back as it was when no id needs it or it does not decode
// (the parser then reports why).
func coerceJSONIDs(body []byte) []byte {
	var doc map[string]json.RawMessage
	if json.Unmarshal(body, &doc) != nil {
		return body
	}
	var items []map[string]json.RawMessage
	if json.Unmarshal(doc["items"], &items) != nil {
		return body
	}
	changed := false
	for _, it := range items {
		id := bytes.TrimSpace(it["id"])
		if len(id) == 0 || id[0] == '"' || bytes.Equal(id, []byte("null")) {
			continue
		}
		changed = true
		if id[0] == '{' || id[0] == '[' {
			delete(it, "id")
			continue
		}
		it["id"], _ = json.Marshal(string(id))
	}
	if !changed {
		return body
	}
	doc["items"], _ = json.Marshal(items)
	out, err := json.Marshal(doc)
	if err != nil {
		return body
	}
	return out
}
