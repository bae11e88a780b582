package web

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.yaml.in/yaml/v3"

	"github.com/mentionwatch/mentionwatch/coord"
	"github.com/mentionwatch/mentionwatch/store/writer"
)

// exportedSeries builds /metrics as the daemon does (store gauges, the
// writer's counters, run metrics with the alert loop, and a coordinator's
// gauges) and returns every series name it exports with its label names
// (a histogram's _bucket, _count and _sum series as scraped).
func exportedSeries(t *testing.T) map[string]map[string]bool {
	t.Helper()
	st := openStore(t)
	seed(t, st)
	runs := NewRunMetrics()
	runs.SetInterval("news", "rss", 15*time.Minute)
	runs.ObserveRun("news", "rss", 1, nil, time.Second)
	runs.ObserveLag("rss", testNow.Add(-time.Hour), testNow)
	runs.ObserveDelivery("slack", "spike", "firing", nil)
	runs.WatchAlertLoop(func() (AlertLoopStats, bool) { return AlertLoopStats{LastTick: testNow}, true })
	h, err := New(Options{Store: st, Brands: testBrands, Now: func() time.Time { return testNow }, Runs: runs,
		Counters:   func() Counters { return Counters{Writer: writer.Stats{SpoolBatches: 1, SpoolBytes: 10}} },
		Collectors: []prometheus.Collector{(&coord.Coordinator{}).Collector()}})
	if err != nil {
		t.Fatal(err)
	}
	w := do(t, h, "GET", "/metrics", nil)
	if w.Code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", w.Code, w.Body)
	}
	// Text exposition: `name{a="x",b="y"} value`; a label value is
	// quoted, with \" and \\ escaped.
	lineRe := regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? `)
	labelRe := regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*"`)
	out := map[string]map[string]bool{}
	for _, line := range strings.Split(w.Body.String(), "\n") {
		m := lineRe.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if out[m[1]] == nil {
			out[m[1]] = map[string]bool{}
		}
		for _, l := range labelRe.FindAllStringSubmatch(m[2], -1) {
			out[m[1]][l[1]] = true
		}
	}
	return out
}

// TestRulesReadExportedMetrics: every mentionwatch_* series the alerting
// rules in contrib/prometheus read is one /metrics exports, with every
// label the expression groups or matches by (or the summary shows), and
// every alert's runbook link points at a section of docs/OPERATIONS.md
// whose quoted log lines are ones the daemon logs. A renamed metric or
// label, or a runbook quoting a log line that is not there, leaves the
// on-call responder with a rule that never fires or a grep that finds
// nothing.
func TestRulesReadExportedMetrics(t *testing.T) {
	exported := exportedSeries(t)
	raw, err := os.ReadFile("../contrib/prometheus/mentionwatch.rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Groups []struct {
			Rules []struct {
				Alert       string            `yaml:"alert"`
				Expr        string            `yaml:"expr"`
				Annotations map[string]string `yaml:"annotations"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	ops, err := os.ReadFile("../docs/OPERATIONS.md")
	if err != nil {
		t.Fatal(err)
	}
	sections := markdownSections(string(ops))
	logged := daemonLogMessages(t)

	metricRe := regexp.MustCompile(`\bmentionwatch_[a-z0-9_]+\b`)
	groupRe := regexp.MustCompile(`\b(?:by|on|without|ignoring)\s*\(([^)]*)\)`)
	summaryRe := regexp.MustCompile(`\$labels\.([a-z_]+)`)
	logRe := regexp.MustCompile(`log line "([^"]+)"`)
	// Labels Prometheus adds to every scraped series.
	targetLabels := map[string]bool{"instance": true, "job": true}
	rules := 0
	for _, g := range file.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" {
				continue
			}
			rules++
			var labels []string
			for _, m := range groupRe.FindAllStringSubmatch(r.Expr, -1) {
				for _, l := range strings.Split(m[1], ",") {
					if l = strings.TrimSpace(l); l != "" && !targetLabels[l] {
						labels = append(labels, l)
					}
				}
			}
			for _, m := range summaryRe.FindAllStringSubmatch(r.Annotations["summary"], -1) {
				if !targetLabels[m[1]] {
					labels = append(labels, m[1])
				}
			}
			for _, name := range metricRe.FindAllString(r.Expr, -1) {
				have, ok := exported[name]
				if !ok {
					t.Errorf("%s reads %s, which /metrics does not export", r.Alert, name)
					continue
				}
				for _, l := range labels {
					if !have[l] {
						t.Errorf("%s uses label %q on %s, which has labels %v", r.Alert, l, name, keys(have))
					}
				}
			}
			runbook := r.Annotations["runbook"]
			anchor, ok := strings.CutPrefix(runbook, "docs/OPERATIONS.md#")
			if !ok {
				t.Errorf("%s: runbook %q is not a docs/OPERATIONS.md section", r.Alert, runbook)
				continue
			}
			text, ok := sections[anchor]
			if !ok {
				t.Errorf("%s: runbook %q: docs/OPERATIONS.md has no such section", r.Alert, runbook)
				continue
			}
			for _, m := range logRe.FindAllStringSubmatch(strings.Join(strings.Fields(text), " "), -1) {
				if !logged(m[1]) {
					t.Errorf("%s's runbook tells to look for the log line %q, which the daemon never logs", r.Alert, m[1])
				}
			}
		}
	}
	if rules == 0 {
		t.Fatal("no alerting rules read")
	}
}

// markdownSections maps each heading's GitHub anchor to its text.
func markdownSections(doc string) map[string]string {
	out := map[string]string{}
	anchor := ""
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "#") {
			title := strings.TrimSpace(strings.TrimLeft(line, "#"))
			anchor = strings.Join(strings.Fields(strings.ToLower(regexp.MustCompile(`[^\w\- ]`).ReplaceAllString(title, ""))), "-")
			out[anchor] = ""
			continue
		}
		if anchor != "" {
			out[anchor] += line + "\n"
		}
	}
	return out
}

// daemonLogMessages returns whether a text appears in a string literal of
// the project's non-test Go files (log messages are literals).
func daemonLogMessages(t *testing.T) func(string) bool {
	t.Helper()
	var src strings.Builder
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		src.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	all := src.String()
	return func(s string) bool { return strings.Contains(all, `"`+s) }
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
