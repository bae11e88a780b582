package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/alerts/notify"
	"github.com/mentionwatch/mentionwatch/alerts/notify/email"
	"github.com/mentionwatch/mentionwatch/digest"
)

func init() {
	var brand, period, end, to, format, send string
	cmd := &cobra.Command{
		Use:   "digest [--brand X] [--period day|week] [--to FILE.html] [--format html|text|slack|telegram] [--send RECEIVERS]",
		Short: "Write a brand's daily or weekly digest to a file (or stdout), or send it now",
		Long: "digest builds the summary that `run` sends on the digests: schedule (docs/DIGESTS.md): volume and\n" +
			"sentiment against the previous period, negatives by stage of the customer journey, aspects, share\n" +
			"of voice, the top negative mentions, alerts and time to first response. The period ends at local\n" +
			"midnight (timezone:) of --end's day: yesterday, or the seven days before.\n" +
			"--to FILE writes the HTML with its charts embedded; --send email,slack,lead@example.com sends it.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			log := newLogger(cfg.Log)
			p, err := digest.ParsePeriod(period)
			if err != nil {
				return err
			}
			b, err := digestBrand(cfg, brand)
			if err != nil {
				return err
			}
			loc := cfg.Location()
			endAt := time.Now()
			if end != "" {
				d, err := time.Parse("2006-01-02", end)
				if err != nil {
					return fmt.Errorf("--end %q: want a date such as 2026-11-30 (the period ends at its midnight, %s)", end, loc)
				}
				// Noon of the date: its midnight may be skipped
				// (Santiago), and time.Date takes it as the day before.
				endAt = time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, loc)
			}
			switch format {
			case "html", "text", "slack", "telegram":
			default:
				return fmt.Errorf("--format %q: want html, text, slack or telegram", format)
			}
			var deliver digest.Deliver
			var receivers []string
			if send != "" {
				receivers = strings.Split(send, ",")
				if deliver, err = newDigestDeliver(cmd.Context(), cfg, receivers, log); err != nil {
					return err
				}
			}
			st, err := openStore(cmd.Context(), cfg, log)
			if err != nil {
				return err
			}
			defer st.Close()
			r, err := digest.Build(cmd.Context(), st, digest.Options{Brand: b, Period: p, End: endAt, Location: loc,
				Dashboard: cfg.Alerts.DashboardURL, AlertBucket: cfg.Alerts.Bucket.Or(5 * time.Minute)})
			if err != nil {
				return err
			}
			// Every receiver is tried: one that fails does not keep the
			// digest from the others, nor from --to.
			var failed []error
			if len(receivers) > 0 {
				d, err := digest.Render(r)
				if err != nil {
					return err
				}
				for _, rc := range receivers {
					rc = strings.TrimSpace(rc)
					if err := deliver(cmd.Context(), rc, d); err != nil {
						failed = append(failed, fmt.Errorf("sending the digest to %s: %w", rc, err))
						continue
					}
					fmt.Fprintf(cmd.ErrOrStderr(), "sent %q to %s\n", d.Subject, rc)
				}
			}
			if send == "" || to != "" {
				if err := writeDigest(cmd.OutOrStdout(), r, format, to); err != nil {
					failed = append(failed, err)
				}
			}
			return errors.Join(failed...)
		},
	}
	cmd.Flags().StringVar(&brand, "brand", "", "brand (default: the first configured)")
	cmd.Flags().StringVar(&period, "period", "week", "day (daily) or week (weekly)")
	cmd.Flags().StringVar(&end, "end", "", "date the period ends at (local midnight), e.g. 2026-11-30; default today")
	cmd.Flags().StringVar(&to, "to", "", "file to write; default stdout")
	cmd.Flags().StringVar(&format, "format", "html", "html (charts embedded), text, slack (mrkdwn) or telegram (HTML messages)")
	cmd.Flags().StringVar(&send, "send", "", "also send it now to these receivers (comma-separated: email, slack, telegram, mail addresses)")
	rootCmd.AddCommand(cmd)
}

// digestBrand returns the configured brand named name (the first when "").
func digestBrand(cfg *mw.Config, name string) (mw.Brand, error) {
	if name == "" {
		return cfg.Brands[0], nil
	}
	var names []string
	for _, b := range cfg.Brands {
		if b.Name == name {
			return b, nil
		}
		names = append(names, b.Name)
	}
	return mw.Brand{}, fmt.Errorf("unknown brand %q: the config has %s", name, strings.Join(names, ", "))
}

// writeDigest writes r in format to path, or to out when path is "" or "-".
func writeDigest(out io.Writer, r *digest.Report, format, path string) error {
	var s string
	switch format {
	case "html":
		var err error
		if s, err = digest.File(r); err != nil {
			return err
		}
	case "text":
		s = digest.Text(r)
	case "slack":
		s = digest.Slack(r) + "\n"
	case "telegram":
		s = strings.Join(digest.Telegram(r), "\n\n----- next message -----\n\n") + "\n"
	}
	if path == "" || path == "-" {
		_, err := io.WriteString(out, s)
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(s), 0o644); err != nil {
		return fmt.Errorf("writing the digest: %w (check that %s exists and is writable)", err, filepath.Dir(path))
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing the digest: %w", err)
	}
	return nil
}

// Channels a digest is delivered through.
type (
	mailer interface {
		SendMail(ctx context.Context, m email.Mail) error
	}
	partsPoster interface {
		PostParts(ctx context.Context, parts []string) error
	}
	htmlPoster interface {
		PostHTML(ctx context.Context, parts []string) error
	}
)

// newDigestDeliver builds the notifiers that receivers name (a mail
// address goes through notifiers.email) and returns the function that
// sends a digest to one of them: the mail with both parts and its charts
// inline, Slack mrkdwn, or Telegram HTML.
func newDigestDeliver(ctx context.Context, cfg *mw.Config, receivers []string, log *slog.Logger) (digest.Deliver, error) {
	chans := map[string]alerts.Notifier{}
	for _, to := range receivers {
		name := strings.TrimSpace(to)
		if mw.IsAddress(name) {
			name = "email"
		}
		if _, done := chans[name]; done {
			continue
		}
		if err := knownNotifier("digest --send", name); err != nil {
			return nil, fmt.Errorf("%w or a mail address", err)
		}
		n, err := notify.BuildOne(cfg, name, log, notify.Options{Presentation: alerts.PresentationFor(cfg, nil), Context: ctx})
		if err != nil {
			return nil, fmt.Errorf("digest receiver %s: %w", to, err)
		}
		if n == nil {
			return nil, fmt.Errorf("digest receiver %s: notifiers.%s configures nothing", to, name)
		}
		chans[name] = n
	}
	return func(ctx context.Context, to string, d *digest.Rendered) error {
		name, addr := to, ""
		if mw.IsAddress(to) {
			name, addr = "email", to
		}
		n, ok := chans[name]
		if !ok {
			return fmt.Errorf("digest receiver %s is not configured", to)
		}
		switch c := n.(type) {
		case mailer:
			m := email.Mail{Subject: d.Subject, Text: d.Text, HTML: d.HTML}
			if addr != "" {
				m.To = []string{addr}
			}
			for _, img := range d.Images {
				m.Inline = append(m.Inline, email.Inline{CID: img.CID(), Name: img.Name + ".png", PNG: img.PNG})
			}
			return c.SendMail(ctx, m)
		case partsPoster:
			return c.PostParts(ctx, digest.SlackParts(d.Slack))
		case htmlPoster:
			return c.PostHTML(ctx, d.Telegram)
		}
		return fmt.Errorf("digest receiver %s: notifier %s cannot send digests (use email, slack or telegram)", to, n.Name())
	}, nil
}

// digestEntries turns the config's digests: into scheduler entries.
func digestEntries(cfg *mw.Config) ([]digest.Entry, []string, error) {
	var out []digest.Entry
	var receivers []string
	for _, d := range cfg.Digests {
		b, err := digestBrand(cfg, d.Brand)
		if err != nil {
			return nil, nil, err
		}
		p, err := digest.ParsePeriod(d.Period)
		if err != nil {
			return nil, nil, err
		}
		h, m, err := d.Clock()
		if err != nil {
			return nil, nil, err
		}
		wd, err := d.Day()
		if err != nil {
			return nil, nil, err
		}
		out = append(out, digest.Entry{Brand: b, Period: p, Hour: h, Minute: m, Weekday: wd, To: d.To})
		receivers = append(receivers, d.To...)
	}
	return out, receivers, nil
}

// runDigests is the daemon's digest goroutine: it sends each configured
// digest at its local time (digest.Scheduler), checking every minute.
func (a *app) runDigests(ctx context.Context) error {
	s, err := a.digestScheduler(ctx)
	if err != nil {
		return err
	}
	return a.runDigestScheduler(ctx, s)
}

// digestScheduler builds the scheduler of the configured digests, nil
// without any. ctx ends when the program stops (the notifiers' lifetime).
func (a *app) digestScheduler(ctx context.Context) (*digest.Scheduler, error) {
	entries, receivers, err := digestEntries(a.cfg)
	if err != nil || len(entries) == 0 {
		return nil, err
	}
	deliver, err := newDigestDeliver(ctx, a.cfg, receivers, a.log)
	if err != nil {
		return nil, err
	}
	return &digest.Scheduler{Entries: entries, Store: a.store, Deliver: deliver, Location: a.cfg.Location(),
		Dashboard: a.cfg.Alerts.DashboardURL, AlertBucket: a.cfg.Alerts.Bucket.Or(5 * time.Minute), Log: a.log.With("part", "digests")}, nil
}

// runDigestScheduler runs s (nil: no digests) until ctx ends, checking
// every minute.
func (a *app) runDigestScheduler(ctx context.Context, s *digest.Scheduler) error {
	if s == nil {
		return nil
	}
	a.log.Info("digests scheduled", "digests", len(s.Entries), "timezone", a.cfg.Location().String())
	return s.Run(ctx, time.Now, time.Minute)
}

// printDigests lists the scheduled digests for check-config: "Acme weekly,
// Monday 08:30 Asia/Jakarta: the 7 days before -> slack, lead@example.com".
func printDigests(out io.Writer, cfg *mw.Config) {
	if len(cfg.Digests) == 0 {
		return
	}
	fmt.Fprintf(out, "digests: %d\n", len(cfg.Digests))
	for _, d := range cfg.Digests {
		h, m, _ := d.Clock()
		when, covers := fmt.Sprintf("daily %02d:%02d", h, m), "the day before"
		if d.Period == "weekly" {
			wd, _ := d.Day()
			when, covers = fmt.Sprintf("%s %02d:%02d", wd, h, m), "the 7 days before"
		}
		fmt.Fprintf(out, "  %s %s, %s %s: %s -> %s\n", d.Brand, d.Period, when, cfg.Location(), covers, strings.Join(d.To, ", "))
	}
}
