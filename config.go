package mentionwatch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/mentionwatch/mentionwatch/internal/yamlstrict"
	"github.com/mentionwatch/mentionwatch/query"
)

// Config is the whole of config.yaml. Each area's section lives in its own
// file: config_store.go, config_alerts.go, config_web.go.
type Config struct {
	File string `yaml:"-"` // path it was loaded from, for error messages
	// Warnings are problems that do not stop the config from loading (an
	// unset ${VAR}, which turns its feature off), as "file:line: key: msg".
	// check-config prints them and fails on them with --strict.
	Warnings []string `yaml:"-"`

	// Timezone is the IANA zone times are shown in (config_time.go).
	Timezone string `yaml:"timezone"`

	Brands    []Brand         `yaml:"brands"`
	Sources   []SourceConfig  `yaml:"sources"`
	HTTP      HTTPConfig      `yaml:"http"`
	Store     StoreConfig     `yaml:"store"`
	Alerts    AlertsConfig    `yaml:"alerts"`
	Notifiers NotifiersConfig `yaml:"notifiers"`
	Web       WebConfig       `yaml:"web"`
	Log       LogConfig       `yaml:"log"`
	// Digests are scheduled summaries per brand (config_digests.go).
	Digests []DigestConfig `yaml:"digests"`
	// Coordination shares the work among several run processes
	// (config_coordination.go).
	Coordination CoordinationConfig `yaml:"coordination"`

	root *yaml.Node // the document, for KeyLine
}

// KeyLine is the line of a key path such as "alerts.routing.routes[0]" or
// "web.listen" in the file (of its deepest key the file has; 0 for none),
// for the checks made after loading to name the line they refuse.
func (c *Config) KeyLine(key string) int { return keyLine(c.root, key) }

// Brand is a tracked brand and the queries that find it.
type Brand struct {
	Name string `yaml:"name"`
	// Keywords: any of them matches. A multi-word keyword is a phrase;
	// "@handle" and "#hashtag" match those forms too. Matching folds case
	// and diacritics and respects word boundaries.
	Keywords []string `yaml:"keywords"`
	// Exclude: a text containing any of these is not a mention.
	Exclude []string `yaml:"exclude"`
	// Query is a boolean query (docs/QUERIES.md), instead of Keywords and
	// Exclude; those compile to "(k1 OR k2) NOT (e1 OR e2)".
	Query     string `yaml:"query"`
	QueryLine int    `yaml:"-"` // line of the query: key, for errors
	Line      int    `yaml:"-"` // line of the brand's item, for errors
	// Competitors are tracked like brands, for share of voice.
	Competitors []Competitor `yaml:"competitors"`
	// Languages the brand is discussed in (en, id); empty means any.
	Languages []string `yaml:"languages"`
	// Aspects adds or extends aspect keywords for this brand.
	Aspects map[string][]string `yaml:"aspects"`
}

// Competitor is a brand tracked for share of voice against its owner.
type Competitor struct {
	Name     string   `yaml:"name"`
	Keywords []string `yaml:"keywords"`
	Exclude  []string `yaml:"exclude"`
	// Query is a boolean query, as for Brand.
	Query     string `yaml:"query"`
	QueryLine int    `yaml:"-"`
}

// SourceConfig is one configured source. The keys beyond the common ones
// belong to the source's type and are decoded by the collector registry
// (collectors.Build), which checks them just as strictly.
type SourceConfig struct {
	Name     string   `yaml:"name"`
	Type     string   `yaml:"type"`
	Interval Duration `yaml:"interval"` // default 15m
	Brands   []string `yaml:"brands"`   // limit to these brands; empty = all
	Disabled bool     `yaml:"disabled"`

	Node *yaml.Node `yaml:"-" json:"-"` // the whole mapping, for the type's own keys: its secrets expanded, never printed
	Line int        `yaml:"-"`
}

// MinSourceInterval and MaxSourceInterval bound a source's interval.
const (
	MinSourceInterval = time.Second
	MaxSourceInterval = 30 * 24 * time.Hour
)

// SourceCommonKeys are the keys every source takes.
var SourceCommonKeys = []string{"name", "type", "interval", "brands", "disabled"}

// HTTPConfig tunes the polite HTTP client that collectors share.
type HTTPConfig struct {
	UserAgent      string   `yaml:"user_agent"`      // default "mentionwatch/1 (+https://github.com/mentionwatch/mentionwatch)"
	ConnectTimeout Duration `yaml:"connect_timeout"` // default 10s
	Timeout        Duration `yaml:"timeout"`         // whole request, default 30s
	MaxBodyBytes   int64    `yaml:"max_body_bytes"`  // default 10 MiB, after gzip too
	PerHostRPS     float64  `yaml:"per_host_rps"`    // default 1
	PerHostBurst   int      `yaml:"per_host_burst"`  // default 2
	RespectRobots  *bool    `yaml:"respect_robots"`  // default true (page scraping)
	AllowLoopback  bool     `yaml:"allow_loopback"`  // for tests and demo only
	AllowHosts     []string `yaml:"allow_hosts"`     // internal hosts, IPs or CIDRs collectors may reach (config_urls.go)
	RetryMax       int      `yaml:"retry_max"`       // in-run retries on 429/5xx, default 2 (0); negative: none
	RetryMaxWait   Duration `yaml:"retry_max_wait"`  // longest Retry-After honoured in-run, default 30s
}

// LogConfig sets logging.
type LogConfig struct {
	Level  string `yaml:"level"`  // debug | info | warn | error; default info
	Format string `yaml:"format"` // text | json; default text
}

// NotifiersConfig lists where alerts go.
type NotifiersConfig struct {
	Slack   *SlackConfig   `yaml:"slack"`
	Webhook *WebhookConfig `yaml:"webhook"`

	// Channels holds every other key (telegram, teams, alertmanager,
	// email...): each is a registered channel whose struct is its config,
	// decoded strictly by alerts/notify.Build. Keys are channel names.
	Channels map[string]*yaml.Node `yaml:"-"`
}

// SlackConfig posts alerts to Slack: an incoming webhook, or a bot token
// and channel.
type SlackConfig struct {
	WebhookURL Secret `yaml:"webhook_url"`
	BotToken   Secret `yaml:"bot_token"`
	Channel    string `yaml:"channel"`
	APIURL     string `yaml:"api_url"` // for tests; default Slack's
}

// WebhookConfig posts alerts as JSON, signed with HMAC-SHA256.
type WebhookConfig struct {
	URL    Secret `yaml:"url"`
	Secret Secret `yaml:"secret"`
	Header string `yaml:"header"` // default X-Mentionwatch-Signature
}

// Secret is a string that never prints: String, YAML, JSON and slog all
// show "<secret>". Use Value() where the real value is needed.
type Secret string

const secretMask = "<secret>"

// Value returns the secret itself.
func (s Secret) Value() string { return string(s) }

// String hides the secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return secretMask
}

// GoString hides the secret from %#v.
func (s Secret) GoString() string { return fmt.Sprintf("%q", s.String()) }

// MarshalYAML hides the secret.
func (s Secret) MarshalYAML() (any, error) { return s.String(), nil }

// MarshalJSON hides the secret.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// MarshalText hides the secret.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Format hides the secret from every fmt verb.
func (s Secret) Format(f fmt.State, _ rune) { fmt.Fprint(f, s.String()) }

// Duration is a time.Duration that reads "5m", "90s", "2h", "1d".
type Duration time.Duration

// D returns the time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// Or returns d, or def when d is zero.
func (d Duration) Or(def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return time.Duration(d)
}

// UnmarshalYAML reads a duration string. Negative durations are refused:
// no setting means anything by one. The error carries the value's line.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := parseConfigDuration(n.Value)
	if err != nil {
		return &yamlstrict.LineError{Line: n.Line, Err: err}
	}
	*d = Duration(v)
	return nil
}

// parseConfigDuration is ParseDuration without negative values.
func parseConfigDuration(s string) (time.Duration, error) {
	v, err := ParseDuration(s)
	if err != nil {
		return 0, err
	}
	if v < 0 {
		return 0, fmt.Errorf("duration %q is negative (use 90s, 5m, 2h or 1d)", s)
	}
	return v, nil
}

// MarshalYAML writes a duration string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// FormatDuration writes d as a config would ("30m", "1h30m", "90s", "2d"),
// not as Go's "30m0s" or "48h0m0s", for what the CLI and messages show
// of a setting.
func FormatDuration(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// maxDays is the longest "Nd" duration a time.Duration holds.
const maxDays = float64(math.MaxInt64) / float64(24*time.Hour)

// ParseDuration is time.ParseDuration plus a "d" (24h) unit ("1d", "1.5d";
// the "d" form stands alone, it does not combine with other units). A value
// that does not fit a time.Duration (about 292 years) is an error, as are
// NaN and infinities.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if num, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(num, 64)
		if err != nil || num == "" || strings.ContainsAny(num, "xXpPnNiI_") {
			return 0, fmt.Errorf("invalid duration %q (use 90s, 5m, 2h or 1d)", s)
		}
		if math.Abs(n) >= maxDays {
			return 0, fmt.Errorf("duration %q is too long (at most %.0fd)", s, math.Floor(maxDays))
		}
		return time.Duration(n * float64(24*time.Hour)), nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q (use 90s, 5m, 2h or 1d)", s)
	}
	return v, nil
}

// ConfigError names the file, line and key that are wrong.
type ConfigError struct {
	File string
	Line int
	Key  string
	Msg  string
}

func (e *ConfigError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Key != "" {
		return fmt.Sprintf("%s: %s: %s", loc, e.Key, e.Msg)
	}
	return fmt.Sprintf("%s: %s", loc, e.Msg)
}

// MaxConfigBytes is the largest config file LoadConfig reads. Real configs
// are a few KiB; the cap keeps `-c /dev/zero` from reading forever.
const MaxConfigBytes = 4 << 20

// LoadConfig reads, expands and strictly checks a config file.
func LoadConfig(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w (create one from the example config.yaml)", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("reading config: %s is a directory: give the config file's path, such as -c %s", path, filepath.Join(path, "config.yaml"))
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxConfigBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading config %s: %w", path, err)
	}
	if len(data) > MaxConfigBytes {
		return nil, &ConfigError{File: path, Msg: "larger than 4 MiB, so not a mentionwatch config; check the -c path"}
	}
	return ParseConfig(path, data, os.LookupEnv)
}

// ParseConfig parses config text. lookup resolves ${VAR} references. Errors
// about text that is not a config never quote the text: -c pointed at the
// wrong file (say /etc/shadow) must not print that file.
func ParseConfig(file string, data []byte, lookup func(string) (string, bool)) (*Config, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &ConfigError{File: file, Msg: "empty config"}
		}
		return nil, yamlSyntaxError(file, data, err)
	}
	if len(doc.Content) == 0 {
		return nil, &ConfigError{File: file, Msg: "empty config"}
	}
	if err := checkOneDocument(file, data, dec); err != nil {
		return nil, err
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &ConfigError{File: file, Line: root.Line, Msg: "not a mentionwatch config: expected a YAML mapping of keys (brands:, sources:, ...); check the -c path"}
	}
	var unset []envWarning
	if err := expandEnv(file, root, "", lookup, &unset); err != nil {
		return nil, err
	}
	cfg := &Config{File: file, root: root}
	if err := DecodeStrict(file, root, cfg); err != nil {
		return nil, err
	}
	// Keep each source's node for its type's own keys.
	if srcs := mappingValue(root, "sources"); srcs != nil {
		for i, n := range srcs.Content {
			if i < len(cfg.Sources) {
				cfg.Sources[i].Node = n
				cfg.Sources[i].Line = n.Line
			}
		}
	}
	cfg.Notifiers.Channels = notifierChannels(mappingValue(root, "notifiers"))
	setQueryLines(cfg, mappingValue(root, "brands"))
	setDigestLines(cfg, mappingValue(root, "digests"))
	if err := cfg.validate(); err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) && ce.Line == 0 && ce.Key != "" {
			ce.Line = keyLine(root, ce.Key)
		}
		return nil, err
	}
	// A disabled source's unset variable is expected (the example config
	// ships one), not a warning.
	for _, w := range unset {
		off := false
		for _, s := range cfg.Sources {
			off = off || (s.Disabled && strings.HasPrefix(w.path, ".sources["+s.Name+"]."))
		}
		if !off {
			cfg.Warnings = append(cfg.Warnings, w.msg)
		}
	}
	return cfg, nil
}

// checkOneDocument refuses a second YAML document after the first (a
// "---" line followed by keys): it would be read by nothing, so its
// settings would be silently ignored. Empty documents (a trailing "---")
// and syntax errors in later documents are reported too.
func checkOneDocument(file string, data []byte, dec *yaml.Decoder) error {
	for {
		var next yaml.Node
		err := dec.Decode(&next)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return yamlSyntaxError(file, data, err)
		}
		if len(next.Content) > 0 && next.Content[0].Tag != "!!null" {
			return &ConfigError{File: file, Line: next.Line, Msg: "a second YAML document starts here (---): mentionwatch reads only the first, " +
				"so its settings would be ignored; merge them into the first document and remove the ---"}
		}
	}
}

// yamlParserProblems are the problems yaml.v3's parser (not its scanner)
// reports; true marks those of a [ ] or { } collection. The parser gives
// their line counting from 0 (and leaves it out on the first line), where
// the scanner counts from 1: yamlSyntaxError corrects it. The line is that
// of the construct being parsed, or of the problem.
var yamlParserProblems = map[string]bool{
	"did not find expected ',' or '}'":       true,
	"did not find expected ',' or ']'":       true,
	"did not find expected key":              false,
	"did not find expected '-' indicator":    false,
	"did not find expected node content":     false,
	"found undefined tag handle":             false,
	"did not find expected <document start>": false,
}

var yamlErrLine = regexp.MustCompile(`^line (\d+): (.*)$`)

// yamlSyntaxError is a YAML syntax error as a ConfigError at its 1-based
// line. It never quotes the file's text.
func yamlSyntaxError(file string, data []byte, err error) *ConfigError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlErrLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	flow, parser := yamlParserProblems[msg]
	if !parser {
		if msg == "found character that cannot start any token" && line > 0 && line <= bytes.Count(data, []byte("\n"))+1 {
			msg += badTokenHint(bytes.Split(data, []byte("\n"))[line-1])
		}
		return &ConfigError{File: file, Line: line, Msg: "not valid YAML: " + msg}
	}
	line++
	if lines := bytes.Split(data, []byte("\n")); flow && line <= len(lines) && bytes.Contains(lines[line-1], []byte("${")) {
		msg += ` (inside [ ] or { }, quote a ${VAR}: "${VAR}")`
	}
	return &ConfigError{File: file, Line: line, Msg: "not valid YAML: " + msg}
}

// badTokenHint says what to do about a line the YAML scanner could not
// start a token on: most often a tab that indents it, or a value that
// begins with @ or ` (an @handle keyword). It quotes nothing of the line.
func badTokenHint(line []byte) string {
	switch {
	case bytes.HasPrefix(bytes.TrimLeft(line, " "), []byte("\t")):
		return " (a tab indents this line: YAML indents with spaces only)"
	case bytes.ContainsAny(line, "@`"):
		return " (a value that starts with @ or ` must be quoted, such as \"@acme\")"
	}
	return ""
}

// checkQuery checks a brand's or competitor's query, or its keywords when
// it has no query. key is "brands[Acme]" or "brands[Acme].competitors[X]".
func (c *Config) checkQuery(key, q string, line int, keywords, exclude []string) error {
	if q == "" {
		if len(keywords) == 0 {
			return &ConfigError{File: c.File, Key: key + ".keywords", Msg: "at least one keyword (or a query:) is required"}
		}
		if _, ok := query.AnyExcept(keywords, nil); !ok {
			return &ConfigError{File: c.File, Key: key + ".keywords", Msg: "no keyword has a letter or digit, so nothing would match (is a ${VAR} in them unset?)"}
		}
		return nil
	}
	if len(keywords) > 0 || len(exclude) > 0 {
		return &ConfigError{File: c.File, Line: line, Key: key + ".query", Msg: "give either query: or keywords:/exclude:, not both (keywords [a, b] with exclude [c] is the query (a OR b) NOT c)"}
	}
	parsed, err := query.Parse(q)
	if err != nil {
		return &ConfigError{File: c.File, Line: line, Key: key + ".query", Msg: err.Error() + " (docs/QUERIES.md has the grammar)"}
	}
	if !parsed.NeedsTerm() {
		return &ConfigError{File: c.File, Line: line, Key: key + ".query", Msg: "the query matches texts that contain none of its words (it has only NOT and field filters); add a word or phrase the brand is known by"}
	}
	return nil
}

// setQueryLines records the line of each brand's and competitor's query:
// key, from the brands sequence node.
func setQueryLines(cfg *Config, brands *yaml.Node) {
	if brands == nil || brands.Kind != yaml.SequenceNode {
		return
	}
	for i, bn := range brands.Content {
		if i >= len(cfg.Brands) {
			return
		}
		cfg.Brands[i].Line = bn.Line
		if q := mappingValue(bn, "query"); q != nil {
			cfg.Brands[i].QueryLine = q.Line
		}
		comps := mappingValue(bn, "competitors")
		if comps == nil || comps.Kind != yaml.SequenceNode {
			continue
		}
		for j, cn := range comps.Content {
			if q := mappingValue(cn, "query"); q != nil && j < len(cfg.Brands[i].Competitors) {
				cfg.Brands[i].Competitors[j].QueryLine = q.Line
			}
		}
	}
}

// keyLine is the line of the key path that a check names without a line
// ("timezone", "alerts.silences[0].until", "brands[Acme].keywords"): of the
// deepest key of the path that the document has (an item by its name: or
// its index), so that the error points at the line to fix. 0 when not even
// the first key is there (the key is missing; its default was refused).
func keyLine(root *yaml.Node, path string) int {
	line, n := 0, root
	for path != "" && n != nil {
		if n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		name := path
		if i := strings.IndexAny(path, ".["); i >= 0 {
			name = path[:i]
		}
		path = strings.TrimPrefix(path[len(name):], ".")
		if name != "" {
			var key *yaml.Node
			key, n = mappingKey(n, name)
			if key == nil {
				return line
			}
			line = key.Line
		}
		// [item]: up to the "]" that ends the segment (a name may hold "]").
		for strings.HasPrefix(path, "[") && n != nil {
			end := -1
			for i := 1; i < len(path); i++ {
				if path[i] == ']' && (i+1 == len(path) || path[i+1] == '.' || path[i+1] == '[') {
					end = i
					break
				}
			}
			if end < 0 {
				return line
			}
			n = seqItem(n, path[1:end])
			if n == nil {
				return line
			}
			line = n.Line
			path = strings.TrimPrefix(path[end+1:], ".")
		}
	}
	return line
}

// mappingKey is the key node and value of key in mapping n.
func mappingKey(n *yaml.Node, key string) (k, v *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

// seqItem is the item of sequence n whose name: is sel, or else the item
// at index sel.
func seqItem(n *yaml.Node, sel string) *yaml.Node {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind != yaml.SequenceNode {
		return nil
	}
	for _, it := range n.Content {
		if name := mappingValue(it, "name"); name != nil && name.Value == sel {
			return it
		}
	}
	if i, err := strconv.Atoi(sel); err == nil && i >= 0 && i < len(n.Content) {
		return n.Content[i]
	}
	return nil
}

// envWarning is an unset ${VAR} at a key path (".notifiers.slack.url").
type envWarning struct{ path, msg string }

func (c *Config) validate() error {
	if len(c.Brands) == 0 {
		return &ConfigError{File: c.File, Key: "brands", Msg: "at least one brand is required"}
	}
	names := map[string]bool{}
	brandLines := map[string]int{}
	for _, b := range c.Brands {
		if b.Name == "" {
			return &ConfigError{File: c.File, Line: b.Line, Key: "brands.name", Msg: "every brand needs a name"}
		}
		key := "brands[" + b.Name + "]"
		if err := c.checkQuery(key, b.Query, b.QueryLine, b.Keywords, b.Exclude); err != nil {
			return err
		}
		if first, dup := brandLines[b.Name]; dup {
			return &ConfigError{File: c.File, Line: b.Line, Key: key + ".name", Msg: fmt.Sprintf("a second brand named %q (the first is at line %d): "+
				"their mentions would be stored, counted and alerted on as one brand; merge their keywords into one, or rename one", b.Name, first)}
		}
		brandLines[b.Name] = b.Line
		names[b.Name] = true
		for _, cp := range b.Competitors {
			names[cp.Name] = true
			if err := c.checkQuery(key+".competitors["+cp.Name+"]", cp.Query, cp.QueryLine, cp.Keywords, cp.Exclude); err != nil {
				return err
			}
		}
	}
	seen := map[string]bool{}
	for i, s := range c.Sources {
		if s.Name == "" {
			return &ConfigError{File: c.File, Line: s.Line, Key: "sources.name", Msg: "every source needs a name"}
		}
		if seen[s.Name] {
			return &ConfigError{File: c.File, Line: s.Line, Key: "sources.name", Msg: fmt.Sprintf("duplicate source name %q", s.Name)}
		}
		seen[s.Name] = true
		if s.Type == "" {
			return &ConfigError{File: c.File, Line: s.Line, Key: "sources." + s.Name + ".type", Msg: "missing type (see `mentionwatch collectors`)"}
		}
		if iv := s.Interval.D(); iv != 0 && (iv < MinSourceInterval || iv > MaxSourceInterval) {
			line := s.Line
			if n := mappingValue(s.Node, "interval"); n != nil {
				line = n.Line
			}
			return &ConfigError{File: c.File, Line: line, Key: "sources[" + s.Name + "].interval",
				Msg: fmt.Sprintf("%s is out of range: use %s to %s (default 15m)", s.Interval.D(), MinSourceInterval, "30d")}
		}
		for _, b := range s.Brands {
			if !names[b] {
				return &ConfigError{File: c.File, Line: s.Line, Key: "sources." + s.Name + ".brands", Msg: fmt.Sprintf("unknown brand %q", b)}
			}
		}
		if tr, _ := SourceTypeTraits(s.Type); tr.OwnPage && len(s.Brands) != 1 {
			if len(s.Brands) == 0 && len(c.Brands) == 1 {
				c.Sources[i].Brands = []string{c.Brands[0].Name}
			} else {
				return &ConfigError{File: c.File, Line: s.Line, Key: "sources[" + s.Name + "].brands",
					Msg: fmt.Sprintf("a %s source needs exactly one brand (brands: [%s]): its reviews rarely name the brand they are about, and would be dropped", s.Type, c.Brands[0].Name)}
			}
		}
	}
	if err := c.checkNumbersAndLog(); err != nil {
		return err
	}
	switch c.Store.Type {
	case "", "embedded", "clickhouse":
	default:
		return &ConfigError{File: c.File, Key: "store.type", Msg: fmt.Sprintf("unknown store type %q (use embedded or clickhouse)", c.Store.Type)}
	}
	if c.Store.Type == "clickhouse" && c.Store.DSN == "" {
		return &ConfigError{File: c.File, Key: "store.dsn", Msg: "clickhouse store needs a dsn (for example ${MENTIONWATCH_CLICKHOUSE_DSN})"}
	}
	if err := c.checkURLs(); err != nil {
		return err
	}
	if err := c.Coordination.check(c.Store.Type); err != nil {
		return &ConfigError{File: c.File, Key: "coordination", Msg: err.Error()}
	}
	if err := c.checkSharedLinkKey(); err != nil {
		return err
	}
	if err := c.validateTimezone(); err != nil {
		return err
	}
	if err := c.Web.CheckAccess(); err != nil {
		return webError(c.File, err)
	}
	if c.Web.Listen != "" {
		if err := c.Web.Check(); err != nil {
			return webError(c.File, err)
		}
	}
	if err := c.validateDigests(); err != nil {
		return err
	}
	return c.Alerts.validate(c.File, names)
}

// webError is an error of the web: checks at the key its message starts
// with ("web.listen \"x\": ...", "web.username is set but ..."), so that
// its line is that key's rather than web:'s.
func webError(file string, err error) error {
	key, msg := "web", err.Error()
	if k, rest, ok := strings.Cut(msg, " "); ok && strings.HasPrefix(k, "web.") {
		key, msg = strings.TrimSuffix(k, ":"), rest
	}
	return &ConfigError{File: file, Key: key, Msg: msg}
}

// checkNumbersAndLog refuses the values a reader would expect to mean
// something but that the program would quietly replace by the default: a
// negative size, rate or count, and an unknown log level or format.
func (c *Config) checkNumbersAndLog() error {
	for _, n := range []struct {
		key string
		bad bool
		def string
	}{
		{"http.max_body_bytes", c.HTTP.MaxBodyBytes < 0, "10485760 (10 MiB)"},
		{"http.per_host_rps", c.HTTP.PerHostRPS < 0 || math.IsNaN(c.HTTP.PerHostRPS) || math.IsInf(c.HTTP.PerHostRPS, 0), "1"},
		{"http.per_host_burst", c.HTTP.PerHostBurst < 0, "2"},
		{"store.batch_size", c.Store.BatchSize < 0, "10000"},
		{"store.spool_max_bytes", c.Store.SpoolMaxBytes < 0, "1073741824 (1 GiB)"},
		{"store.retention_days", c.Store.RetentionDays < 0, "0, keep everything"},
	} {
		if n.bad {
			return &ConfigError{File: c.File, Key: n.key, Msg: "must be a number, 0 or more (0 or unset is the default, " + n.def + ")"}
		}
	}
	if d := c.Store.FlushInterval.D(); d != 0 && d < 10*time.Millisecond {
		// The writer's ticker runs at this period: 1ns would spin a core.
		return &ConfigError{File: c.File, Key: "store.flush_interval", Msg: fmt.Sprintf("%s is too short: the writer checks its batch at this period; use 10ms or more (default 2s)", d)}
	}
	switch strings.ToLower(c.Log.Level) {
	case "", "debug", "info", "warn", "error":
	default:
		return &ConfigError{File: c.File, Key: "log.level", Msg: fmt.Sprintf("unknown level %q (use debug, info, warn or error)", c.Log.Level)}
	}
	switch c.Log.Format {
	case "", "text", "json":
	default:
		return &ConfigError{File: c.File, Key: "log.format", Msg: fmt.Sprintf("unknown format %q (use text or json)", c.Log.Format)}
	}
	return nil
}

func (a *AlertsConfig) validate(file string, brands map[string]bool) error {
	switch a.Detector {
	case "", "spike", "threshold":
	default:
		return &ConfigError{File: file, Key: "alerts.detector", Msg: fmt.Sprintf("unknown detector %q (use spike or threshold)", a.Detector)}
	}
	if a.Bucket != 0 && a.Bucket.D() < time.Minute {
		return &ConfigError{File: file, Key: "alerts.bucket", Msg: "a bucket shorter than 1m is too noisy to judge; use 1m or more"}
	}
	if a.Bucket.D()%time.Second != 0 {
		return &ConfigError{File: file, Key: "alerts.bucket", Msg: fmt.Sprintf("%s is not a whole number of seconds, which the stores count buckets in; use e.g. 5m or 90s", a.Bucket.D())}
	}
	if a.Drops.MinPerHour < 0 {
		return &ConfigError{File: file, Key: "alerts.drops.min_per_hour", Msg: "cannot be negative; it is the usual hourly volume below which a brand's silence is normal (default 12)"}
	}
	if a.MinCount < 0 || a.Threshold < 0 || a.Sensitivity < 0 {
		return &ConfigError{File: file, Key: "alerts", Msg: "min_count, threshold and sensitivity cannot be negative"}
	}
	if math.IsNaN(a.Sensitivity) || math.IsInf(a.Sensitivity, 0) {
		// It divides the detector's thresholds: .inf would fire on every
		// bucket, .nan on none.
		return &ConfigError{File: file, Key: "alerts.sensitivity", Msg: "must be a finite number above 0 (default 1; 2 fires earlier, 0.5 later)"}
	}
	for i, s := range a.Silences {
		key := fmt.Sprintf("alerts.silences[%d]", i)
		if _, err := time.Parse(time.RFC3339, s.Until); err != nil {
			return &ConfigError{File: file, Key: key + ".until", Msg: fmt.Sprintf("%q is not an RFC 3339 time such as 2026-12-01T00:00:00Z", s.Until)}
		}
		if s.Brand != "" && !brands[s.Brand] {
			return &ConfigError{File: file, Key: key + ".brand", Msg: fmt.Sprintf("unknown brand %q", s.Brand)}
		}
	}
	return nil
}

// envRef matches, leftmost first: the escape $${ (a literal "${"), a
// ${NAME} reference, and any other "${", which is an error (a default such
// as ${NAME:-x} is not supported and must not pass as literal text).
var envRef = regexp.MustCompile(`\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$\{`)

// expandEnv replaces ${VAR} in every scalar value, and $${ with a literal
// "${"; it refuses an empty list item, which only a reader sees. An unset or empty variable expands to "" (the feature that needs
// it then reports it as missing, or is off) and adds a warning naming the
// line and key. Any other "${" is an error at its line and key. Values are
// scanned once: a variable's value is never expanded again.
func expandEnv(file string, n *yaml.Node, path string, lookup func(string) (string, bool), warnings *[]envWarning) error {
	if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, "${") {
		bad := false
		n.Value = envRef.ReplaceAllStringFunc(n.Value, func(ref string) string {
			switch ref {
			case "$${":
				return "${"
			case "${":
				bad = true
				return ref
			}
			v, ok := lookup(ref[2 : len(ref)-1])
			if !ok || v == "" {
				state := "is not set"
				if ok {
					state = "is empty"
				}
				msg := fmt.Sprintf("%s:%d: %s: %s %s, so it expands to \"\"", file, n.Line, trimPath(path), ref, state)
				if strings.HasPrefix(path, ".notifiers.") {
					msg += " and this notifier is off"
				}
				*warnings = append(*warnings, envWarning{path, msg})
			}
			return v
		})
		if bad {
			// The text is not quoted: it may be a secret written inline.
			return &ConfigError{File: file, Line: n.Line, Key: trimPath(path),
				Msg: "a \"${\" that is not a ${NAME} reference (NAME is letters, digits and _; defaults such as ${NAME:-x} are not supported): " +
					"set the variable, or write $${ for a literal \"${\""}
		}
		retypeExpanded(n)
	}
	for i, c := range n.Content {
		sub := path
		switch n.Kind {
		case yaml.MappingNode:
			if i%2 == 0 {
				continue // keys are not expanded
			}
			sub = path + "." + n.Content[i-1].Value
		case yaml.SequenceNode:
			sub = yamlstrict.ItemPath(path, i, c)
			if c.Kind == yaml.ScalarNode && c.Tag == "!!null" && c.Value == "" {
				// Checked before it is expanded: "- " with nothing after it,
				// which a list would drop. Mostly "- #acmeid": a # after a
				// space starts a comment, so the hashtag was never read.
				return &ConfigError{File: file, Line: c.Line, Key: trimPath(sub),
					Msg: "an empty list item (a # after a space starts a comment: quote a hashtag, \"#acmeid\"); write the item's value, or remove the -"}
			}
		}
		if err := expandEnv(file, c, sub, lookup, warnings); err != nil {
			return err
		}
	}
	return nil
}

// retypeExpanded types an unquoted value that held a ${VAR} by what it
// expanded to, as if that had been written there: the parser typed it a
// string while it read "${...}", so `retry_max: ${N}` or `disabled:
// ${OFF}` would fail as "not a number" or "not true or false". "3", "2.5"
// and "true" become a number and a bool; nothing at all ("") is an absent
// value, so the key keeps its default; anything else stays a string. A
// quoted or tagged value ("${N}", !!str ${N}) stays a string.
func retypeExpanded(n *yaml.Node) {
	if n.Style&(yaml.TaggedStyle|yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return
	}
	if n.Value == "" {
		n.Tag = "!!null"
		return
	}
	probe := yaml.Node{Kind: yaml.ScalarNode, Value: n.Value}
	switch tag := probe.ShortTag(); tag {
	case "!!int", "!!float", "!!bool":
		n.Tag = tag
	}
}

// mappingValue is the value of key in mapping n, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node { return yamlstrict.MappingValue(n, key) }

// DecodeStrict decodes n into out, failing on any key that out does not
// have, with the file, line and key path (internal/yamlstrict). Keys listed
// in skip are allowed at the top level without being decoded here. The
// error is a *ConfigError.
func DecodeStrict(file string, n *yaml.Node, out any, skip ...string) error {
	err := yamlstrict.Decode(n, out, yamlstrict.Options{
		Skip:    skip,
		Hook:    checkConfigNode,
		NotAKey: "not a mentionwatch config: this line is not a YAML key of the config; check the -c path",
	})
	var e *yamlstrict.Error
	if errors.As(err, &e) {
		return &ConfigError{File: file, Line: e.Line, Key: e.Key, Msg: e.Msg}
	}
	return err
}

var (
	durationType     = reflect.TypeOf(Duration(0))
	secretType       = reflect.TypeOf(Secret(""))
	sourceConfigType = reflect.TypeOf(SourceConfig{})
)

// checkConfigNode is DecodeStrict's yamlstrict.Hook: a Duration is checked
// at its own line and key, and a source's keys are left to its type
// (collectors.Build) except its common interval.
func checkConfigNode(n *yaml.Node, t reflect.Type, path string) (bool, error) {
	switch t {
	case durationType:
		return true, checkDuration(n, path)
	case notifiersConfigType:
		return true, checkNotifiers(n, path)
	case secretType:
		return true, checkSecret(n, path)
	case sourceConfigType:
		if v := n; v.Kind != yaml.MappingNode && (v.Kind != yaml.AliasNode || v.Alias.Kind != yaml.MappingNode) {
			return true, &yamlstrict.Error{Line: n.Line, Key: path, Msg: "expected a mapping of the source's keys (name:, type:, ...)"}
		}
		if iv := mappingValue(n, "interval"); iv != nil {
			return true, checkDuration(iv, path+".interval")
		}
		return true, nil
	}
	return false, nil
}

// checkSecret reports a secret that is not a single value at its own line
// and key (its value is never quoted).
func checkSecret(n *yaml.Node, path string) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		return &yamlstrict.Error{Line: n.Line, Key: path, Msg: "expected a single value (a text or ${VAR}), not a mapping or list"}
	}
	return nil
}

// checkDuration reports a bad duration at its own line and key.
func checkDuration(n *yaml.Node, path string) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return nil
	}
	if _, err := parseConfigDuration(n.Value); err != nil {
		return &yamlstrict.Error{Line: n.Line, Key: path, Msg: err.Error()}
	}
	return nil
}

func trimPath(p string) string { return strings.TrimPrefix(p, ".") }

// HasBrand reports whether name is a configured brand (not a competitor).
func (c *Config) HasBrand(name string) bool {
	for _, b := range c.Brands {
		if b.Name == name {
			return true
		}
	}
	return false
}
