package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// readmeCommands are the command paths the README's command table names:
// "collect" for `collect --once [--source NAME]`, "eval sentiment" and
// "eval stage" for `eval sentiment\|stage`.
func readmeCommands(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(b), "\n| command | what it does |\n")
	if !ok {
		t.Fatal("README.md has no command table")
	}
	table, _, _ = strings.Cut(table, "\n\n")
	tick := regexp.MustCompile("`([^`]+)`")
	out := map[string]bool{}
	for _, line := range strings.Split(table, "\n") {
		cells := strings.Split(strings.ReplaceAll(line, `\|`, "/"), "|")
		if len(cells) < 3 {
			continue
		}
		for _, m := range tick.FindAllStringSubmatch(cells[1], -1) {
			var path []string
			alts := []string{""}
			for _, w := range strings.Fields(m[1]) {
				if strings.HasPrefix(w, "-") || strings.HasPrefix(w, "[") || w == strings.ToUpper(w) {
					break
				}
				if strings.Contains(w, "/") {
					alts = strings.Split(w, "/")
					break
				}
				path = append(path, w)
			}
			for _, a := range alts {
				out[strings.TrimSpace(strings.Join(path, " ")+" "+a)] = true
			}
		}
	}
	return out
}

// TestReadmeListsEveryCommand: the README's command table names every
// command the binary has (before: `notify list|test` was missing), and
// only commands it has.
func TestReadmeListsEveryCommand(t *testing.T) {
	documented := readmeCommands(t)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if !sub.IsAvailableCommand() || sub.Name() == "help" || sub.Name() == "completion" {
				continue
			}
			if sub.HasAvailableSubCommands() {
				walk(sub)
				continue
			}
			path := strings.TrimPrefix(sub.CommandPath(), rootCmd.Name()+" ")
			if !documented[path] {
				t.Errorf("README's command table does not list %q", path)
			}
		}
	}
	walk(rootCmd)
	for path := range documented {
		if path == "" {
			continue
		}
		c, rest, err := rootCmd.Find(strings.Fields(path))
		if err != nil || len(rest) > 0 || c == rootCmd {
			t.Errorf("README's command table lists %q, which is not a command", path)
		}
	}
}
