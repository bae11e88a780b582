package collectors

import (
	"reflect"

	mw "github.com/mentionwatch/mentionwatch"
)

var secretType = reflect.TypeFor[mw.Secret]()

// HasCredentials reports whether a collector was configured with
// credentials: a non-empty mw.Secret field in its config struct (the
// struct is its config), embedded structs included. Only then does a 401
// or 403 mean "your credentials were rejected" and stop the source until
// the config is fixed; a source without any (rss, reviews, a public
// timeline) gets them from CDN bot checks and rate limiters too, and backs
// off and tries again as after a 5xx.
func HasCredentials(c Collector) bool {
	v := reflect.ValueOf(c)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return false
		}
		v = v.Elem()
	}
	return hasSecret(v, 0)
}

func hasSecret(v reflect.Value, depth int) bool {
	if v.Kind() != reflect.Struct || depth > 4 {
		return false
	}
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		switch {
		case f.Type == secretType:
			if v.Field(i).String() != "" {
				return true
			}
		case f.Type.Kind() == reflect.Struct && (f.Anonymous || f.IsExported()):
			if hasSecret(v.Field(i), depth+1) {
				return true
			}
		}
	}
	return false
}
