package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/demo"
)

// nobody is the uid and gid the daemon runs as when the test runs as root
// (the distroless image's nonroot is 65532; any uid without a home works).
const nobody = 65534

// TestRunsAsNonRootReadOnlyWorkdir runs the daemon the way the container
// image and the systemd unit do: as an unprivileged user, in a working
// directory it cannot write, with its config given by MENTIONWATCH_CONFIG
// (no -c) and every path it writes (SQLite file, spool, sources' state,
// action-link key) in a state directory named by the config. It collects
// the demo feeds from a local server, and the test checks that every
// mention was stored, that nothing outside the state directory was
// written, and that a real /metrics scrape passes `promtool check metrics`.
func TestRunsAsNonRootReadOnlyWorkdir(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)

	// A tree the unprivileged user can read and traverse but not write,
	// except state/ (its own) and tmp/ (TMPDIR, checked empty at the end).
	root, err := os.MkdirTemp("", "mentionwatch-pkg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	dirs := map[string]os.FileMode{"": 0o755, "bin": 0o755, "etc": 0o755, "work": 0o555, "state": 0o700, "tmp": 0o700}
	for d := range dirs {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	exe := filepath.Join(root, "bin", "mentionwatch")
	copyFile(t, bin, exe, 0o755)

	now := time.Now().UTC()
	posts := demo.Posts(now)
	feeds := httptest.NewServer(demo.Handler(func() time.Time { return now }, posts))
	defer feeds.Close()
	state := filepath.Join(root, "state")
	listen := loopbackAddr(t)
	cfgText := demo.ConfigYAML(feeds.URL, filepath.Join(state, "mentionwatch.db")) +
		"web:\n  listen: " + listen + "\n  link_secret_file: " + filepath.Join(state, "mentionwatch.linkkey") + "\n" +
		"log: {level: info}\n"
	cfgText = strings.Replace(cfgText, "store:\n", "store:\n  spool_dir: "+filepath.Join(state, "spool")+"\n", 1)
	cfgPath := filepath.Join(root, "etc", "config.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfgText), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := mw.ParseConfig(cfgPath, []byte(cfgText), os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := expectedMentions(t, cfg, posts)

	cmd := exec.Command(exe, "run")
	cmd.Dir = filepath.Join(root, "work")
	cmd.Env = []string{"MENTIONWATCH_CONFIG=" + cfgPath, "TMPDIR=" + filepath.Join(root, "tmp"), "PATH=/usr/bin:/bin"}
	uid := os.Getuid()
	if uid == 0 {
		// Root ignores permission bits: drop to an unprivileged user, who
		// owns only state/ and tmp/.
		uid = nobody
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
		for _, d := range []string{"state", "tmp"} {
			if err := os.Chown(filepath.Join(root, d), nobody, nobody); err != nil {
				t.Fatal(err)
			}
		}
	}
	for d, mode := range dirs { // after the files are in place
		if err := os.Chmod(filepath.Join(root, d), mode); err != nil {
			t.Fatal(err)
		}
	}
	before := snapshotTree(t, root)

	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Fatalf("run exited with %v\n%s", err, stderr.String())
			}
		case <-time.After(60 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("run did not stop within 60s of SIGTERM\n%s", stderr.String())
		}
	}

	// Wait until the writer has stored every mention and the store's
	// snapshot (refreshed at most every 10 s) shows the sources' state,
	// then keep that scrape.
	var scrape []byte
	for deadline := time.Now().Add(90 * time.Second); ; {
		select {
		case err := <-exited:
			t.Fatalf("run exited early (%v)\n%s", err, stderr.String())
		default:
		}
		if b, err := get("http://" + listen + "/metrics"); err == nil {
			n, _ := metricValue(b, "mentionwatch_writer_stored_total")
			if _, ok := metricValue(b, "mentionwatch_source_last_success_timestamp_seconds"); ok && n >= float64(want) {
				scrape = b
				break
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the daemon did not store %d mentions within 90s\n%s", want, stderr.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, name := range []string{"mentionwatch_collection_lag_seconds_count", "mentionwatch_source_interval_seconds",
		"mentionwatch_alert_loop_last_tick_timestamp_seconds", "mentionwatch_alert_outbox_pending"} {
		if _, ok := metricValue(scrape, name); !ok {
			t.Errorf("/metrics has no %s", name)
		}
	}
	if n, _ := metricValue(scrape, "mentionwatch_collection_lag_seconds_count"); n != float64(want) {
		t.Errorf("mentionwatch_collection_lag_seconds_count = %v, want one per stored mention (%d)", n, want)
	}
	checkMetricsWithPromtool(t, scrape)
	stop()

	if n, unique := countMentions(t, filepath.Join(state, "mentionwatch.db")); n != want || unique != want {
		t.Fatalf("stored %d mentions (%d unique), want %d\n%s", n, unique, want, stderr.String())
	}
	// Nothing outside state/ changed; tmp/ was left empty.
	after := snapshotTree(t, root)
	var wrote []string
	for p, info := range after {
		if p == "state" || strings.HasPrefix(p, "state"+string(filepath.Separator)) {
			if uid != os.Getuid() && info.uid != uint32(uid) {
				t.Errorf("%s is owned by uid %d, want %d", p, info.uid, uid)
			}
			continue
		}
		if b, ok := before[p]; !ok || b != info {
			wrote = append(wrote, p)
		}
	}
	if len(wrote) > 0 {
		t.Errorf("the daemon wrote outside its state directory: %v", wrote)
	}
	for _, p := range []string{"spool/sources", "mentionwatch.linkkey"} {
		if _, ok := after[filepath.Join("state", p)]; !ok {
			t.Errorf("state/%s missing: the config's paths were not used", p)
		}
	}
	if !strings.Contains(stderr.String(), "mentionwatch running") {
		t.Errorf("no start line in the log:\n%s", stderr.String())
	}
}

// loopbackAddr returns a loopback address that was free a moment ago.
func loopbackAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

type fileInfo struct {
	mode    fs.FileMode
	size    int64
	modTime time.Time
	uid     uint32
}

// snapshotTree maps every path under root (relative) to its mode, size,
// modification time and owner.
func snapshotTree(t *testing.T, root string) map[string]fileInfo {
	t.Helper()
	out := map[string]fileInfo{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fi := fileInfo{mode: info.Mode(), size: info.Size(), modTime: info.ModTime()}
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			fi.uid = st.Uid
		}
		out[rel] = fi
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, mode); err != nil {
		t.Fatal(err)
	}
}

func get(url string) ([]byte, error) {
	c := &http.Client{Timeout: 5 * time.Second}
	res, err := c.Get(url)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, res.Status)
	}
	return b, nil
}

// metricValue sums the samples of name (any labels) in a text exposition.
func metricValue(exposition []byte, name string) (float64, bool) {
	sum, found := 0.0, false
	sc := bufio.NewScanner(bytes.NewReader(exposition))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name) {
			continue
		}
		rest := line[len(name):]
		if !strings.HasPrefix(rest, " ") && !strings.HasPrefix(rest, "{") {
			continue
		}
		f := strings.Fields(line)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			continue
		}
		sum, found = sum+v, true
	}
	return sum, found
}

// checkMetricsWithPromtool lints a /metrics scrape with `promtool check
// metrics` (Debian package prometheus). Without promtool it skips that
// part, except with CI=true, where .ci/run installs it.
func checkMetricsWithPromtool(t *testing.T, scrape []byte) {
	t.Helper()
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("promtool not installed (apt-get install prometheus); CI must run `promtool check metrics`")
		}
		t.Log("promtool not installed: skipping `promtool check metrics` (apt-get install prometheus)")
		return
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = bytes.NewReader(scrape)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s\nscrape:\n%s", err, out, scrape)
	}
}

// MENTIONWATCH_CONFIG names the config when -c is not given; -c wins over
// it; without either, ./config.yaml. A file it cannot read is named with
// where its path came from (before: the variable or the default was not
// said, so a variable left set in the shell was a puzzle).
func TestConfigFromEnvironment(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	if err := os.WriteFile(good, []byte(demo.ConfigYAML("http://127.0.0.1:1", filepath.Join(dir, "mw.db"))), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.yaml")
	run := func(env string, args ...string) (string, error) {
		cmd := exec.Command(bin, append([]string{"check-config"}, args...)...)
		cmd.Dir = dir // no config.yaml here
		cmd.Env = []string{"PATH=/usr/bin:/bin"}
		if env != "" {
			cmd.Env = append(cmd.Env, "MENTIONWATCH_CONFIG="+env)
		}
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	for _, c := range []struct {
		name, env string
		args      []string
		ok        bool
		mentions  string
		says      string // where the path came from, when it cannot be read
	}{
		{"variable", good, nil, true, good, ""},
		{"flag wins", missing, []string{"-c", good}, true, good, ""},
		{"flag wins when it is wrong", good, []string{"--config", missing}, false, missing, ""},
		{"variable names a missing file", missing, nil, false, missing, "the path is $MENTIONWATCH_CONFIG's (-c PATH reads another file)"},
		{"neither: ./config.yaml", "", nil, false, "config.yaml", "no -c PATH was given and $MENTIONWATCH_CONFIG is not set, so it tried ./config.yaml"},
	} {
		out, err := run(c.env, c.args...)
		if (err == nil) != c.ok || !strings.Contains(out, c.mentions) || !strings.Contains(out, c.says) {
			t.Errorf("%s: err %v, output:\n%s\nwant ok=%v, %q named and %q said", c.name, err, out, c.ok, c.mentions, c.says)
		}
	}
}

// compose.yaml's mentionwatch config passes check-config --strict with the
// variables compose sets, and its Alertmanager config passes amtool (Debian's
// prometheus-alertmanager, which .ci/run installs).
func TestComposeConfigs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	abs, err := filepath.Abs(filepath.Join("..", "..", "contrib", "compose", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "check-config", "--strict")
	cmd.Dir = t.TempDir()
	cmd.Env = []string{
		"MENTIONWATCH_CONFIG=" + abs,
		"MENTIONWATCH_CLICKHOUSE_DSN=clickhouse://mentionwatch:pw@clickhouse:9000/mentionwatch?compress=lz4",
		"MENTIONWATCH_WEB_TOKEN=0123456789abcdef0123456789abcdef",
		"SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T0/B0/x",
	}
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "store: clickhouse") {
		t.Errorf("check-config --strict on contrib/compose/config.yaml: %v\n%s", err, out)
	}

	amtool, err := exec.LookPath("amtool")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("amtool not installed (apt-get install prometheus-alertmanager)")
		}
		t.Skip("amtool not installed (apt-get install prometheus-alertmanager)")
	}
	if out, err := exec.Command(amtool, "check-config", filepath.Join("..", "..", "contrib", "compose", "alertmanager.yml")).CombinedOutput(); err != nil {
		t.Errorf("amtool check-config contrib/compose/alertmanager.yml: %v\n%s", err, out)
	}
}
