package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/digest"
	"github.com/mentionwatch/mentionwatch/digest/digesttest"
	"github.com/mentionwatch/mentionwatch/store/sqlite"
)

// seededDB writes digesttest's data to an embedded store file.
func seededDB(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "mw.db")
	st, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := digesttest.Seed(ctx, st); err != nil {
		t.Fatal(err)
	}
	return path
}

const digestConfig = `timezone: Asia/Jakarta
brands:
  - name: Acme
    keywords: [acme]
    competitors:
      - {name: Globex, keywords: [globex]}
      - {name: Initech, keywords: [initech]}
store: {type: embedded, path: %DB%}
`

// `mentionwatch digest --to FILE.html` writes the digest with its charts
// embedded; --format text writes the text part.
func TestDigestCommand(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	os.WriteFile(cfg, []byte(strings.ReplaceAll(digestConfig, "%DB%", seededDB(t, dir))), 0o644)
	out := filepath.Join(dir, "digest.html")
	if b, err := exec.Command(bin, "digest", "-c", cfg, "--brand", "Acme", "--period", "week", "--end", "2026-11-30", "--to", out).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	html, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Acme weekly digest: 23 – 29 Nov 2026", `src="data:image/png;base64,`, "&lt;b&gt;Refund NOW&lt;/b&gt;", "Times in Asia/Jakarta"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("the file lacks %q", want)
		}
	}
	text, err := exec.Command(bin, "digest", "-c", cfg, "--period", "week", "--end", "2026-11-30", "--format", "text").CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	for _, want := range []string{"28 mentions (+40% on the previous week, 20).", "first response n/a", "Acme: 58% of voice"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	withDigests := strings.ReplaceAll(digestConfig, "%DB%", filepath.Join(dir, "mw.db")) +
		"notifiers:\n  email: {host: smtp.example.com, from: a@example.com, to: [b@example.com]}\n" +
		"digests:\n  - {brand: Acme, period: weekly, at: \"08:30\", to: [email, lead@example.com]}\n"
	os.WriteFile(cfg, []byte(withDigests), 0o644)
	b, err := exec.Command(bin, "check-config", "-c", cfg).CombinedOutput()
	if err != nil || !strings.Contains(string(b), "digests: 1\n  Acme weekly, Monday 08:30 Asia/Jakarta: the 7 days before -> email, lead@example.com\n") {
		t.Errorf("check-config: %v\n%s", err, b)
	}
	for _, bad := range [][]string{{"--brand", "Nope"}, {"--period", "month"}, {"--end", "30/11/2026"}, {"--format", "pdf"}} {
		b, err := exec.Command(bin, append([]string{"digest", "-c", cfg}, bad...)...).CombinedOutput()
		if err == nil || !strings.Contains(string(b), strings.TrimPrefix(bad[0], "--")) {
			t.Errorf("%v: err %v, output %s", bad, err, b)
		}
	}
}

// --end names a date: in Santiago, whose clocks skip midnight on 6 Sep
// 2026, the day digest ending then covers 5 Sep. Before, the skipped
// midnight was read as 23:00 on the 5th, and the digest covered the 4th.
func TestDigestEndOnASkippedMidnight(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	conf := strings.ReplaceAll(strings.ReplaceAll(digestConfig, "%DB%", seededDB(t, dir)), "Asia/Jakarta", "America/Santiago")
	os.WriteFile(cfg, []byte(conf), 0o644)
	b, err := exec.Command(bin, "digest", "-c", cfg, "--period", "day", "--end", "2026-09-06", "--format", "text").CombinedOutput()
	if err != nil || !strings.Contains(string(b), "Sat 5 Sep 2026") {
		t.Errorf("digest --end 2026-09-06 in Santiago: %v\n%s", err, b)
	}
}

// The digest goes to Slack as escaped mrkdwn and to Telegram as HTML
// messages, through the configured notifiers.
func TestDigestDeliverSlackAndTelegram(t *testing.T) {
	var mu sync.Mutex
	var slackText string
	var tgTexts []string
	slackSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m struct {
			Text string `json:"text"`
		}
		json.NewDecoder(r.Body).Decode(&m)
		mu.Lock()
		slackText = m.Text
		mu.Unlock()
		io.WriteString(w, "ok")
	}))
	defer slackSrv.Close()
	tgSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m struct {
			Text      string `json:"text"`
			ParseMode string `json:"parse_mode"`
		}
		json.NewDecoder(r.Body).Decode(&m)
		mu.Lock()
		tgTexts = append(tgTexts, m.ParseMode+":"+m.Text)
		mu.Unlock()
		io.WriteString(w, `{"ok":true,"result":{"message_id":1}}`)
	}))
	defer tgSrv.Close()
	yml := "brands: [{name: Acme, keywords: [acme]}]\nnotifiers:\n  slack: {webhook_url: \"" + slackSrv.URL + "/hook\"}\n  telegram: {bot_token: \"123:abc\", chat_id: \"-100\", api_url: \"" + tgSrv.URL + "\"}\n" +
		"digests: [{brand: Acme, period: weekly, to: [slack, telegram]}]\n"
	cfg, err := mw.ParseConfig("c.yaml", []byte(yml), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	entries, receivers, err := digestEntries(cfg)
	if err != nil || len(entries) != 1 || entries[0].Weekday != time.Monday || entries[0].Hour != 8 || len(receivers) != 2 {
		t.Fatalf("entries %+v, receivers %v, err %v", entries, receivers, err)
	}
	ctx := context.Background()
	deliver, err := newDigestDeliver(ctx, cfg, receivers, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(seededDB(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r, err := digest.Build(ctx, st, digest.Options{Brand: digesttest.Brand(), Period: digest.Weekly, End: digesttest.WeekEnd, Location: digesttest.Jakarta})
	if err != nil {
		t.Fatal(err)
	}
	d, err := digest.Render(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range receivers {
		if err := deliver(ctx, to, d); err != nil {
			t.Fatalf("%s: %v", to, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if slackText != d.Slack || strings.Contains(slackText, "<!channel>") || !strings.Contains(slackText, "&lt;!channel&gt;") {
		t.Errorf("slack got:\n%s", slackText)
	}
	if len(tgTexts) != len(d.Telegram) || !strings.HasPrefix(tgTexts[0], "HTML:<b>Acme weekly digest") {
		t.Errorf("telegram got %d messages, want %d: %.200v", len(tgTexts), len(d.Telegram), tgTexts)
	}
	if err := deliver(ctx, "teams", d); err == nil {
		t.Error("a receiver that was not built is accepted")
	}
}

// `digest --send slack,telegram` with Slack refusing the post still sends
// to Telegram, writes the --to file, and exits non-zero naming Slack and
// its reason. Before, the first failing receiver ended the command: the
// receivers after it and the file got nothing.
func TestDigestSendFailingReceiverDoesNotBlockOthers(t *testing.T) {
	slackSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "no_service")
	}))
	defer slackSrv.Close()
	var mu sync.Mutex
	tgMessages := 0
	tgSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		tgMessages++
		mu.Unlock()
		io.WriteString(w, `{"ok":true,"result":{"message_id":1}}`)
	}))
	defer tgSrv.Close()
	bin := buildBinary(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	conf := strings.ReplaceAll(digestConfig, "%DB%", seededDB(t, dir)) +
		"notifiers:\n  slack: {webhook_url: \"" + slackSrv.URL + "/hook\"}\n  telegram: {bot_token: \"123:abc\", chat_id: \"-100\", api_url: \"" + tgSrv.URL + "\"}\n"
	os.WriteFile(cfg, []byte(conf), 0o644)
	out := filepath.Join(dir, "digest.txt")
	b, err := exec.Command(bin, "digest", "-c", cfg, "--end", "2026-11-30", "--send", "slack,telegram", "--format", "text", "--to", out).CombinedOutput()
	if err == nil || !strings.Contains(string(b), "slack") || !strings.Contains(string(b), "no_service") || !strings.Contains(string(b), "sent \"Acme weekly digest: 23 – 29 Nov 2026\" to telegram") {
		t.Errorf("err %v, output:\n%s", err, b)
	}
	mu.Lock()
	defer mu.Unlock()
	if tgMessages == 0 {
		t.Errorf("telegram got nothing after slack failed:\n%s", b)
	}
	if text, err := os.ReadFile(out); err != nil || !strings.Contains(string(text), "Acme weekly digest") {
		t.Errorf("the --to file was not written: %v", err)
	}
}
