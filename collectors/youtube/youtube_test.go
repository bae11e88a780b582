package youtube

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	ct "github.com/mentionwatch/mentionwatch/collectors/collectortest"
)

var update = flag.Bool("update", false, "rewrite golden files")

const (
	key     = "AIzaSyTestKey000"
	channel = "UCacmeOfficial0000000001"
)

// Google's error bodies, as the API sends them (indented).
const (
	quotaBody = `{
  "error": {
    "code": 403,
    "message": "The request cannot be completed because you have exceeded your \u003ca href=\"/youtube/v3/getting-started#quota\"\u003equota\u003c/a\u003e.",
    "errors": [
      {
        "message": "The request cannot be completed because you have exceeded your \u003ca href=\"/youtube/v3/getting-started#quota\"\u003equota\u003c/a\u003e.",
        "domain": "youtube.quota",
        "reason": "quotaExceeded"
      }
    ]
  }
}`
	perMinuteBody = `{
  "error": {
    "code": 403,
    "message": "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of service 'youtube.googleapis.com' for consumer 'project_number:123456789012'.",
    "errors": [
      {
        "message": "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of service 'youtube.googleapis.com' for consumer 'project_number:123456789012'.",
        "domain": "usageLimits",
        "reason": "rateLimitExceeded"
      }
    ],
    "status": "PERMISSION_DENIED"
  }
}`
	disabledBody = `{
  "error": {
    "code": 403,
    "message": "The video identified by the \u003ccode\u003e\u003ca href=\"/youtube/v3/docs/commentThreads/list#videoId\"\u003evideoId\u003c/a\u003e\u003c/code\u003e parameter has disabled comments.",
    "errors": [
      {
        "message": "The video identified by the \u003ccode\u003e\u003ca href=\"/youtube/v3/docs/commentThreads/list#videoId\"\u003evideoId\u003c/a\u003e\u003c/code\u003e parameter has disabled comments.",
        "domain": "youtube.commentThread",
        "reason": "commentsDisabled",
        "location": "videoId",
        "locationType": "parameter"
      }
    ]
  }
}`
	badKeyBody = `{
  "error": {
    "code": 400,
    "message": "API key not valid. Please pass a valid API key.",
    "errors": [{"message": "API key not valid. Please pass a valid API key.", "domain": "global", "reason": "badRequest"}],
    "status": "INVALID_ARGUMENT",
    "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com", "metadata": {"service": "youtube.googleapis.com"}}]
  }
}`
)

// fakeYouTube serves search.list and commentThreads.list (by channel or
// video, order=time, newest first, pageToken paging) from the fixtures.
type fakeYouTube struct {
	mu       sync.Mutex
	threads  []json.RawMessage // newest first
	search   []byte
	pageSize int
	calls    []string
	hook     http.HandlerFunc // if set, answers commentThreads
}

func newFake(t testing.TB) *fakeYouTube {
	var r struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(ct.Fixture(t, "threads.json"), &r); err != nil {
		t.Fatal(err)
	}
	return &fakeYouTube{threads: r.Items, search: ct.Fixture(t, "search.json"), pageSize: 100}
}

func (f *fakeYouTube) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := r.URL.Query()
	if q.Get("key") != key {
		w.WriteHeader(400)
		w.Write([]byte(badKeyBody))
		return
	}
	q.Del("key")
	f.calls = append(f.calls, r.URL.Path+"?"+q.Encode())
	switch r.URL.Path {
	case "/search":
		if q.Get("type") != "video" || q.Get("order") != "date" || q.Get("q") == "" {
			w.WriteHeader(400)
			return
		}
		w.Write(f.search)
	case "/commentThreads":
		if f.hook != nil {
			f.hook(w, r)
			return
		}
		if q.Get("videoId") == "vid3NoCmts3" {
			w.WriteHeader(403)
			w.Write([]byte(disabledBody))
			return
		}
		var match []json.RawMessage
		for _, t := range f.threads {
			var x CommentThread
			json.Unmarshal(t, &x)
			if x.Snippet.VideoID == q.Get("videoId") || x.Snippet.ChannelID == q.Get("allThreadsRelatedToChannelId") {
				match = append(match, t)
			}
		}
		off, _ := strconv.Atoi(strings.TrimPrefix(q.Get("pageToken"), "QURTSl"))
		lo, hi := min(off, len(match)), min(off+f.pageSize, len(match))
		out := map[string]any{"kind": "youtube#commentThreadListResponse", "etag": "x", "pageInfo": map[string]int{"totalResults": hi - lo, "resultsPerPage": f.pageSize}, "items": append([]json.RawMessage{}, match[lo:hi]...)}
		if hi < len(match) {
			out["nextPageToken"] = "QURTSl" + strconv.Itoa(hi)
		}
		json.NewEncoder(w).Encode(out)
	default:
		w.WriteHeader(404)
	}
}

func (f *fakeYouTube) add(id, video, at string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := fmt.Sprintf(`{"kind":"youtube#commentThread","id":%q,"snippet":{"channelId":%q,"videoId":%q,"topLevelComment":{"kind":"youtube#comment","id":%q,"snippet":{"videoId":%q,"textDisplay":"Paket Acme sudah sampai, terima kasih!","authorDisplayName":"@rina_jkt","likeCount":0,"publishedAt":%q,"updatedAt":%q}},"totalReplyCount":0,"isPublic":true}}`, id, channel, video, id, video, at, at)
	f.threads = append([]json.RawMessage{json.RawMessage(t)}, f.threads...)
}

func (f *fakeYouTube) callList() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func TestChannelGoldenAndSecondRun(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, "api_key: "+key+"\nchannel_id: "+channel+"\nbase_url: "+srv.URL)
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	ct.CheckItems(t, Type, items)
	ct.Golden(t, "channel.golden.json", items, *update)
	if calls := fake.callList(); len(items) != 4 || len(calls) != 1 || !strings.Contains(calls[0], "allThreadsRelatedToChannelId="+channel) {
		t.Fatalf("items %d, calls %v; want the 4 threads of the last 7 days in one call", len(items), calls)
	}
	if !cur.LastTime.Equal(time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC)) {
		t.Errorf("cursor = %+v", cur)
	}

	fake.add("UgzNewAcme000006AaABAg", "vid1AcmeK01", "2026-11-24T09:50:00Z")
	items, cur, err = ct.Collect(t, src, cur)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].NativeID != "UgzNewAcme000006AaABAg" || items[0].URL != "https://www.youtube.com/watch?v=vid1AcmeK01&lc=UgzNewAcme000006AaABAg" {
		t.Fatalf("second run = %+v, want only the new comment", items)
	}
	items, _, err = ct.Collect(t, src, cur)
	if err != nil || len(items) != 0 {
		t.Fatalf("third run = %d items, %v; want none", len(items), err)
	}
}

func TestSearchModeGolden(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, "api_key: "+key+"\nmax_videos: 3\nlang: id\nbase_url: "+srv.URL)
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	ct.CheckItems(t, Type, items)
	ct.Golden(t, "search.golden.json", items, *update)
	calls := fake.callList()
	if len(items) != 4 || len(calls) != 4 {
		t.Fatalf("items %d, calls %v; want 1 search + 3 videos (one with comments off)", len(items), calls)
	}
	if !strings.Contains(calls[0], "q=acme%7C%22acme+store%22%7Cglobex") || !strings.Contains(calls[0], "relevanceLanguage=id") || !strings.Contains(calls[0], "maxResults=3") {
		t.Errorf("search call = %s", calls[0])
	}
	if got := src.Collector.(*YouTube).QuotaPerRun(); got != 106 {
		t.Errorf("QuotaPerRun = %d, want 100 + 3 videos × 2 pages", got)
	}
	items, _, err = ct.Collect(t, src, cur)
	if err != nil || len(items) != 0 {
		t.Fatalf("second run = %d items, %v; want none", len(items), err)
	}
}

func TestPagesBoundedAndLaterPageFails(t *testing.T) {
	fake := newFake(t)
	fake.pageSize = 2
	srv := ct.Serve(t, fake.ServeHTTP)
	conf := "api_key: " + key + "\nchannel_id: " + channel + "\nbase_url: " + srv.URL
	items, _, err := ct.Collect(t, ct.Build(t, Type, conf+"\nmax_pages: 1"), mw.Cursor{})
	if err != nil || len(items) != 2 {
		t.Fatalf("max_pages 1: %d items, %v; want the first page only", len(items), err)
	}
	src := ct.Build(t, Type, conf)
	fake.hook = func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("pageToken") != "" {
			w.WriteHeader(503)
			return
		}
		w.Write([]byte(`{"kind":"youtube#commentThreadListResponse","nextPageToken":"QURTSl2","items":[` + string(fake.threads[0]) + `,` + string(fake.threads[1]) + `]}`))
	}
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	ct.WantHTTPStatus(t, err, 503)
	if len(items) != 2 || len(cur.Seen) != 2 || !cur.LastTime.IsZero() {
		t.Fatalf("items %d, cursor %+v; want page 1 kept and remembered, mark unmoved", len(items), cur)
	}
	fake.hook = nil
	items, _, err = ct.Collect(t, src, cur)
	if err != nil || len(items) != 2 {
		t.Fatalf("retry = %d items, %v; want the 2 not yet read", len(items), err)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		key   string
		h     http.HandlerFunc
		check func(t *testing.T, err error)
	}{
		{"bad key", "AIzaWrong", nil, func(t *testing.T, err error) {
			ct.WantAuth(t, err, "youtube", "api_key", "console.cloud.google.com")
			if strings.Contains(err.Error(), "AIzaWrong") {
				t.Errorf("error leaks the key: %v", err)
			}
		}},
		{"401", "", ct.Status(401, `{"error":{"code":401,"message":"Request is missing required authentication credential."}}`), func(t *testing.T, err error) {
			ct.WantAuth(t, err, "api_key")
		}},
		{"403 api disabled", "", ct.Status(403, `{"error":{"code":403,"message":"YouTube Data API v3 has not been used in project 123 before or it is disabled.","status":"PERMISSION_DENIED"}}`), func(t *testing.T, err error) {
			ct.WantAuth(t, err, "api_key", "enabled")
		}},
		{"403 quota", "", ct.Status(403, quotaBody), func(t *testing.T, err error) {
			ct.WantHTTPStatus(t, err, 429)
			// ct.Now is 02:00 Pacific (PST): 22h until midnight.
			ct.WantRetryAfter(t, err, 22*time.Hour)
			ct.WantErrorContains(t, err, "youtube", "quota")
		}},
		// The project's per-minute limit (Google Cloud quotas) also says
		// "Quota exceeded", but it frees up within the minute: waiting
		// until midnight Pacific stopped the source for up to a day.
		{"403 per-minute limit", "", ct.Status(403, perMinuteBody), func(t *testing.T, err error) {
			ct.WantHTTPStatus(t, err, 429)
			ct.WantRetryAfter(t, err, time.Minute)
			ct.WantErrorContains(t, err, "youtube", "per-minute")
		}},
		{"429", "", ct.Status(429, `{"error":{"code":429,"message":"Too many requests"}}`, "Retry-After", "30"), func(t *testing.T, err error) {
			ct.WantHTTPStatus(t, err, 429)
			ct.WantRetryAfter(t, err, 30*time.Second)
		}},
		{"500", "", ct.Status(500, `{"error":{"code":500,"message":"Internal error encountered.","status":"INTERNAL"}}`), func(t *testing.T, err error) {
			ct.WantHTTPStatus(t, err, 500)
			ct.WantErrorContains(t, err, "youtube", channel)
		}},
		{"malformed", "", ct.Status(200, string(ct.Fixture(t, "malformed.json"))), func(t *testing.T, err error) {
			ct.WantErrorContains(t, err, "youtube", "decoding YouTube commentThreads response")
		}},
		{"wrong kind", "", ct.Status(200, `{"kind":"youtube#videoListResponse","items":[]}`), func(t *testing.T, err error) {
			ct.WantErrorContains(t, err, "got kind")
		}},
		{"comments disabled", "", ct.Status(403, disabledBody), func(t *testing.T, err error) {
			if err != nil {
				t.Fatalf("comments off is not a source error: %v", err)
			}
		}},
		{"empty", "", ct.Status(200, string(ct.Fixture(t, "empty.json"))), func(t *testing.T, err error) {
			if err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFake(t)
			fake.hook = tc.h
			srv := ct.Serve(t, fake.ServeHTTP)
			k := key
			if tc.key != "" {
				k = tc.key
			}
			items, _, err := ct.Collect(t, ct.Build(t, Type, "api_key: "+k+"\nchannel_id: "+channel+"\nbase_url: "+srv.URL), mw.Cursor{})
			tc.check(t, err)
			if len(items) != 0 {
				t.Errorf("items = %d, want 0", len(items))
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	ct.WantBuildError(t, Type, "channel_id: "+channel, "api_key", "console.cloud.google.com")
	ct.WantBuildError(t, Type, "api_key: k\nchannel_id: '@acme'", "channel_id", "UC")
	ct.WantBuildError(t, Type, "api_key: k\nmax_videos: 51", "max_videos")
	ct.WantBuildError(t, Type, "api_key: k\nvideo_id: x", "video_id")
}

// The scheduler stops the source on a bad key; a second scheduled run
// stores nothing new.
func TestThroughScheduler(t *testing.T) {
	fake := newFake(t)
	srv := ct.Serve(t, fake.ServeHTTP)
	run := ct.NewRunner()
	conf := "api_key: " + key + "\nchannel_id: " + channel + "\nbase_url: " + srv.URL
	if res := run.RunOnce(t, ct.Build(t, Type, conf)); res.Err != nil || res.Items != 4 {
		t.Fatalf("first run = %+v", res)
	}
	if res := run.RunOnce(t, ct.Build(t, Type, conf)); res.Err != nil || res.Items != 0 {
		t.Fatalf("second run = %+v, want nothing new", res)
	}
	res := run.RunOnce(t, ct.Build(t, Type, strings.Replace(conf, key, "AIzaRevoked", 1)))
	if !res.Stop || !strings.Contains(res.Err.Error(), "api_key") {
		t.Fatalf("bad key run = %+v, want the source stopped naming api_key", res)
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, p := range files {
		if strings.HasSuffix(p, ".golden.json") {
			continue
		}
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Add([]byte(`{"items":[{"id":"a&b","snippet":{"videoId":"v?x","topLevelComment":{"snippet":{"textDisplay":"<b>&#0;","publishedAt":"x"}}}}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := ParseThreads(body, "t")
		if err != nil && len(p.Items) > 0 {
			t.Fatal("items with error")
		}
		for _, m := range p.Items {
			if m.NativeID == "" || !strings.HasPrefix(m.URL, "https://www.youtube.com/watch?v=") || strings.Count(m.URL, "&") != 1 {
				t.Fatalf("bad item %+v", m)
			}
		}
		vs, err := ParseSearch(body)
		if err != nil && len(vs) > 0 {
			t.Fatal("videos with error")
		}
	})
}

const benchItems = 100

// BenchmarkParse compares ParseThreads (decode + map to Mention) with a
// bare json.Unmarshal of the same 100-thread page into
// CommentThreadListResponse.
func BenchmarkParse(b *testing.B) {
	var r map[string]any
	json.Unmarshal(ct.Fixture(b, "threads.json"), &r)
	src := r["items"].([]any)
	var items []any
	for i := 0; len(items) < benchItems; i++ {
		t := map[string]any{}
		for k, v := range src[i%len(src)].(map[string]any) {
			t[k] = v
		}
		t["id"] = fmt.Sprintf("UgzBench%014dAaABAg", i)
		items = append(items, t)
	}
	r["items"], r["nextPageToken"] = items, "QURTSl9pMkw"
	body, _ := json.Marshal(r)
	ct.BenchParse[CommentThreadListResponse](b, body, benchItems, func(body []byte) error {
		_, err := ParseThreads(body, "Acme kettle review")
		return err
	})
}

// TestSearchAnswerBoundedByMaxVideos: a search answer with more videos
// than maxResults asked for (a misbehaving proxy or mirror) must not make
// one run read the comments of every one of them: the quota bound holds.
func TestSearchAnswerBoundedByMaxVideos(t *testing.T) {
	fake := newFake(t)
	var ids []string
	for i := range 200 {
		ids = append(ids, fmt.Sprintf(`{"kind":"youtube#searchResult","id":{"kind":"youtube#video","videoId":"vidExtra%04d"},"snippet":{"title":"Acme %d"}}`, i, i))
	}
	fake.search = []byte(`{"kind":"youtube#searchListResponse","items":[` + strings.Join(ids, ",") + `]}`)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, "api_key: "+key+"\nmax_videos: 3\nbase_url: "+srv.URL)
	if _, _, err := ct.Collect(t, src, mw.Cursor{}); err != nil {
		t.Fatal(err)
	}
	calls := fake.callList()
	if bound := 1 + 3*src.Collector.(*YouTube).MaxPages; len(calls) > bound {
		t.Fatalf("%d calls for max_videos 3; want at most %d (1 search + 3 videos × max_pages)", len(calls), bound)
	}
}

// TestFutureDatedCommentDoesNotStopTheSource: one comment published in
// 2100 set the mark there, and every later comment, older than it, ended
// the reading: the source returned nothing, without an error, for good.
// The mark never passes now.
func TestFutureDatedCommentDoesNotStopTheSource(t *testing.T) {
	var body string
	threads := func(comments ...string) {
		var items []string
		for _, c := range comments {
			id, at, _ := strings.Cut(c, "@")
			items = append(items, fmt.Sprintf(`{"kind":"youtube#commentThread","id":%q,"snippet":{"videoId":"vid1AcmeK01","topLevelComment":{"id":%q,"snippet":{"videoId":"vid1AcmeK01","textDisplay":"Acme %s","authorDisplayName":"@x","publishedAt":%q,"updatedAt":%q}},"isPublic":true}}`, id, id, id, at, at))
		}
		body = `{"kind":"youtube#commentThreadListResponse","items":[` + strings.Join(items, ",") + `]}`
	}
	srv := ct.Serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) })
	src := ct.Build(t, Type, "api_key: "+key+"\nchannel_id: "+channel+"\nbase_url: "+srv.URL)
	threads("Ugfuture@2100-01-01T00:00:00Z", "Ugold@2026-11-24T09:00:00Z")
	items, cur, err := ct.Collect(t, src, mw.Cursor{})
	if err != nil || len(items) != 2 {
		t.Fatalf("first run: %d items, %v", len(items), err)
	}
	if !cur.LastTime.Equal(ct.Now) {
		t.Errorf("mark = %s, want now (%s): a comment dated in 2100 moved it", cur.LastTime, ct.Now)
	}
	threads("Ugfuture@2100-01-01T00:00:00Z", "Ugnew@2026-11-24T10:00:00Z", "Ugold@2026-11-24T09:00:00Z")
	items, _, err = ct.Collect(t, src, cur)
	if err != nil || len(items) != 1 || items[0].NativeID != "Ugnew" {
		t.Fatalf("second run: %d items %v, %v; want Ugnew", len(items), items, err)
	}
	// A cursor an earlier version saved with the mark in 2100 heals.
	cur.LastTime = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	items, healed, err := ct.Collect(t, src, cur)
	if err != nil || len(items) != 1 || items[0].NativeID != "Ugnew" || !healed.LastTime.Equal(ct.Now) {
		t.Fatalf("from a mark saved in 2100: %v (mark %s), %v; want Ugnew and the mark at now", items, healed.LastTime, err)
	}
}

// Search mode at the default 15-minute interval can use 110 units × 96
// runs = 10,560 a day, past the API's default 10,000: building the source
// warns and says what to change. Hourly, or a channel's list, does not.
func TestQuotaWarning(t *testing.T) {
	for _, tc := range []struct {
		conf string
		warn bool
	}{
		{"api_key: " + key, true},
		{"api_key: " + key + "\ninterval: 1h", false},
		{"api_key: " + key + "\nchannel_id: " + channel, false},
	} {
		_, logs, err := ct.BuildBrands(Type, ct.Brands, tc.conf)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Contains(logs.String(), "units_per_day=10560") && strings.Contains(logs.String(), "interval: 1h")
		if tc.warn != got || (!tc.warn && strings.Contains(logs.String(), "daily quota")) {
			t.Errorf("%q: warned %v, want %v:\n%s", tc.conf, got, tc.warn, logs)
		}
	}
}

// Channel mode reads one list: a channel that is not found (a typo that
// still looks like a UC id, a deleted channel) is an error naming
// channel_id, not a run that succeeds with nothing on every run.
func TestChannelNotFoundIsAnError(t *testing.T) {
	fake := newFake(t)
	fake.hook = ct.Status(404, `{"error":{"code":404,"message":"The channel identified by the \u003ccode\u003eallThreadsRelatedToChannelId\u003c/code\u003e parameter could not be found.","errors":[{"message":"The channel could not be found.","domain":"youtube.commentThread","reason":"channelNotFound","location":"allThreadsRelatedToChannelId","locationType":"parameter"}]}}`)
	srv := ct.Serve(t, fake.ServeHTTP)
	src := ct.Build(t, Type, "api_key: "+key+"\nchannel_id: "+channel+"\nbase_url: "+srv.URL)
	_, cur, err := ct.Collect(t, src, mw.Cursor{})
	ct.WantHTTPStatus(t, err, 404)
	ct.WantErrorContains(t, err, "youtube", "channel_id "+channel+" was not found", "channelNotFound")
	if !cur.LastTime.IsZero() {
		t.Errorf("mark moved to %v", cur.LastTime)
	}
}
