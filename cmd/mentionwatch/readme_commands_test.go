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
	out := map[string]bool{}
	for _, cell := range readmeFirstCells(t, "\n| command | what it does |\n", "\n\n") {
		for _, m := range cell {
			var path []string
			alts := []string{""}
			for _, w := range strings.Fields(strings.ReplaceAll(m, `\|`, "/")) {
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

// readmeFirstCells are the backquoted texts in the first cell of each row
// of the README's table that follows start, up to end.
func readmeFirstCells(t *testing.T, start, end string) [][]string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(b), start)
	if !ok {
		t.Fatalf("README.md has no %q", strings.TrimSpace(start))
	}
	table, _, _ = strings.Cut(table, end)
	var out [][]string
	for _, line := range strings.Split(table, "\n") {
		// A \| inside a cell is not a column.
		cells := strings.Split(strings.ReplaceAll(line, `\|`, "\x00"), "|")
		if len(cells) < 3 || !strings.Contains(cells[1], "`") {
			continue
		}
		var row []string
		for _, m := range readmeTick.FindAllStringSubmatch(cells[1], -1) {
			row = append(row, strings.ReplaceAll(m[1], "\x00", `\|`))
		}
		out = append(out, row)
	}
	return out
}

var readmeTick = regexp.MustCompile("`([^`]+)`")

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
