package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/demo"
	"github.com/mentionwatch/mentionwatch/store"
	"github.com/mentionwatch/mentionwatch/store/sqlite"
)

func TestCheckConfigNamesMisspelledKeyAndLine(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	os.WriteFile(path, []byte("brands:\n  - name: Acme\n    keywords: [acme]\nsources:\n  - name: news\n    type: rss\n    url: https://example.com/feed\n    intervall: 5m\n"), 0o644)
	out, err := exec.Command(bin, "check-config", "-c", path).CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() == 0 {
		t.Fatalf("check-config exited 0 on a bad config:\n%s", out)
	}
	for _, want := range []string{"config.yaml:8", "intervall", `did you mean "interval"`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// The shipped example passes.
	out, err = exec.Command(bin, "check-config", "-c", "../../config.yaml").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ok") {
		t.Fatalf("example config: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "hooks.slack.com") {
		t.Fatal("secret printed")
	}
}

func TestCollectorsListsTypes(t *testing.T) {
	out, err := exec.Command(buildBinary(t), "collectors").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "rss\n") {
		t.Fatalf("collectors output:\n%s", out)
	}
}

func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo")
	}
	cmd := exec.Command(buildBinary(t), "demo")
	cmd.Env = append(os.Environ(), "SLACK_WEBHOOK_URL=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "demo: collected=") || strings.Contains(last, "alerts=0") || strings.Contains(last, "stored=0") {
		t.Fatalf("last line %q\n%s", last, out)
	}
	// More mentions are stored than items collected (an item naming Acme
	// and its competitor is one mention per brand); the demo says so.
	var collected, stored, alerts int
	fmt.Sscanf(last, "demo: collected=%d stored=%d alerts=%d", &collected, &stored, &alerts)
	if stored > collected && !strings.Contains(string(out), "one mention per brand it names") {
		t.Errorf("stored %d > collected %d without an explanation:\n%s", stored, collected, out)
	}
	if !regexp.MustCompile(`demo: \d+ items named both a brand and its competitor`).MatchString(string(out)) {
		t.Errorf("no count of items naming two brands:\n%s", out)
	}
}

// TestCollectOnceOneSource runs one source of the demo feeds once and
// prints its scored mentions as JSON lines; a second run finds nothing new
// (its cursor is in the store).
func TestCollectOnceOneSource(t *testing.T) {
	bin := buildBinary(t)
	now := time.Now().UTC()
	feeds := httptest.NewServer(demo.Handler(func() time.Time { return now }, demo.Posts(now)))
	defer feeds.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	text := strings.Replace(demo.ConfigYAML(feeds.URL, filepath.Join(dir, "mw.db")), "store:\n", "store:\n  spool_dir: "+filepath.Join(dir, "spool")+"\n", 1)
	os.WriteFile(cfg, []byte(text), 0o644)

	run := func() (stdout, stderr string) {
		var o, e strings.Builder
		cmd := exec.Command(bin, "collect", "--once", "--source", "demo-ulasan", "-c", cfg)
		cmd.Stdout, cmd.Stderr, cmd.Dir = &o, &e, dir
		if err := cmd.Run(); err != nil {
			t.Fatalf("collect: %v\n%s", err, e.String())
		}
		return o.String(), e.String()
	}
	out, errOut := run()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 10 {
		t.Fatalf("collect printed %d lines:\n%s\n%s", len(lines), out, errOut)
	}
	for _, l := range lines {
		var m mw.Mention
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON mention: %q: %v", l, err)
		}
		if m.Source != "demo-ulasan" || m.ID == "" || m.Label == "" || m.Lang == "" {
			t.Fatalf("mention %+v: wrong source or not scored", m)
		}
	}
	if !strings.Contains(errOut, "demo-ulasan: items=") || strings.Contains(errOut, "demo-news") {
		t.Errorf("summary should name only the chosen source:\n%s", errOut)
	}
	out, errOut = run()
	if strings.TrimSpace(out) != "" {
		t.Errorf("second run printed mentions again (cursor not kept):\n%s\n%s", out, errOut)
	}

	// A mistyped or disabled --source says which was meant, or that it is
	// disabled (before: "no enabled source named ..." alone, for both).
	os.WriteFile(cfg, []byte(strings.Replace(text, "http:\n", "  - {name: old-feed, type: rss, url: \"https://example.com/f\", disabled: true}\nhttp:\n", 1)), 0o644)
	for source, want := range map[string]string{
		"demo-ulsan": `collect --source: no source "demo-ulsan" in ` + cfg + ` (did you mean "demo-ulasan"?)`,
		"old-feed":   `collect --source: source "old-feed" is disabled in ` + cfg + `:`,
	} {
		cmd := exec.Command(bin, "collect", "--once", "--source", source, "-c", cfg)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), want) {
			t.Errorf("--source %s: %v\n%s\nwant %q", source, err, out, want)
		}
	}
}

// TestCheckConfigWarnsAndStrict: an unset ${VAR} in a notifier is a warning
// (exit 0) that --strict turns into a failure; a negative interval is an
// error with its line, so `run` never gets to the scheduler with it.
func TestCheckConfigWarnsAndStrict(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	os.WriteFile(path, []byte("brands:\n  - name: Acme\n    keywords: [acme]\nnotifiers:\n  slack:\n    webhook_url: ${MW_TEST_UNSET_HOOK}\n"), 0o644)
	run := func(args ...string) (string, int) {
		cmd := exec.Command(bin, append([]string{"check-config", "-c", path}, args...)...)
		cmd.Env = append(os.Environ(), "MW_TEST_UNSET_HOOK=")
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return string(out), ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return string(out), 0
	}
	out, code := run()
	if code != 0 || !strings.Contains(out, "warning: "+path+":6: notifiers.slack.webhook_url: ${MW_TEST_UNSET_HOOK} is empty") {
		t.Errorf("check-config: exit %d\n%s", code, out)
	}
	out, code = run("--strict")
	if code == 0 || !strings.Contains(out, "1 warning") {
		t.Errorf("check-config --strict: exit %d\n%s", code, out)
	}

	os.WriteFile(path, []byte("brands:\n  - name: Acme\n    keywords: [acme]\nsources:\n  - name: news\n    type: rss\n    url: https://example.com/feed\n    interval: -5m\n"), 0o644)
	if out, code = run(); code != 2 || !strings.Contains(out, "config.yaml:8: sources[news].interval") {
		t.Errorf("negative interval: exit %d\n%s", code, out)
	}
}

// TestCollectOnceFailsWhenASourceFails: one failing source makes `collect
// --once` exit non-zero and name it, while the others' mentions are stored.
func TestCollectOnceFailsWhenASourceFails(t *testing.T) {
	bin := buildBinary(t)
	now := time.Now().UTC()
	feeds := httptest.NewServer(demo.Handler(func() time.Time { return now }, demo.Posts(now)))
	defer feeds.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	db := filepath.Join(dir, "mw.db")
	text := demo.ConfigYAML(feeds.URL, db)
	text = strings.Replace(text, "store:\n", "store:\n  spool_dir: "+filepath.Join(dir, "spool")+"\n", 1)
	text = strings.Replace(text, "sources:\n", "sources:\n  - {name: broken-feed, type: rss, url: \""+feeds.URL+"/no-such-feed.rss\"}\n", 1)
	os.WriteFile(cfg, []byte(text), 0o644)
	cmd := exec.Command(bin, "collect", "--once", "--print=false", "-c", cfg)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() == 0 {
		t.Fatalf("collect exited 0 with a failing source:\n%s", out)
	}
	if !strings.Contains(string(out), "1 of 4 sources failed: broken-feed") {
		t.Errorf("output does not name the failed source:\n%s", out)
	}
	if n, _ := countMentions(t, db); n == 0 {
		t.Errorf("the working sources' mentions were not stored:\n%s", out)
	}
}

// TestSourceReset clears a source's cursor in the store and says what it
// held; an unknown name is an error.
func TestSourceReset(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "mw.db")
	cfgPath := filepath.Join(dir, "config.yaml")
	spool := filepath.Join(dir, "spool")
	// The cursor's time shows in timezone: (before: in UTC).
	os.WriteFile(cfgPath, []byte("timezone: Asia/Jakarta\n"+strings.Replace(demo.ConfigYAML("http://127.0.0.1:1", db), "store:\n", "store:\n  spool_dir: "+spool+"\n", 1)), 0o644)
	stateFile := filepath.Join(spool, "sources", "demo-news.json")
	os.MkdirAll(filepath.Dir(stateFile), 0o755)
	os.WriteFile(stateFile, []byte(`{"state":{"Source":"demo-news"},"window":{}}`), 0o644)
	st := openMigrated(t, db)
	ctx := context.Background()
	last := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	err := st.SaveSourceState(ctx, store.SourceState{Source: "demo-news", Type: "rss", LastRun: last, LastSuccess: last, TotalItems: 47,
		Cursor: mw.Cursor{LastTime: last, Seen: []string{"a", "b", "c"}, ETag: `"v1"`}})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "source", "reset", "demo-news", "-c", cfgPath).CombinedOutput()
	if err != nil {
		t.Fatalf("source reset: %v\n%s", err, out)
	}
	for _, want := range []string{"demo-news: cursor cleared", "newest time 2026-11-30 15:00 WIB", "3 seen ids", "local state file " + stateFile + " removed"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	st, err = sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.SourceState(ctx, "demo-news")
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if describeCursor(&mw.Config{}, got.Cursor) != "" || got.TotalItems != 47 {
		t.Errorf("after reset: %+v", got)
	}
	if _, err := os.Stat(stateFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("local state file still there: %v", err)
	}
	out, err = exec.Command(bin, "source", "reset", "no-such-source", "-c", cfgPath).CombinedOutput()
	if err == nil || !strings.Contains(string(out), `no source "no-such-source"`) {
		t.Errorf("unknown source: %v\n%s", err, out)
	}
}

// TestMigrateSaysWhatItDid: on a fresh database migrate says it created the
// schema; a second run says it is up to date.
func TestMigrateSaysWhatItDid(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "fresh.db")
	cfgPath := filepath.Join(dir, "config.yaml")
	os.WriteFile(cfgPath, []byte(demo.ConfigYAML("http://127.0.0.1:1", db)), 0o644)
	out, err := exec.Command(bin, "migrate", "-c", cfgPath).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "created the embedded store "+db) || !strings.Contains(string(out), "schema version 0 to ") {
		t.Errorf("fresh migrate: %v\n%s", err, out)
	}
	out, err = exec.Command(bin, "migrate", "-c", cfgPath).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "up to date at schema version") {
		t.Errorf("second migrate: %v\n%s", err, out)
	}
}

// TestVersionShowsRevision: the version names the VCS revision and commit
// time Go records in a build (debug.ReadBuildInfo), not just "dev";
// `version` and `--version` print the same.
func TestVersionShowsRevision(t *testing.T) {
	info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/mentionwatch/mentionwatch", Version: "(devel)"},
		Settings: []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "dfa311ad3011c0ffee0123456789abcdef012345"},
			{Key: "vcs.time", Value: "2026-12-02T05:40:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	if got, want := describeBuild("dev", info), "dev (rev dfa311ad3011, committed 2026-12-02T05:40:00Z, modified, go1.26.8)"; got != want {
		t.Errorf("describeBuild = %q, want %q", got, want)
	}
	info.Main.Version, info.Settings = "v1.4.0", nil
	if got := describeBuild("dev", info); got != "v1.4.0 (go1.26.8)" {
		t.Errorf("go install build: %q", got)
	}

	bin := buildBinary(t)
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	flag, err := exec.Command(bin, "--version").Output()
	if err != nil || string(flag) != string(out) {
		t.Errorf("--version = %q, %v; version = %q", flag, err, out)
	}
	// A test build has VCS stamps unless GOFLAGS=-buildvcs=false or the
	// checkout is a git worktree (Go stamps only a .git directory).
	meta, _ := exec.Command("go", "version", "-m", bin).Output()
	if i := strings.Index(string(meta), "vcs.revision="); i >= 0 {
		if rev := string(meta[i+len("vcs.revision=") : i+len("vcs.revision=")+12]); !strings.Contains(string(out), "rev "+rev) {
			t.Errorf("version = %q, want rev %s", out, rev)
		}
	}
}

// TestScoreType: `score --type review` scores the texts as reviews (the
// review register labels by the blended score), and without it as before.
func TestScoreType(t *testing.T) {
	bin := buildBinary(t)
	const text = "can't say anything bad about it\n"
	for _, c := range []struct {
		args []string
		want mw.Label
	}{
		{[]string{"score"}, mw.Negative},
		{[]string{"score", "--type", "review"}, mw.Positive},
		{[]string{"score", "--type", "appstore"}, mw.Positive},
		{[]string{"score", "--type", "reddit"}, mw.Negative},
	} {
		cmd := exec.Command(bin, c.args...)
		cmd.Stdin = strings.NewReader(text)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		var r struct {
			Label mw.Label `json:"label"`
		}
		if err := json.Unmarshal(out, &r); err != nil {
			t.Fatalf("%v: %v: %s", c.args, err, out)
		}
		if r.Label != c.want {
			t.Errorf("%v: label %s, want %s", c.args, r.Label, c.want)
		}
	}
	// A misspelt type is refused, not scored as no type.
	cmd := exec.Command(bin, "score", "--type", "reveiw")
	cmd.Stdin = strings.NewReader(text)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), `--type "reveiw"`) {
		t.Errorf("score --type reveiw: err %v, output %s; want a refusal naming the flag", err, out)
	}
}

// TestCommandLineMistakes: an unknown or malformed flag said only
// "unknown flag: --bogus"; it now names the command's --help too, and the
// flag meant when one is within two edits (also a long flag written with
// one dash, -once). A mistyped subcommand of a group (`user disabel
// alice`, `eval sentimnt`) printed the group's help and exited 0, so a
// script or an operator took it as done; it fails now, naming the nearest
// subcommand (the group alone still prints its help). A missing or extra
// argument said only "accepts 1 arg(s), received 0"; it now shows the
// usage line, which names what to give.
func TestCommandLineMistakes(t *testing.T) {
	bin := buildBinary(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"collect", "--once", "--bogus"}, "unknown flag: --bogus (see `mentionwatch collect --help`)"},
		{[]string{"silence", "add", "--for", "-5m", "--reason", "strike"}, "silence add: --for must be a positive duration such as 90m, 2h or 1d"},
		{[]string{"silence", "add", "--for", "1e9h", "--reason", "strike"}, `invalid duration "1e9h" (use 90s, 5m, 2h or 1d) (see ` + "`mentionwatch silence add --help`)"},
		{[]string{"collect", "--prnt"}, "unknown flag: --prnt (did you mean --print? see `mentionwatch collect --help`)"},
		{[]string{"collect", "-once"}, "(did you mean --once? see `mentionwatch collect --help`)"},
		{[]string{"check-config", "--strcit"}, "(did you mean --strict?"},
		{[]string{"check-config", "--confg", "x.yaml"}, "(did you mean --config?"},
		{[]string{"user", "disabel", "alice"}, `unknown command "disabel" for "mentionwatch user" (did you mean "disable"?`},
		{[]string{"user", "token", "lst"}, `unknown command "lst" for "mentionwatch user token" (did you mean "list"?`},
		{[]string{"eval", "sentimnt"}, `(did you mean "sentiment"?`},
		{[]string{"source", "rest", "news"}, `(did you mean "reset"?`},
		{[]string{"train", "everything"}, `unknown command "everything" for "mentionwatch train" (it has harm, sentiment-en, sentiment-id, stage`},
		{[]string{"source", "reset"}, "accepts 1 arg(s), received 0: usage: mentionwatch source reset NAME"},
		{[]string{"notify", "test"}, "usage: mentionwatch notify test <name>"},
		{[]string{"version", "2"}, "usage: mentionwatch version"},
	} {
		out, err := exec.Command(bin, tc.args...).CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(string(out), tc.want) {
			t.Errorf("%v: %v\n%s\nwant exit 1 and %q", tc.args, err, out, tc.want)
		}
	}
	out, err := exec.Command(bin, "user").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "reset-password") {
		t.Errorf("user alone: %v\n%s\nwant its help", err, out)
	}
}

// TestUnknownNotifierOnCommandLine: `notify test nope` and `digest --send
// nope` exited 2, "config.yaml: notifiers.nope: unknown notifier", as if
// the config were wrong; the name on the command line is, so they exit 1
// naming the command and the names to use.
func TestUnknownNotifierOnCommandLine(t *testing.T) {
	bin := buildBinary(t)
	cfg, _ := writeUsersConfig(t, t.TempDir(), false)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"notify", "test", "nope"}, `notify test: no notifier "nope": name one configured under notifiers: (alertmanager, email, slack`},
		{[]string{"digest", "--send", "nope"}, `digest --send: no notifier "nope": name one configured under notifiers:`},
	} {
		cmd := exec.Command(bin, append([]string{"-c", cfg}, tc.args...)...)
		cmd.Dir = t.TempDir() // whatever it writes (a link key) stays there
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(string(out), tc.want) || strings.Contains(string(out), "notifiers.nope") {
			t.Errorf("%v: %v\n%s\nwant exit 1 and %q", tc.args, err, out, tc.want)
		}
	}
}

// TestNoEnabledSource: a first config whose only source is disabled makes
// `collect --once` fail naming the source and its line (before: exit 0
// with "sources=0", as if the source had found nothing), and `run` warns
// that it collects nothing.
func TestNoEnabledSource(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	text := "brands:\n  - name: Acme\n    keywords: [acme]\nsources:\n  - {name: news, type: rss, url: \"https://example.com/f\", disabled: true}\n" +
		"store:\n  path: " + filepath.Join(dir, "mw.db") + "\n  spool_dir: " + filepath.Join(dir, "spool") + "\n"
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	want := "no enabled source in " + cfg + ": news (line 5) is disabled; remove disabled: true"
	cmd := exec.Command(bin, "collect", "--once", "-c", cfg)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(string(out), "mentionwatch: collect: "+want) {
		t.Errorf("collect --once with no enabled source: %v\n%s\nwant exit 1 and %q", err, out, want)
	}

	var stderr syncBuffer
	run := exec.Command(bin, "run", "-c", cfg)
	run.Dir, run.Stderr = dir, &stderr
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- run.Wait() }()
	hung := time.AfterFunc(time.Minute, func() { run.Process.Kill() }) // a hang ends the wait below
	defer hung.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !strings.Contains(stderr.String(), "run collects nothing") {
		select {
		case err := <-done:
			t.Fatalf("run ended (%v) without saying it has no enabled source:\n%s", err, stderr.String())
		case <-tick.C:
		}
	}
	run.Process.Signal(os.Interrupt)
	if err := <-done; err != nil || !strings.Contains(stderr.String(), want) {
		t.Errorf("run: %v; want exit 0 and %q\n%s", err, want, stderr.String())
	}
}
