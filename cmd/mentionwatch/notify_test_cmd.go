package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/alerts/notify"
)

func init() {
	notifyCmd := &cobra.Command{Use: "notify", Short: "Alert channels: list them, send a test alert"}
	notifyCmd.AddCommand(&cobra.Command{
		Use:   "test <name>",
		Short: "Send a sample alert (with hostile mention text, to check escaping) to the configured notifier <name>",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			if err := knownNotifier("notify test", args[0]); err != nil {
				return err
			}
			log := newLogger(cfg.Log)
			links, err := linkSigner(cfg)
			if err != nil {
				return err
			}
			n, err := notify.BuildOne(cfg, args[0], log, notify.Options{Presentation: alerts.PresentationFor(cfg, links), Context: cmd.Context()})
			if err != nil {
				return err
			}
			if n == nil {
				return fmt.Errorf("notifiers.%s in %s configures nothing: fill in its keys (docs/ALERTS.md)", args[0], cfg.File)
			}
			sample := notify.Sample(time.Now(), cfg.Alerts.DashboardURL)
			if err := alerts.Deliver(cmd.Context(), n, sample, time.Minute, log); err != nil {
				return fmt.Errorf("sending the sample alert to %s: %w", n.Name(), err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "sent a sample alert to %s\n", n.Name())
			return nil
		},
	})
	notifyCmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List the alert channels a config may name under notifiers:, one per line",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			for _, n := range notify.Names() {
				fmt.Fprintln(cmd.OutOrStdout(), n)
			}
		},
	})
	rootCmd.AddCommand(notifyCmd)
}

// knownNotifier refuses a notifier name given on the command line that no
// channel has: the mistake is the command's, not the config's (which an
// unknown name under notifiers: would be, exit 2).
func knownNotifier(what, name string) error {
	if names := notify.Names(); !slices.Contains(names, name) {
		return fmt.Errorf("%s: no notifier %q: name one configured under notifiers: (%s; `mentionwatch notify list`)", what, name, strings.Join(names, ", "))
	}
	return nil
}
