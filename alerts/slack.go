package alerts

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/slack-go/slack"

	mw "github.com/mentionwatch/mentionwatch"
)

// Slack posts Block Kit messages through an incoming webhook, or with a bot
// token to a channel (chat.postMessage).
type Slack struct {
	webhook string
	api     *slack.Client
	channel string
	http    *http.Client
}

// NewSlack returns nil when cfg configures nothing.
func NewSlack(cfg mw.SlackConfig, client *http.Client) (*Slack, error) {
	s := &Slack{webhook: cfg.WebhookURL.Value(), channel: cfg.Channel, http: client}
	switch {
	case s.webhook != "":
		u, err := url.Parse(s.webhook)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, errors.New("notifiers.slack.webhook_url is not an http(s) URL (get one from Slack: Apps → Incoming Webhooks)")
		}
	case cfg.BotToken.Value() != "":
		if cfg.Channel == "" {
			return nil, errors.New("notifiers.slack.bot_token needs notifiers.slack.channel")
		}
		opts := []slack.Option{slack.OptionHTTPClient(client)}
		if cfg.APIURL != "" {
			opts = append(opts, slack.OptionAPIURL(strings.TrimSuffix(cfg.APIURL, "/")+"/"))
		}
		s.api = slack.New(cfg.BotToken.Value(), opts...)
	default:
		return nil, nil
	}
	return s, nil
}

// Name implements Notifier.
func (s *Slack) Name() string { return "slack" }

// Send implements Notifier.
func (s *Slack) Send(ctx context.Context, n Notification) error {
	text, blocks := SlackMessage(n)
	var err error
	if s.api != nil {
		_, _, err = s.api.PostMessageContext(ctx, s.channel, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
	} else {
		err = slack.PostWebhookCustomHTTPContext(ctx, s.webhook, s.http, &slack.WebhookMessage{Text: text, Blocks: &slack.Blocks{BlockSet: blocks}})
	}
	if err == nil {
		return nil
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return classify(s.Name(), http.StatusTooManyRequests, rl.RetryAfter, err)
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return classify(s.Name(), sc.Code, 0, err)
	}
	if strings.Contains(err.Error(), "invalid_auth") || strings.Contains(err.Error(), "channel_not_found") || strings.Contains(err.Error(), "not_in_channel") {
		return &DeliveryError{Notifier: s.Name(), Permanent: true, Err: fmt.Errorf("%w (check notifiers.slack.bot_token and channel)", err)}
	}
	return &DeliveryError{Notifier: s.Name(), Err: err}
}

// EscapeMrkdwn makes untrusted text inert in Slack mrkdwn: &, < and > are
// the only control characters Slack asks to escape, and escaping them
// disarms <!channel>, <@U123> and <http://x|click>.
func EscapeMrkdwn(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// slackLink returns a mrkdwn link to an http(s) URL, or the escaped label
// alone when the URL is unsafe. The URL cannot break out of the <...|...>.
func slackLink(raw, label string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return EscapeMrkdwn(label)
	}
	safe := strings.NewReplacer("|", "%7C", "<", "%3C", ">", "%3E", " ", "%20", "&", "&amp;").Replace(u.String())
	return "<" + safe + "|" + EscapeMrkdwn(strings.ReplaceAll(label, "|", "¦")) + ">"
}

// clip shortens s to n runes on a word boundary.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

// Headline is the one-line title of an alert, shared by every notifier.
func Headline(a mw.Alert) string {
	scope := ScopeLabel(a.Scope)
	switch {
	case a.State == mw.Resolved:
		return fmt.Sprintf("Resolved: %s %s", a.Brand, scope)
	case a.Kind == mw.AlertCritical:
		return fmt.Sprintf("Critical mention of %s", a.Brand)
	case a.NotifyCount > 0:
		return fmt.Sprintf("Still firing: negative %s mentions of %s ×%.1f", scope, a.Brand, a.Factor)
	}
	return fmt.Sprintf("Negative %s mentions of %s ×%.1f", scope, a.Brand, a.Factor)
}

// ScopeLabel renders "stage:amot" as "AMOT", "aspect:delivery" as
// "delivery", "brand" as "brand".
func ScopeLabel(scope string) string {
	k, v, ok := strings.Cut(scope, ":")
	switch {
	case !ok:
		return scope
	case k == "stage":
		return strings.ToUpper(v)
	case k == "stage+aspect":
		st, asp, _ := strings.Cut(v, "/")
		return strings.ToUpper(st) + " / " + asp
	}
	return v
}

// SlackMessage renders n as a fallback text and Block Kit blocks. Every
// piece of mention text is escaped.
func SlackMessage(n Notification) (string, []slack.Block) {
	a := n.Alert
	head := Headline(a)
	text := EscapeMrkdwn(head)
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, clip(head, 140), false, false)),
	}
	var facts []string
	switch {
	case a.State == mw.Resolved:
		facts = append(facts, fmt.Sprintf("*Episode:* %s → %s (%s)", a.StartedAt.Format("Jan 2 15:04"), a.ResolvedAt.Format("15:04 MST"), a.ResolvedAt.Sub(a.StartedAt).Round(time.Minute)))
		facts = append(facts, fmt.Sprintf("*Peak:* %.0f negative mentions in a bucket against a baseline of %.1f", a.Count, a.Baseline))
	case a.Kind == mw.AlertCritical:
		facts = append(facts, "*Why:* "+EscapeMrkdwn(a.Summary))
	default:
		facts = append(facts, fmt.Sprintf("*What changed:* %.0f negative mentions in the last bucket against a baseline of %.1f (×%.1f); negative share %.0f%%", a.Count, a.Baseline, a.Factor, 100*a.NegShare))
		facts = append(facts, fmt.Sprintf("*Since:* %s UTC", a.StartedAt.UTC().Format("Jan 2 15:04")))
	}
	if bd := breakdownLine(a.Breakdown); bd != "" {
		facts = append(facts, "*Breakdown:* "+bd)
	}
	blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, strings.Join(facts, "\n"), false, false), nil, nil))

	if len(n.Top) > 0 && a.State != mw.Resolved {
		blocks = append(blocks, slack.NewDividerBlock())
		title := "*Top mentions* (by negativity × reach)"
		if a.Kind == mw.AlertCritical {
			title = "*The mention*"
		}
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, title, false, false), nil, nil))
		for i, m := range n.Top {
			if i == 5 {
				break
			}
			blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, mentionLine(m), false, false), nil, nil))
		}
	}
	authors := make([]string, 0, len(n.History))
	for au := range n.History {
		authors = append(authors, au)
	}
	sort.Strings(authors)
	for _, au := range authors {
		hist := n.History[au]
		lines := []string{fmt.Sprintf("*%s's earlier mentions* (%d, across sources)", EscapeMrkdwn(au), len(hist))}
		if len(hist) == 0 {
			lines[0] = fmt.Sprintf("*%s* has no earlier mentions: a first contact", EscapeMrkdwn(au))
		}
		for i, m := range hist {
			if i == 5 {
				lines = append(lines, fmt.Sprintf("…and %d more", len(hist)-5))
				break
			}
			lines = append(lines, fmt.Sprintf("• %s · %s · %s: %s", m.Published.UTC().Format("Jan 2"), EscapeMrkdwn(m.Source), m.Label, slackLink(m.URL, clip(m.Title+" "+m.Text, 120))))
		}
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, strings.Join(lines, "\n"), false, false), nil, nil))
	}
	if n.DashboardURL != "" {
		link := strings.TrimSuffix(n.DashboardURL, "/") + "/#alert=" + url.QueryEscape(a.ID)
		blocks = append(blocks, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, slackLink(link, "Open in mentionwatch")+" · alert "+EscapeMrkdwn(a.ID), false, false)))
	} else {
		blocks = append(blocks, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, "mentionwatch alert "+EscapeMrkdwn(a.ID), false, false)))
	}
	return text, blocks
}

func mentionLine(m mw.Mention) string {
	body := strings.TrimSpace(m.Title + " " + m.Text)
	// Feeds often make the title from the start of the text.
	if t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(m.Title), "…")); t != "" && strings.HasPrefix(strings.TrimSpace(m.Text), t) {
		body = strings.TrimSpace(m.Text)
	}
	label := clip(body, 280)
	if label == "" {
		label = m.URL
	}
	meta := []string{EscapeMrkdwn(m.Source), m.Lang, string(m.Stage)}
	if m.Author != "" {
		meta = append(meta, "by "+EscapeMrkdwn(clip(m.Author, 60)))
	}
	if m.AuthorReach > 0 {
		meta = append(meta, humanCount(m.AuthorReach)+" followers")
	}
	if m.Rating > 0 {
		meta = append(meta, fmt.Sprintf("%.0f★", m.Rating))
	}
	return fmt.Sprintf("%s\n_%s · sentiment %.2f_", slackLink(m.URL, label), strings.Join(meta, " · "), m.Sentiment)
}

func humanCount(n uint32) string {
	switch {
	case n >= 1_000_000:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 10_000:
		return fmt.Sprintf("%.0fk", math.Round(float64(n)/1e3))
	}
	return fmt.Sprint(n)
}

func breakdownLine(bd map[string]uint64) string {
	type kv struct {
		k string
		v uint64
	}
	var kvs []kv
	for k, v := range bd {
		kvs = append(kvs, kv{k, v})
	}
	sort.Slice(kvs, func(i, j int) bool {
		if kvs[i].v != kvs[j].v {
			return kvs[i].v > kvs[j].v
		}
		return kvs[i].k < kvs[j].k
	})
	var parts []string
	for i, e := range kvs {
		if i == 8 {
			break
		}
		parts = append(parts, fmt.Sprintf("%s %d", EscapeMrkdwn(ScopeLabel(e.k)), e.v))
	}
	return strings.Join(parts, " · ")
}
