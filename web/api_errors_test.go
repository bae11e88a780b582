package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
)

// TestAPIRefusalsAreJSON: every refusal of an /api/ request, also those
// made before the route runs (credentials, roles, origin, host, an
// unknown route or method), is {"error": "..."} as application/json, so
// a client that decodes error bodies gets the message.
func TestAPIRefusalsAreJSON(t *testing.T) {
	open, _ := newTestHandler(t, mw.WebConfig{})
	locked, _ := newTestHandler(t, mw.WebConfig{Listen: "0.0.0.0:8080", Token: "s3cret"})
	users := newUsersEnv(t, mw.WebConfig{})
	for _, tc := range []struct {
		name string
		code int
		resp func() *httptest.ResponseRecorder
	}{
		{"no credentials", http.StatusUnauthorized, func() *httptest.ResponseRecorder {
			return do(t, locked, "GET", "/api/sources", nil)
		}},
		{"wrong token", http.StatusUnauthorized, func() *httptest.ResponseRecorder {
			return do(t, locked, "GET", "/api/sources", nil, "Authorization", "Bearer nope")
		}},
		{"too many failed logins", http.StatusTooManyRequests, func() *httptest.ResponseRecorder {
			var w *httptest.ResponseRecorder
			for range 12 {
				w = users.req("GET", "/api/sources", "192.0.2.7", "", "Authorization", "Bearer wrong")
			}
			return w
		}},
		{"viewer acknowledges", http.StatusForbidden, func() *httptest.ResponseRecorder {
			return users.req("POST", "/api/alerts/a1/ack", "192.0.2.9", "{}", users.bearer("vic")...)
		}},
		{"agent silences", http.StatusForbidden, func() *httptest.ResponseRecorder {
			return users.req("POST", "/api/silences", "192.0.2.9", `{"for":"1h"}`, users.bearer("ana")...)
		}},
		{"cross-origin", http.StatusForbidden, func() *httptest.ResponseRecorder {
			return do(t, open, "POST", "/api/alerts/a1/ack", strings.NewReader(`{}`), "Content-Type", "application/json", "Sec-Fetch-Site", "cross-site")
		}},
		{"other host", http.StatusMisdirectedRequest, func() *httptest.ResponseRecorder {
			return do(t, open, "GET", "/api/sources", nil, "Host", "evil.example")
		}},
		{"unknown route", http.StatusNotFound, func() *httptest.ResponseRecorder {
			return do(t, open, "GET", "/api/mention", nil)
		}},
		{"wrong method", http.StatusMethodNotAllowed, func() *httptest.ResponseRecorder {
			return do(t, locked, "DELETE", "/api/silences", nil, "Authorization", "Bearer s3cret")
		}},
	} {
		w := tc.resp()
		var e apiError
		if w.Code != tc.code {
			t.Errorf("%s: %d; want %d (%s)", tc.name, w.Code, tc.code, w.Body)
			continue
		}
		if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s: content type %q; want application/json", tc.name, ct)
		}
		if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error == "" {
			t.Errorf("%s: body %q is not {\"error\": \"...\"}", tc.name, w.Body)
		}
	}
	// The pages keep plain-text refusals, and the methods a route takes.
	if w := do(t, locked, "DELETE", "/api/silences", nil, "Authorization", "Bearer s3cret"); !strings.Contains(w.Header().Get("Allow"), "GET") || !strings.Contains(w.Header().Get("Allow"), "POST") {
		t.Errorf("405 Allow: %q; want GET and POST", w.Header().Get("Allow"))
	}
	if w := do(t, open, "GET", "/nope", nil); w.Code != http.StatusNotFound || strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		t.Errorf("GET /nope: %d %q; want a plain 404", w.Code, w.Header().Get("Content-Type"))
	}
}
