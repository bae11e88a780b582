package main

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	mw "github.com/mentionwatch/mentionwatch"
)

// docBlock is a fenced code block of a document: its language (after the
// opening ```), its text without the indent common to its lines, and
// where it starts ("docs/SOURCES.md:13").
type docBlock struct {
	where, lang, text string
}

// docFiles are the documents users read: README.md and docs/*.md.
func docFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../../docs/*.md")
	if err != nil || len(files) < 5 {
		t.Fatalf("docs/*.md: %v (found %d)", err, len(files))
	}
	// BENCHMARKS.md records past measurements with the commands of
	// their time.
	files = slices.DeleteFunc(files, func(f string) bool { return strings.HasSuffix(f, "/BENCHMARKS.md") })
	return append([]string{"../../README.md"}, files...)
}

// docBlocks are the fenced code blocks of the documents.
func docBlocks(t *testing.T) []docBlock {
	t.Helper()
	var out []docBlock
	for _, f := range docFiles(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(f, "../../")
		var cur *docBlock
		var lines []string
		for i, line := range strings.Split(string(b), "\n") {
			trimmed := strings.TrimSpace(line)
			if !strings.HasPrefix(trimmed, "```") {
				if cur != nil {
					lines = append(lines, line)
				}
				continue
			}
			if cur == nil {
				cur = &docBlock{where: fmt.Sprintf("%s:%d", name, i+1), lang: strings.TrimPrefix(trimmed, "```")}
				lines = nil
				continue
			}
			cur.text = dedent(lines)
			out = append(out, *cur)
			cur = nil
		}
		if cur != nil {
			t.Errorf("%s: code block never closed", cur.where)
		}
	}
	return out
}

// dedent removes the indent common to the non-blank lines.
func dedent(lines []string) string {
	indent := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " \t"))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	var b strings.Builder
	for _, l := range lines {
		if len(l) >= indent && indent > 0 {
			l = l[indent:]
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}

// docSnippetWrong marks, on a block's first line, a snippet the doc shows
// as a mistake; the test skips it.
const docSnippetWrong = "# wrong:"

// docConfigBase completes a config fragment: whatever top-level key (or
// notifier) the snippet does not set comes from here. Every notifier is
// configured so that a routing snippet may name any of them.
const docConfigBase = `
brands:
  - name: Acme
    keywords: [acme]
sources:
  - name: base-feed
    type: rss
    url: https://example.com/feed.xml
notifiers:
  slack:
    webhook_url: https://hooks.slack.com/services/T000/B000/XXXX
  webhook:
    url: https://example.com/hook
  telegram:
    bot_token: "123456:ABCdefGHIjklMNOpqrSTUvwxYZ"
    chat_id: "-1001234567890"
  teams:
    webhook_url: https://example.com/teams
  alertmanager:
    url: http://127.0.0.1:9093
  whatsapp:
    phone_number_id: "106540352242922"
    access_token: docs-test-token
    to: ["6281234567890"]
    template: mention_alert
    language: id
  email:
    host: smtp.example.com
    security: starttls
    username: alerts@example.com
    password: docs-test-password
    from: "mentionwatch <alerts@example.com>"
    to: [care@example.com]
`

// docEnv gives every ${VAR} a doc names a value of its kind.
func docEnv(name string) (string, bool) {
	switch {
	case strings.HasSuffix(name, "_DSN"):
		return "clickhouse://127.0.0.1:9000/mentionwatch", true
	case strings.HasSuffix(name, "_URL"):
		return "https://example.com/" + strings.ToLower(name), true
	}
	return "docs-test-" + strings.ToLower(strings.ReplaceAll(name, "_", "-")) + "-0123456789abcdef", true
}

// docPlaceholder is a port written as a name ("127.0.0.1:FEEDS", "TCP_1A")
// in a doc that describes a generated config.
var docPlaceholder = regexp.MustCompile(`:[A-Z][A-Z0-9_]*\b`)

// configTopKeys are the config's top-level keys.
func configTopKeys() []string {
	var keys []string
	t := reflect.TypeOf(mw.Config{})
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}

// docConfigSnippet turns a yaml block into a whole config, or says why it
// is not a config snippet. A list of items with a type: is a list of
// sources.
func docConfigSnippet(text string, tagged bool) (doc *yaml.Node, isConfig bool, err error) {
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(text), &n); err != nil {
		return nil, tagged, fmt.Errorf("not YAML: %w", err)
	}
	if len(n.Content) == 0 {
		return nil, false, nil
	}
	root := n.Content[0]
	switch root.Kind {
	case yaml.SequenceNode:
		if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode || mappingValueOf(root.Content[0], "type") == nil {
			return nil, false, nil
		}
		root = &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "sources"}, root}}
	case yaml.MappingNode:
		top := configTopKeys()
		for i := 0; i < len(root.Content); i += 2 {
			if !slices.Contains(top, root.Content[i].Value) {
				// Not a mentionwatch config (say, a compose file), or a
				// misspelt key: a doc's config snippets start with a key
				// the config has, so say which.
				if i == 0 {
					return nil, false, nil
				}
				return nil, true, fmt.Errorf("top-level key %q is not a config key (keys: %s)", root.Content[i].Value, strings.Join(top, ", "))
			}
		}
	default:
		return nil, false, nil
	}
	var base yaml.Node
	if err := yaml.Unmarshal([]byte(docConfigBase), &base); err != nil {
		return nil, true, err
	}
	// Coordination needs a shared store: a coordination fragment is
	// shown beside the store's.
	if mappingValueOf(root, "coordination") != nil && mappingValueOf(root, "store") == nil {
		var st yaml.Node
		if err := yaml.Unmarshal([]byte("store: {type: clickhouse, dsn: 'clickhouse://127.0.0.1:9000/mentionwatch'}"), &st); err != nil {
			return nil, true, err
		}
		mergeMissing(root, st.Content[0])
	}
	mergeMissing(root, base.Content[0])
	return root, true, nil
}

func mappingValueOf(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// mergeMissing adds to dst the keys of src it lacks, in mappings at any
// depth; a list in dst stays as it is.
func mergeMissing(dst, src *yaml.Node) {
	for i := 0; i+1 < len(src.Content); i += 2 {
		k, v := src.Content[i], src.Content[i+1]
		have := mappingValueOf(dst, k.Value)
		switch {
		case have == nil:
			dst.Content = append(dst.Content, k, v)
		case have.Kind == yaml.MappingNode && v.Kind == yaml.MappingNode:
			mergeMissing(have, v)
		}
	}
}

// checkDocConfig loads a config as check-config does.
func checkDocConfig(where string, data []byte) error {
	cfg, err := mw.ParseConfig(where, data, docEnv)
	if err != nil {
		return err
	}
	if len(cfg.Warnings) > 0 {
		return fmt.Errorf("warnings: %s", strings.Join(cfg.Warnings, "; "))
	}
	if err := checkSilences(cfg); err != nil {
		return err
	}
	_, _, _, err = buildFromConfig(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return err
}

// TestDocConfigSnippetsLoad: every config or config fragment that
// README.md and docs/*.md show loads through the config loader and the
// checks of check-config (a fragment completed with a brand, a source and
// every notifier), so a user who copies one gets no "unknown key" or
// rejected value. A block that shows a mistake on purpose starts with
// "# wrong:".
func TestDocConfigSnippetsLoad(t *testing.T) {
	checked := 0
	for _, b := range docBlocks(t) {
		if b.lang != "yaml" && b.lang != "yml" && b.lang != "" {
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(b.text), docSnippetWrong) {
			continue
		}
		text := docPlaceholder.ReplaceAllString(b.text, ":19999")
		doc, isConfig, err := docConfigSnippet(text, b.lang != "")
		if !isConfig {
			if b.lang != "" {
				t.Errorf("%s: a yaml block that is not a config snippet (start it with %q if it shows a mistake)", b.where, docSnippetWrong)
			}
			continue
		}
		if web := mappingValueOf(doc, "web"); err == nil && web != nil && mappingValueOf(web, "tls_cert") != nil {
			// The doc's paths are the server's: use a certificate that loads.
			cert, key := docTLSFiles(t)
			mappingValueOf(web, "tls_cert").Value, mappingValueOf(web, "tls_key").Value = cert, key
		}
		if err == nil {
			var data []byte
			if data, err = yaml.Marshal(doc); err == nil {
				err = checkDocConfig(b.where, data)
			}
		}
		if err != nil {
			t.Errorf("%s: the config snippet does not load: %v\n%s", b.where, err, b.text)
		}
		checked++
	}
	t.Logf("%d config snippets checked", checked)
	if checked < 15 {
		t.Errorf("checked only %d config snippets; is the extraction broken?", checked)
	}
}

// docTLSFiles writes the certificate and key of an httptest TLS server.
func docTLSFiles(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	srv := httptest.NewTLSServer(nil)
	defer srv.Close()
	c := srv.TLS.Certificates[0]
	der, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "fullchain.pem"), filepath.Join(dir, "privkey.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate[0]}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// docCommandLine finds a mentionwatch command line: after "mentionwatch",
// "bin/mentionwatch" or "go run ./cmd/mentionwatch", up to a comment, a
// pipe or the next command.
var docCommandLine = regexp.MustCompile(`(?:^|[|;&]\s*|\$\(\s*)(?:sudo\s+)?(?:\S*/)?(?:go run \./cmd/)?mentionwatch\s+([^#;&>|]*)`)

// docInlineCommand is a backquoted `mentionwatch ...` in prose.
var docInlineCommand = regexp.MustCompile("`(?:bin/)?mentionwatch ([^`]+)`")

// docCommand is a command line a doc shows, and where; inline is a
// backquoted one in prose, which may name a command without its
// arguments ("`mentionwatch user add` asks for the password").
type docCommand struct {
	where, line string
	inline      bool
}

// docCommands are the mentionwatch command lines the docs show: in sh
// blocks, and backquoted in prose (where "a|b" offers alternatives).
func docCommands(t *testing.T) (cmds []docCommand) {
	t.Helper()
	for _, b := range docBlocks(t) {
		if b.lang != "sh" && b.lang != "bash" && b.lang != "console" && b.lang != "shell" && b.lang != "" {
			continue
		}
		for i, line := range strings.Split(b.text, "\n") {
			// A shell line naming the config file or the binary is not a command.
			for _, m := range docCommandLine.FindAllStringSubmatch(line, -1) {
				if strings.HasPrefix(m[1], "/") || strings.HasPrefix(m[1], ".") {
					continue
				}
				where := b.where + fmt.Sprintf(" (line %d)", i+1)
				cmds = append(cmds, docCommand{where, strings.TrimSpace(m[1]), false})
			}
		}
	}
	for _, f := range docFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			for _, m := range docInlineCommand.FindAllStringSubmatch(line, -1) {
				where := fmt.Sprintf("%s:%d", strings.TrimPrefix(f, "../../"), i+1)
				words := strings.Fields(strings.ReplaceAll(m[1], `\|`, "|"))
				// "eval sentiment|stage|aspects --data X" is three commands.
				alt := -1
				for j, w := range words {
					if !strings.HasPrefix(w, "-") && strings.Contains(w, "|") {
						alt = j
						break
					}
				}
				if alt < 0 {
					cmds = append(cmds, docCommand{where, strings.Join(words, " "), true})
					continue
				}
				for _, a := range strings.Split(words[alt], "|") {
					w := slices.Clone(words)
					w[alt] = a
					cmds = append(cmds, docCommand{where, strings.Join(w, " "), true})
				}
			}
		}
	}
	return cmds
}

// docPlaceholderArg is an argument that stands for one: NAME, <name>, [--source NAME].
var docPlaceholderArg = regexp.MustCompile(`^(<[^>]+>|\[.*|[A-Z][A-Z_]*|\.\.\.)$`)

// checkDocCommand says what is wrong with a command line: an unknown
// command, flag, or an argument count the command refuses.
func checkDocCommand(dc docCommand) error {
	line := dc.line
	words := strings.Fields(line)
	c, rest, err := rootCmd.Find(words)
	if err != nil {
		return err
	}
	if c == rootCmd {
		return fmt.Errorf("%q is not a command", line)
	}
	if c.HasAvailableSubCommands() && !c.Runnable() {
		return fmt.Errorf("%q names a group, not a command (its commands: %s)", line, commandNames(c))
	}
	var args []string
	placeholder := false
	for i := 0; i < len(rest); i++ {
		w := rest[i]
		if strings.HasPrefix(w, "[") {
			// [--source NAME]: optional, checked without the brackets.
			placeholder = true
			w = strings.TrimLeft(w, "[")
		}
		w = strings.TrimRight(w, "]")
		if !strings.HasPrefix(w, "-") || w == "-" {
			if docPlaceholderArg.MatchString(rest[i]) {
				placeholder = true
			}
			args = append(args, w)
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(w, "-"), "=")
		var f *pflag.Flag
		if strings.HasPrefix(w, "--") {
			f = c.Flags().Lookup(name)
			if f == nil {
				f = c.InheritedFlags().Lookup(name)
			}
		} else if len(name) == 1 {
			f = c.Flags().ShorthandLookup(name)
			if f == nil {
				f = c.InheritedFlags().ShorthandLookup(name)
			}
		}
		if f == nil {
			return fmt.Errorf("%q: %s has no flag %s", line, c.CommandPath(), w)
		}
		if f.Value.Type() != "bool" && !hasValue {
			i++ // its value
			if i < len(rest) && docPlaceholderArg.MatchString(rest[i]) {
				placeholder = true
			}
		}
	}
	if dc.inline && len(rest) == 0 {
		return nil // names the command
	}
	if !placeholder && c.Args != nil {
		if err := c.Args(c, args); err != nil {
			return fmt.Errorf("%q: %w", line, err)
		}
	}
	return nil
}

func commandNames(c *cobra.Command) string {
	var names []string
	for _, s := range c.Commands() {
		if s.IsAvailableCommand() {
			names = append(names, s.Name())
		}
	}
	return strings.Join(names, ", ")
}

// TestDocCommandsExist: every `mentionwatch ...` command line README.md
// and docs/*.md show, in shell blocks and in prose, names a command the
// binary has, flags that command takes, and arguments it accepts.
func TestDocCommandsExist(t *testing.T) {
	cmds := docCommands(t)
	if len(cmds) < 30 {
		t.Fatalf("found only %d command lines in the docs; is the extraction broken?", len(cmds))
	}
	t.Logf("%d command lines checked", len(cmds))
	for _, c := range cmds {
		if err := checkDocCommand(c); err != nil {
			t.Errorf("%s: %v", c.where, err)
		}
	}
}
