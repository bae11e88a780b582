package main

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts/notify"
)

// configKeys lists the yaml key paths of t's values, as the README writes
// them: "store.path", "brands[].name",
// "alerts.routing.receivers.<name>.time_zone". Sections (a struct, a list
// or map of structs) go to sections, as "alerts", "brands[]" and
// "alerts.routing.receivers.<name>".
func configKeys(t reflect.Type, prefix string, out, sections *[]string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		key := prefix + name
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft.Kind() == reflect.Struct:
			*sections = append(*sections, key)
			configKeys(ft, key+".", out, sections)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			*sections = append(*sections, key, key+"[]")
			configKeys(ft.Elem(), key+"[].", out, sections)
		case ft.Kind() == reflect.Map && ft.Elem().Kind() == reflect.Struct:
			*sections = append(*sections, key, key+".<name>")
			configKeys(ft.Elem(), key+".<name>.", out, sections)
		default:
			*out = append(*out, key)
		}
	}
}

// readmeConfigKeys are the backquoted keys in the first column of the
// README's configuration reference table.
func readmeConfigKeys(t *testing.T) []string {
	t.Helper()
	var keys []string
	for _, cell := range readmeFirstCells(t, "\n## Configuration reference\n", "\n## ") {
		keys = append(keys, cell...)
	}
	if len(keys) < 20 {
		t.Fatalf("found only %d keys in the README's configuration table: %q", len(keys), keys)
	}
	return keys
}

// TestReadmeConfigReferenceMatchesConfig: every key the README's
// configuration reference names is a key the config reads (a misspelt one
// would send a user to an "unknown key" error), and every key the config
// reads is in the table, itself or under a documented parent (so a new
// key is documented where users look).
func TestReadmeConfigReferenceMatchesConfig(t *testing.T) {
	var real, sections []string
	configKeys(reflect.TypeOf(mw.Config{}), "", &real, &sections)
	// The notifier channels are decoded by their own structs (alerts/notify).
	for _, ch := range notify.Names() {
		sections = append(sections, "notifiers."+ch)
	}
	readme := readmeConfigKeys(t)
	for _, k := range readme {
		k = strings.TrimSuffix(k, ".*")
		if !slices.Contains(real, k) && !slices.Contains(sections, k) {
			t.Errorf("README's configuration reference names %q, which is not a config key", k)
		}
	}
	// Keys left out on purpose: api_url is for tests.
	internal := []string{"notifiers.slack.api_url"}
	for _, k := range real {
		if slices.Contains(internal, k) {
			continue
		}
		documented := false
		for _, r := range readme {
			r = strings.TrimSuffix(r, ".*")
			if k == r || strings.HasPrefix(k, r+".") || strings.HasPrefix(k, r+"[].") {
				documented = true
				break
			}
		}
		if !documented {
			t.Errorf("config key %q is not in README's configuration reference (nor is a parent of it)", k)
		}
	}
}
