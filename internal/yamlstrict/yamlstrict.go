// Package yamlstrict decodes a YAML node into a Go value and fails on any
// key the value has no field for, naming the line and the key path
// ("brands[Acme].keywrds") and the closest known key ("did you mean").
//
// yaml.v3's own KnownFields check stops at the first unknown key without
// its path and cannot tell a typo from a file that is not a config at all;
// this package walks the node tree against the type first, then decodes.
// It knows nothing of the program's types: a caller checks its own scalar
// types (durations) or leaves a subtree to another decoder through
// Options.Hook, and a type that implements yaml.Unmarshaler decodes itself.
//
// Everything here is pure and safe for concurrent use.
package yamlstrict

import (
	"errors"
	"fmt"
	"github.com/mentionwatch/mentionwatch/internal/editdist"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Error is a problem at a line of the document. Line is 0 when the YAML
// library did not say where (a list of type errors); Key is the dotted path
// of the key ("alerts.bucket", "sources[rss-1].url"), or "" for the
// document.
type Error struct {
	Line int
	Key  string
	Msg  string
}

func (e *Error) Error() string {
	loc := "document"
	if e.Line > 0 {
		loc = fmt.Sprintf("line %d", e.Line)
	}
	if e.Key != "" {
		return fmt.Sprintf("%s: %s: %s", loc, e.Key, e.Msg)
	}
	return fmt.Sprintf("%s: %s", loc, e.Msg)
}

// LineError is what a yaml.Unmarshaler returns to have its error reported
// at the line of its value rather than at the start of the enclosing
// mapping: Decode turns it into an *Error with that Line.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return e.Err.Error() }
func (e *LineError) Unwrap() error { return e.Err }

// Hook is called before Decode checks a node against type t (pointers
// removed; n may be an alias node). path is the node's key path as Error.Key
// shows it. When handled is true the node and everything under it are the
// hook's: Decode checks none of its keys.
type Hook func(n *yaml.Node, t reflect.Type, path string) (handled bool, err error)

// Options tune Decode. The zero value checks every key.
type Options struct {
	// Skip lists top-level keys that are allowed but neither checked nor
	// decoded (another decoder reads them). They are still offered as
	// "did you mean" suggestions.
	Skip []string
	// Hook, when set, sees every node first (see Hook).
	Hook Hook
	// NotAKey is the message for a key that does not look like a key at
	// all (not 1-64 of [A-Za-z0-9_.-]): the file is probably not the
	// document the caller meant, and its text may be a secret, so the key
	// is never quoted. Empty means "this line is not a key of the document".
	NotAKey string
}

// Decode checks every key of n against out's type, then decodes n into
// out. The first problem comes back as an *Error; out may then be partly
// filled.
func Decode(n *yaml.Node, out any, o Options) error {
	if err := checkDuplicateKeys(n, ""); err != nil {
		return err
	}
	w := walker{Options: o, seen: map[seenKey]bool{}}
	if err := w.check(n, reflect.TypeOf(out), ""); err != nil {
		return err
	}
	if len(o.Skip) > 0 && n.Kind == yaml.MappingNode {
		c := *n
		c.Content = nil
		for i := 0; i+1 < len(n.Content); i += 2 {
			if !slices.Contains(o.Skip, n.Content[i].Value) {
				c.Content = append(c.Content, n.Content[i], n.Content[i+1])
			}
		}
		n = &c
	}
	if err := n.Decode(out); err != nil {
		var le *LineError
		if errors.As(err, &le) {
			return &Error{Line: le.Line, Msg: le.Err.Error()}
		}
		var te *yaml.TypeError
		if errors.As(err, &te) && len(te.Errors) > 0 {
			return &Error{Msg: strings.Join(te.Errors, "; ")}
		}
		return &Error{Line: n.Line, Msg: err.Error()}
	}
	return nil
}

// MappingValue returns the value of key in mapping n, or nil when n is not
// a mapping or has no such key. Aliases are not followed.
func MappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// ItemPath is the path of the i-th item of the sequence at path: by its
// name key when it has one ("sources[rss-1]"), else by index ("sources[0]").
func ItemPath(path string, i int, item *yaml.Node) string {
	if name := MappingValue(item, "name"); name != nil {
		return fmt.Sprintf("%s[%s]", path, name.Value)
	}
	return fmt.Sprintf("%s[%d]", path, i)
}

var (
	nodeType        = reflect.TypeOf(yaml.Node{})
	unmarshalerType = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()
	// plausibleKey is what a key looks like; anything else is not quoted
	// back in errors.
	plausibleKey = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)
)

type walker struct {
	Options
	// seen holds the anchored nodes already checked against a type: an
	// alias to one is not walked again. Walking every alias would expand
	// them, and a few KiB of nested aliases ("billion laughs") would take
	// the walk minutes before yaml.v3's own alias limit is ever reached.
	seen map[seenKey]bool
}

type seenKey struct {
	n *yaml.Node
	t reflect.Type
}

// check walks n against t. path carries a leading "." below the top level
// and is trimmed where it is shown.
func (w *walker) check(n *yaml.Node, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if w.Hook != nil {
		if handled, err := w.Hook(n, t, trim(path)); handled || err != nil {
			return err
		}
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if t == nodeType {
		return nil
	}
	if n.Anchor != "" {
		k := seenKey{n, t}
		if w.seen[k] {
			return nil // checked where it was first met; its errors came back then
		}
		w.seen[k] = true
	}
	switch t.Kind() {
	case reflect.Struct:
		return w.checkStruct(n, t, path)
	case reflect.Slice:
		switch n.Kind {
		case yaml.SequenceNode:
			for i, c := range n.Content {
				if err := w.check(c, t.Elem(), ItemPath(path, i, c)); err != nil {
					return err
				}
			}
		case yaml.MappingNode:
			return &Error{Line: n.Line, Key: trim(path), Msg: "expected a list, not a mapping"}
		case yaml.ScalarNode:
			if n.Tag != "!!null" && n.Value != "" && !reflect.PointerTo(t).Implements(unmarshalerType) {
				return &Error{Line: n.Line, Key: trim(path), Msg: "expected a list ([a, b] or one \"- item\" per line)"}
			}
		}
	case reflect.Map:
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if err := w.check(n.Content[i+1], t.Elem(), path+"."+n.Content[i].Value); err != nil {
					return err
				}
			}
		}
	case reflect.Bool, reflect.String, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return checkScalar(n, t, path)
	}
	return nil
}

// checkScalar decodes n into a throwaway t, so that a value of the wrong
// type is reported at its own line and key; yaml.v3's own message names
// neither the key nor, once collected, the line. The value is not quoted:
// it may have come from a ${VAR} holding a secret. A type that decodes
// itself (yaml.Unmarshaler) is left to its decoder.
func checkScalar(n *yaml.Node, t reflect.Type, path string) error {
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return nil
	}
	want := "a single value"
	switch t.Kind() {
	case reflect.Bool:
		want = "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		want = "a whole number (" + t.Kind().String() + ")"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		want = "a whole number, 0 or more (" + t.Kind().String() + ")"
	case reflect.Float32, reflect.Float64:
		want = "a number"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return &Error{Line: n.Line, Key: trim(path), Msg: "expected " + want + ", not a mapping"}
	case yaml.SequenceNode:
		return &Error{Line: n.Line, Key: trim(path), Msg: "expected " + want + ", not a list"}
	case yaml.ScalarNode:
		if err := n.Decode(reflect.New(t).Interface()); err != nil {
			return &Error{Line: n.Line, Key: trim(path), Msg: "expected " + want}
		}
	}
	return nil
}

// checkDuplicateKeys reports a key given twice in one mapping, anywhere
// in the document (subtrees a Hook owns too), at the second one's line and
// key path. yaml.v3 finds it only while decoding, and says neither the
// file's line format nor the key path. Aliases are not followed: their
// anchors are checked where they stand. Merge keys (<<) may repeat.
func checkDuplicateKeys(n *yaml.Node, path string) error {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if err := checkDuplicateKeys(c, path); err != nil {
				return err
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if err := checkDuplicateKeys(c, ItemPath(path, i, c)); err != nil {
				return err
			}
		}
	case yaml.MappingNode:
		first := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.ScalarNode && k.Value != "<<" {
				if line, dup := first[k.Value]; dup {
					if !plausibleKey.MatchString(k.Value) { // not quoted: it may be a secret
						return &Error{Line: k.Line, Key: trim(path), Msg: fmt.Sprintf("a key given twice (first at line %d): keep one", line)}
					}
					return &Error{Line: k.Line, Key: trim(path + "." + k.Value),
						Msg: fmt.Sprintf("given twice (first at line %d): keep one, YAML does not merge them", line)}
				}
				first[k.Value] = k.Line
			}
			if err := checkDuplicateKeys(n.Content[i+1], path+"."+k.Value); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *walker) checkStruct(n *yaml.Node, t reflect.Type, path string) error {
	if n.Kind != yaml.MappingNode {
		if n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || n.Value == "") {
			return nil
		}
		if reflect.PointerTo(t).Implements(unmarshalerType) {
			return nil
		}
		return &Error{Line: n.Line, Key: trim(path), Msg: "expected a mapping"}
	}
	fields := Fields(t)
	top := path == ""
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if top && slices.Contains(w.Skip, k.Value) {
			continue
		}
		ft, ok := fields[k.Value]
		if !ok {
			if !plausibleKey.MatchString(k.Value) {
				msg := w.NotAKey
				if msg == "" {
					msg = "this line is not a key of the document"
				}
				return &Error{Line: k.Line, Key: trim(path), Msg: msg}
			}
			known := fields
			if top && len(w.Skip) > 0 {
				// The skipped keys are valid here too, so a typo of
				// them is suggested.
				known = maps.Clone(fields)
				for _, s := range w.Skip {
					known[s] = nil
				}
			}
			return &Error{Line: k.Line, Key: trim(path + "." + k.Value), Msg: "unknown key" + suggest(k.Value, known)}
		}
		if err := w.check(v, ft, path+"."+k.Value); err != nil {
			return err
		}
	}
	return nil
}

func trim(p string) string { return strings.TrimPrefix(p, ".") }

// Fields maps the YAML key of each exported field of struct type t to the
// field's type, as yaml.v3 names them: the tag's name, else the lower-cased
// field name; "-" is left out and ",inline" structs are flattened.
func Fields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			maps.Copy(out, Fields(ft))
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

// suggest names the closest known key within two edits, for typos.
func suggest(key string, fields map[string]reflect.Type) string {
	best, bestD := "", 3
	for k := range fields {
		if d := editDistance(key, k); d < bestD || (d == bestD && best != "" && k < best) {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int { return editdist.Levenshtein(a, b) }
