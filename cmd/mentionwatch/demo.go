package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
	"github.com/mentionwatch/mentionwatch/internal/demo"
	"github.com/mentionwatch/mentionwatch/store"
)

func init() {
	var dbPath string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "See the whole loop with no server and no network",
		Long: "Demo starts a local server with a day of sample English and Indonesian mentions of the\n" +
			"brand Acme (with a burst of late-delivery complaints three hours ago), collects them,\n" +
			"scores them, stores them in an embedded database and replays the day through the alert\n" +
			"loop. Alerts go to a local Slack receiver, or to $SLACK_WEBHOOK_URL when it is set.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), cmd.OutOrStdout(), dbPath)
		},
	}
	cmd.Flags().StringVar(&dbPath, "db", "", "keep the demo database at this path (default: a temporary file)")
	rootCmd.AddCommand(cmd)
}

// slackReceiver stands in for Slack: it records every message posted.
type slackReceiver struct {
	mu   sync.Mutex
	msgs []string
}

func (s *slackReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.mu.Lock()
	s.msgs = append(s.msgs, string(body))
	s.mu.Unlock()
	w.Write([]byte("ok"))
}

func runDemo(ctx context.Context, out io.Writer, dbPath string) error {
	now := time.Now().UTC()
	posts := demo.Posts(now)
	feeds := httptest.NewServer(demo.Handler(func() time.Time { return now }, posts))
	defer feeds.Close()

	dir, err := os.MkdirTemp("", "mentionwatch-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if dbPath == "" {
		dbPath = filepath.Join(dir, "demo.db")
	}
	cfg, err := mw.ParseConfig("demo.yaml", []byte(demo.ConfigYAML(feeds.URL, dbPath)), os.LookupEnv)
	if err != nil {
		return fmt.Errorf("demo config: %w", err)
	}
	cfg.Store.SpoolDir = filepath.Join(dir, "spool")
	receiver := &slackReceiver{}
	if url := os.Getenv("SLACK_WEBHOOK_URL"); url != "" {
		cfg.Notifiers.Slack = &mw.SlackConfig{WebhookURL: mw.Secret(url)}
		fmt.Fprintln(out, "demo: posting alerts to $SLACK_WEBHOOK_URL")
	} else {
		slack := httptest.NewServer(receiver)
		defer slack.Close()
		cfg.Notifiers.Slack = &mw.SlackConfig{WebhookURL: mw.Secret(slack.URL + "/services/T000/B000/demo")}
	}
	log := newLogger(mw.LogConfig{Level: "warn"})

	fmt.Fprintf(out, "demo: serving %d sample mentions at %s (burst of %d delivery complaints from %s)\n",
		len(posts), feeds.URL, demo.BurstPosts, demo.BurstStart(now).Format("15:04 MST"))
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.close()

	// Collect every source once, as `collect --once` does.
	sched := a.scheduler()
	// The demo replays the alert loop over the day below, not live.
	sched.Sink = func(ctx context.Context, src *collectors.Source, items []mw.Mention) error {
		_, err := a.persist(ctx, src, items)
		return err
	}
	for _, s := range a.sources {
		res := sched.RunOnce(ctx, s)
		if res.Err != nil {
			return fmt.Errorf("demo source %s: %w", s.Config.Name, res.Err)
		}
		fmt.Fprintf(out, "demo: %-15s collected %d items\n", s.Config.Name, res.Items)
	}
	if err := a.writer.Flush(ctx); err != nil {
		return err
	}
	mentions, err := a.store.Mentions(ctx, store.MentionQuery{From: now.Add(-demo.History - time.Hour), To: now.Add(time.Minute), Limit: 100000})
	if err != nil {
		return fmt.Errorf("reading back mentions: %w", err)
	}
	labels := map[mw.Label]int{}
	langs := map[string]int{}
	for _, m := range mentions {
		labels[m.Label]++
		langs[m.Lang]++
	}
	fmt.Fprintf(out, "demo: stored %d mentions: %d negative, %d neutral, %d positive; languages %v\n",
		len(mentions), labels[mw.Negative], labels[mw.Neutral], labels[mw.Positive], langs)
	explainCounts(out, a.collected.Load(), mentions)

	// Replay the day through the alert loop, bucket by bucket, with a fresh
	// loop that has not seen the stored mentions yet.
	sort.Slice(mentions, func(i, j int) bool { return mentions[i].Published.Before(mentions[j].Published) })
	bucket := cfg.Alerts.Bucket.Or(5 * time.Minute)
	start := now.Add(-demo.History).Truncate(bucket)
	i := 0
	for t := start.Add(bucket); !t.After(now.Add(bucket)); t = t.Add(bucket) {
		var batch []mw.Mention
		for i < len(mentions) && mentions[i].Published.Before(t) {
			batch = append(batch, mentions[i])
			i++
		}
		a.alerts.Observe(batch)
		if err := a.alerts.Tick(ctx, t); err != nil {
			return fmt.Errorf("alert loop at %s: %w", t.Format(time.RFC3339), err)
		}
	}
	all, err := a.store.Alerts(ctx, store.AlertQuery{Limit: 1000})
	if err != nil {
		return fmt.Errorf("reading alerts: %w", err)
	}
	for _, al := range all {
		fmt.Fprintf(out, "demo: alert %s %s %s/%s at %s: %s\n", al.State, al.Kind, al.Brand, al.Scope, al.StartedAt.Format("15:04"), al.Summary)
	}
	receiver.mu.Lock()
	if n := len(receiver.msgs); n > 0 {
		fmt.Fprintf(out, "demo: the local Slack receiver got %d message(s); the first one:\n%s\n", n, indent(receiver.msgs[0]))
	}
	receiver.mu.Unlock()
	fmt.Fprintf(out, "demo: collected=%d stored=%d alerts=%d\n", a.collected.Load(), len(mentions), len(all))
	if len(all) == 0 {
		return errors.New("demo: no alert fired; the detector missed the burst")
	}
	return nil
}

func indent(s string) string {
	if len(s) > 1500 {
		s = s[:1500] + "…"
	}
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}

// explainCounts says why the stored count differs from the collected one:
// an item is stored once per brand it names (a brand and its competitor
// make two mentions), and an item naming no brand is not stored.
func explainCounts(out io.Writer, collected int64, mentions []mw.Mention) {
	perItem := map[[2]string]int{}
	perBrand := map[string]int{}
	for _, m := range mentions {
		perItem[[2]string{m.Source, m.NativeID}]++
		perBrand[m.Brand]++
	}
	multi := 0
	for _, n := range perItem {
		if n > 1 {
			multi++
		}
	}
	brands := make([]string, 0, len(perBrand))
	for b, n := range perBrand {
		brands = append(brands, fmt.Sprintf("%s %d", b, n))
	}
	sort.Strings(brands)
	fmt.Fprintf(out, "demo: %d mentions from %d items: an item is stored as one mention per brand it names (%s)\n",
		len(mentions), collected, strings.Join(brands, ", "))
	fmt.Fprintf(out, "demo: %d items named both a brand and its competitor; %d named no brand and were not stored\n",
		multi, max(collected-int64(len(perItem)), 0))
}
