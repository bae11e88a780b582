package yamlstrict

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// seconds is a caller's scalar type that Decode knows nothing of: it is
// checked through a Hook and reports decode errors through LineError.
type seconds int

func (s *seconds) UnmarshalYAML(n *yaml.Node) error {
	v, err := strconv.Atoi(strings.TrimSuffix(n.Value, "s"))
	if err != nil || !strings.HasSuffix(n.Value, "s") {
		return &LineError{Line: n.Line, Err: fmt.Errorf("%q is not a number of seconds", n.Value)}
	}
	*s = seconds(v)
	return nil
}

// word is a struct type that reads itself from a scalar (yaml.Unmarshaler).
type word struct{ W string }

func (w *word) UnmarshalYAML(n *yaml.Node) error { w.W = n.Value; return nil }

type item struct {
	Name  string  `yaml:"name"`
	Count int     `yaml:"count"`
	Wait  seconds `yaml:"wait"`
}

type Common struct {
	Label string `yaml:"label"`
}

type doc struct {
	Common  `yaml:",inline"`
	Title   string          `yaml:"title"`
	Items   []item          `yaml:"items"`
	ByKey   map[string]item `yaml:"by_key"`
	Nested  *struct{ Deep int }
	Raw     yaml.Node `yaml:"raw"`
	Word    word      `yaml:"word"`
	Wait    seconds   `yaml:"wait"`
	Ignored string    `yaml:"-"`
}

func parse(t *testing.T, src string) *yaml.Node {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatalf("parsing %q: %v", src, err)
	}
	return n.Content[0]
}

var secondsType = reflect.TypeOf(seconds(0))

// checkSeconds is the kind of hook a caller writes: its own scalar type is
// checked at the value's line and key, before any decoding.
func checkSeconds(n *yaml.Node, t reflect.Type, path string) (bool, error) {
	if t != secondsType {
		return false, nil
	}
	if n.Kind == yaml.ScalarNode && !strings.HasSuffix(n.Value, "s") {
		return true, &Error{Line: n.Line, Key: path, Msg: "want seconds, like 30s"}
	}
	return true, nil
}

func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		opts      Options
		want      Error
	}{
		{"top-level typo", "titel: x\n", Options{}, Error{1, "titel", `unknown key (did you mean "title"?)`}},
		{"no close key", "title: x\nzzzzzz: 1\n", Options{}, Error{2, "zzzzzz", "unknown key"}},
		{"inline field suggested", "lable: x\n", Options{}, Error{1, "lable", `unknown key (did you mean "label"?)`}},
		{"named item", "items:\n  - name: a\n    cuont: 1\n", Options{}, Error{3, "items[a].cuont", `unknown key (did you mean "count"?)`}},
		{"unnamed item", "items:\n  - count: 1\n  - cont: 2\n", Options{}, Error{3, "items[1].cont", `unknown key (did you mean "count"?)`}},
		{"map value", "by_key:\n  k:\n    nme: a\n", Options{}, Error{3, "by_key.k.nme", `unknown key (did you mean "name"?)`}},
		{"pointer to struct, default name", "nested:\n  dep: 1\n", Options{}, Error{2, "nested.dep", `unknown key (did you mean "deep"?)`}},
		{"ignored field is unknown", "ignored: x\n", Options{}, Error{1, "ignored", "unknown key"}},
		{"scalar for struct", "nested: 5\n", Options{}, Error{1, "nested", "expected a mapping"}},
		{"through an alias", "items:\n  - &a {name: a, count: 1, colour: red}\n  - *a\n", Options{}, Error{2, "items[a].colour", "unknown key"}},
		{"not a key", "title: x\n\"root:$6$salt$hash:19000\": 1\n", Options{}, Error{2, "", "this line is not a key of the document"}},
		{"not a key, caller's message", "\"a b\": 1\n", Options{NotAKey: "not our config"}, Error{1, "", "not our config"}},
		{"skipped key suggested", "title: x\ntyep: rss\n", Options{Skip: []string{"type"}}, Error{2, "tyep", `unknown key (did you mean "type"?)`}},
		{"type error", "title: x\nitems: [{count: many}]\n", Options{}, Error{2, "items[0].count", "expected a whole number (int)"}},
		{"type error names no value", "title: x\nitems:\n  - name: a\n    count: hunter2-secret\n", Options{}, Error{4, "items[a].count", "expected a whole number (int)"}},
		{"mapping for a scalar", "title: {a: b}\n", Options{}, Error{1, "title", "expected a single value, not a mapping"}},
		{"list for a scalar", "items: [{count: [1, 2]}]\n", Options{}, Error{1, "items[0].count", "expected a whole number (int), not a list"}},
		{"mapping for a list", "items: {name: a}\n", Options{}, Error{1, "items", "expected a list, not a mapping"}},
		{"scalar for a list", "items: abc\n", Options{}, Error{1, "items", `expected a list ([a, b] or one "- item" per line)`}},
		{"LineError from an Unmarshaler", "title: x\nwait: soon\n", Options{}, Error{2, "", `"soon" is not a number of seconds`}},
		{"hook sees the caller's type", "items:\n  - name: a\n    wait: soon\n", Options{Hook: checkSeconds}, Error{3, "items[a].wait", "want seconds, like 30s"}},
		// A key given twice: yaml.v3 found it only while decoding, as
		// "line 3: mapping key ... already defined" with no key path.
		{"duplicate top-level key", "title: x\nlabel: y\ntitle: z\n", Options{}, Error{3, "title", "given twice (first at line 1): keep one, YAML does not merge them"}},
		{"duplicate key in an item", "items:\n  - name: a\n    count: 1\n    count: 2\n", Options{}, Error{4, "items[a].count", "given twice (first at line 3): keep one, YAML does not merge them"}},
		{"duplicate key the hook owns", "items:\n  - name: a\n    wait: 1s\n    wait: 2s\n", Options{Hook: checkSeconds}, Error{4, "items[a].wait", "given twice (first at line 3): keep one, YAML does not merge them"}},
		{"duplicate key in a node left raw", "raw:\n  a: 1\n  a: 2\n", Options{}, Error{3, "raw.a", "given twice (first at line 2): keep one, YAML does not merge them"}},
		{"duplicate key not quoted", "by_key:\n  \"hunter2 secret\": {}\n  \"hunter2 secret\": {}\n", Options{}, Error{3, "by_key", "a key given twice (first at line 2): keep one"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var d doc
			err := Decode(parse(t, tc.src), &d, tc.opts)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v (%T), want an *Error", err, err)
			}
			if *e != tc.want {
				t.Errorf("err = %+v, want %+v", *e, tc.want)
			}
		})
	}
}

// tree nests without limit, so aliases to aliases can multiply a small
// document ("billion laughs").
type tree struct {
	Name string `yaml:"name"`
	Kids []tree `yaml:"kids"`
}

// TestAliasesAreCheckedOnce: each level of this document holds ten
// aliases to the level below, so walking every alias visits 10^6 nodes;
// an anchored node is checked once per type instead, and the walk stays
// linear in the document's size.
func TestAliasesAreCheckedOnce(t *testing.T) {
	var b strings.Builder
	b.WriteString("kids:\n  - &l0 {name: leaf}\n")
	for i := 1; i <= 6; i++ {
		fmt.Fprintf(&b, "  - &l%d {kids: [%s]}\n", i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 10), ", "))
	}
	calls := 0
	count := func(*yaml.Node, reflect.Type, string) (bool, error) { calls++; return false, nil }
	var tr tree
	// The decode itself may refuse the document (yaml.v3 limits
	// aliasing); only the check's work is measured here.
	_ = Decode(parse(t, b.String()), &tr, Options{Hook: count})
	if calls > 500 {
		t.Errorf("the check visited %d nodes of a 7-line document: it expands aliases", calls)
	}
	// An error inside an anchored node is still found, at the anchor.
	err := Decode(parse(t, "kids:\n  - &a {name: x, nme: y}\n  - {kids: [*a, *a]}\n"), &tr, Options{})
	var e *Error
	if !errors.As(err, &e) || *e != (Error{2, "kids[x].nme", `unknown key (did you mean "name"?)`}) {
		t.Errorf("err = %v, want the unknown key at line 2", err)
	}
}

func TestDecodeFillsValue(t *testing.T) {
	src := "label: l\ntitle: t\nitems:\n  - {name: a, count: 2, wait: 5s}\nby_key: {k: {name: b}}\nnested: {deep: 3}\nraw: {anything: [goes, here]}\nword: hello\nwait: 7s\ntype: rss\nurl: https://example.com\n"
	var d doc
	if err := Decode(parse(t, src), &d, Options{Skip: []string{"type", "url"}, Hook: checkSeconds}); err != nil {
		t.Fatal(err)
	}
	if d.Label != "l" || d.Title != "t" || len(d.Items) != 1 || d.Items[0] != (item{"a", 2, 5}) ||
		d.ByKey["k"].Name != "b" || d.Nested == nil || d.Nested.Deep != 3 || d.Word.W != "hello" || d.Wait != 7 {
		t.Errorf("decoded %+v", d)
	}
	if d.Raw.Kind != yaml.MappingNode {
		t.Errorf("raw node not kept: %v", d.Raw.Kind)
	}
}

func TestNullAndEmptyStructsAreAllowed(t *testing.T) {
	for _, src := range []string{"nested: null\n", "nested:\n", "nested: ~\n"} {
		var d doc
		if err := Decode(parse(t, src), &d, Options{}); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}

func TestHookOwnsSubtree(t *testing.T) {
	// A hook that takes items leaves their keys unchecked (another decoder
	// reads them, as a plug-in reads its own keys); other keys still are.
	itemType := reflect.TypeOf(item{})
	var seen []string
	hook := func(n *yaml.Node, t reflect.Type, path string) (bool, error) {
		if t == itemType {
			seen = append(seen, path)
			return true, nil
		}
		return false, nil
	}
	n := parse(t, "items:\n  - {name: a, plugin_key: 1}\n  - {plugin_key: 2}\n")
	var d doc
	if err := Decode(n, &d, Options{Hook: hook}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(seen, ",") != "items[a],items[1]" || len(d.Items) != 2 || d.Items[0].Name != "a" {
		t.Errorf("hook saw %q, decoded %+v", seen, d.Items)
	}
	n = parse(t, "items:\n  - {plugin_key: 1}\ntitel: x\n")
	if err := Decode(n, &d, Options{Hook: hook}); err == nil || !strings.Contains(err.Error(), "titel") {
		t.Errorf("err = %v, want the unknown key titel", err)
	}
}

func TestErrorText(t *testing.T) {
	for e, want := range map[Error]string{
		{Line: 3, Key: "a.b", Msg: "unknown key"}: "line 3: a.b: unknown key",
		{Line: 3, Msg: "bad"}:                     "line 3: bad",
		{Msg: "bad"}:                              "document: bad",
	} {
		if got := e.Error(); got != want {
			t.Errorf("%+v: %q, want %q", e, got, want)
		}
	}
}

func TestSuggestIsDeterministic(t *testing.T) {
	// "ab" is one edit from both "abc" and "abd": the first in byte order
	// wins, whatever the map's iteration order.
	fields := map[string]reflect.Type{"abd": nil, "abc": nil, "zzz": nil}
	for range 20 {
		if got := suggest("ab", fields); got != ` (did you mean "abc"?)` {
			t.Fatalf("suggest = %q", got)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"a", "", 1}, {"", "abc", 3}, {"kitten", "sitting", 3}, {"keywrds", "keywords", 1}, {"store", "stroe", 2}} {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
