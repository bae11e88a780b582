package rss

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
)

// googleNewsQ runs a google_news feed for brands against a local server
// and returns the q it asked for.
func googleNewsQ(t *testing.T, query string, brands ...mw.Brand) string {
	t.Helper()
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Query().Get("q")
		http.ServeFile(w, r, "testdata/news.rss")
	}))
	defer srv.Close()
	f := &Feed{Preset: PresetGoogleNews, BaseURL: srv.URL, Query: query}
	env := collectors.Env{Type: "rss", HTTP: collectors.NewHTTPClient(mw.HTTPConfig{PerHostRPS: 100, AllowLoopback: true}), Now: time.Now, Brands: brands}
	if err := f.Init(env); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Collect(context.Background(), mw.Cursor{}); err != nil {
		t.Fatal(err)
	}
	return got
}

// TestGoogleNewsQueryForms: the google_news q ORs the brands' distinct
// terms (phrases and punctuated names quoted once, a keyword written in
// quotes not quoted twice), then each phrase's joined form; an explicit
// query is sent as written.
func TestGoogleNewsQueryForms(t *testing.T) {
	for _, tc := range []struct {
		name, query string
		keywords    []string
		want        string
	}{
		{"phrase", "", []string{"kopi kenangan"}, `"kopi kenangan" OR kopikenangan`},
		{"keyword written in quotes", "", []string{`"Kopi Kenangan"`, "kopi kenangan"}, `"Kopi Kenangan" OR kopikenangan`},
		{"punctuation", "", []string{"7-Eleven", "H&M", "-acme"}, `"7-Eleven" OR "H&M" OR "-acme" OR 7eleven`},
		{"explicit query", `"kopi kenangan"`, []string{"kopi kenangan"}, `"kopi kenangan"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := googleNewsQ(t, tc.query, mw.Brand{Name: "Kopi", Keywords: tc.keywords}); got != tc.want {
				t.Errorf("q = %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestGoogleNewsQueryWithinWords: Google reads 32 words of a query, so
// joined forms go in only while q stays within them; every keyword is
// there.
func TestGoogleNewsQueryWithinWords(t *testing.T) {
	var kw []string
	for i := range 10 {
		kw = append(kw, fmt.Sprintf("merek%d toko", i))
	}
	q := googleNewsQ(t, "", mw.Brand{Name: "Merek", Keywords: kw})
	if n := len(strings.Fields(q)); n > googleMaxWords {
		t.Fatalf("q has %d words, above %d: %s", n, googleMaxWords, q)
	}
	for _, k := range kw {
		if !strings.Contains(q, `"`+k+`"`) {
			t.Errorf("q lacks keyword %q: %s", k, q)
		}
	}
	if !strings.Contains(q, " OR merek0toko") || strings.Contains(q, "merek9toko") {
		t.Errorf("q = %s; want the first joined form, not the last", q)
	}
}
