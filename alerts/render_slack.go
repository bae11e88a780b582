package alerts

import (
	"fmt"
	"math"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"golang.org/x/net/idna"

	mw "github.com/mentionwatch/mentionwatch"
)

// Evidence shown in one message.
const (
	shownGroups   = 5 // groups of near-copies among the top mentions
	shownAuthors  = 3 // authors whose history is shown
	shownHistory  = 5 // earlier mentions per author
	mentionLabel  = 500
	criticalText  = 1500
	authorLabel   = 60
	sourceLabel   = 40
	historyLabel  = 120
	reasonLabel   = 600
	breakdownShow = 8
)

// SlackMessage renders n as a fallback text and Block Kit blocks: the
// headline, what happened in words (the baseline as "40 negative in 5 min;
// usually 0–2", the stage and aspect named), URL buttons (Open, Acknowledge,
// Silence 4 h) that need no Slack interactivity, the top mentions with
// near-copies grouped, and for a critical alert the mention's text, link,
// reason and its author's earlier mentions. Times are in n.Location.
//
// Every piece of mention text is escaped, and every block stays within
// Block Kit's limits whatever the input's size: at most 50 blocks and 3,000
// characters per section; a URL too long to link whole is not linked.
// Fields n leaves zero take the defaults of a zero Presentation.
func SlackMessage(n Notification) (string, []slack.Block) {
	n = Presentation{}.complete(n)
	a := n.Alert
	head := Headline(a)
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, clip16(head, maxHeaderText-10), false, false)),
		factsSection(n),
	}
	if act := actions(n); act != nil {
		blocks = append(blocks, act)
	}
	if a.State != mw.Resolved && len(n.Top) > 0 {
		if a.Kind == mw.AlertCritical {
			blocks = append(blocks, slack.NewDividerBlock(), criticalSection(n))
			if cs := copiesSection(n); cs != nil {
				blocks = append(blocks, cs)
			}
		} else {
			blocks = append(blocks, slack.NewDividerBlock())
			blocks = append(blocks, topSections(n)...)
		}
	}
	blocks = append(blocks, historySections(n)...)
	blocks = append(blocks, footer(n))
	fallback := escClip(head+": "+Why(a, n.Bucket), maxFallback, true)
	return fallback, capBlocks(blocks)
}

// factsSection says what happened, where and since when.
func factsSection(n Notification) slack.Block {
	a, loc := n.Alert, n.Location
	var s section
	switch {
	case a.Kind == mw.AlertCritical:
		s.add("*Why:* " + escClip(Why(a, n.Bucket), reasonLabel, true))
		if len(n.Top) > 0 {
			m := n.Top[0]
			posted := fmt.Sprintf("*Posted:* %s on %s", timeWords(m.Published, loc), escClip(m.Source, sourceLabel, true))
			if m.Author != "" {
				posted += " by " + escClip(m.Author, authorLabel, true)
			}
			s.add(posted)
		}
		if a.State == mw.Resolved {
			s.add(fmt.Sprintf("*Closed:* %s", timeWords(a.ResolvedAt, loc)))
		}
	case a.State == mw.Resolved:
		s.add("*Episode:* " + EpisodeWords(a, loc))
		if a.Kind == mw.AlertDrop {
			s.add("*Lowest:* " + AmountWords(a, n.Bucket))
		} else {
			s.add("*Peak:* " + AmountWords(a, n.Bucket))
		}
		if a.Reason != "" {
			s.add("*Why closed:* " + escClip(a.Reason, reasonLabel, true))
		}
	default:
		s.add("*What happened:* " + AmountWords(a, n.Bucket))
		if a.Kind == mw.AlertDrop {
			s.add("*What to do:* " + escClip(DropAdvice, reasonLabel, true))
		}
		if a.NegShare > 0 {
			s.add(fmt.Sprintf("*Negative share:* %.0f%% of that bucket's mentions", 100*a.NegShare))
		}
		s.add("*Since:* " + timeWords(a.StartedAt, loc))
	}
	if ack := AckedWords(a, loc); ack != "" && a.State != mw.Resolved {
		s.add("*Acknowledged:* " + escClip(strings.TrimPrefix(ack, "Acknowledged "), reasonLabel, true))
	}
	if bd := breakdownLine(a.Breakdown); bd != "" {
		s.add("*Breakdown:* " + bd)
	}
	return s.block()
}

// actions are URL buttons: they open the dashboard, where the signed
// links ask for a confirmation before they act.
func actions(n Notification) slack.Block {
	var els []slack.BlockElement
	add := func(e slack.BlockElement) {
		if e != nil {
			els = append(els, e)
		}
	}
	if n.Alert.Kind == mw.AlertCritical && n.Alert.State != mw.Resolved && len(n.Top) > 0 {
		add(button("post", "Open the post", n.Top[0].URL, ""))
	}
	add(button("open", "Open in mentionwatch", n.Links.Open, ""))
	if n.Alert.State != mw.Resolved && n.Alert.AckedAt.IsZero() {
		add(button("ack", "Acknowledge", n.Links.Ack, slack.StylePrimary))
	}
	if n.Alert.State != mw.Resolved {
		add(button("silence", "Silence 4 h", n.Links.Silence, ""))
	}
	if len(els) == 0 {
		return nil
	}
	return slack.NewActionBlock("actions", els...)
}

// topSections list the top mentions, near-copies grouped.
func topSections(n Notification) []slack.Block {
	groups := GroupSimilar(n.Top)
	title := "*Top mentions* (by negativity × reach)"
	if len(groups) < len(n.Top) {
		title = fmt.Sprintf("*Top mentions* (by negativity × reach; %d mentions, near-copies grouped)", len(n.Top))
	}
	out := []slack.Block{mrkdwnSection(title)}
	for i, g := range groups {
		if i == shownGroups {
			rest := 0
			for _, r := range groups[i:] {
				rest += r.Count
			}
			in := "1 group"
			if len(groups)-i > 1 {
				in = fmt.Sprintf("%d groups", len(groups)-i)
			}
			out = append(out, mrkdwnSection(fmt.Sprintf("_…and %d more in %s: open in mentionwatch_", rest, in)))
			break
		}
		var s section
		s.add(linkOr(g.Mention.URL, n.Links.Open, escClip(mentionBody(g.Mention), mentionLabel, true)))
		meta := metaLine(g.Mention)
		if g.Count > 1 {
			similar := fmt.Sprintf("*×%d similar*", g.Count)
			if g.Authors > 1 {
				similar += fmt.Sprintf(" from %d authors", g.Authors)
			}
			meta = similar + " · " + meta
		}
		s.add(meta)
		out = append(out, s.block())
	}
	return out
}

// criticalSection shows the critical mention: its text, its link and who
// wrote it.
func criticalSection(n Notification) slack.Block {
	m := n.Top[0]
	var s section
	s.add("*The mention*")
	s.add(">" + escClip(mentionBody(m), criticalText, true))
	if u := safeURL(m.URL, maxLinkURL); u != "" {
		s.add("<" + u + "|" + escClip(LinkName(m.URL), 80, true) + ">")
	} else if m.URL != "" {
		s.add("_The link is too long to show here: use Open the post or the dashboard._")
	}
	s.add(metaLine(m))
	return s.block()
}

// copiesSection links a critical mention's near-copies and cross-posts
// (CopyLinks), each labelled with its host; nil when it has none. Its
// lines stop where the section would pass Block Kit's 3,000 characters.
func copiesSection(n Notification) slack.Block {
	links, more := CopyLinks(n)
	if len(links) == 0 {
		return nil
	}
	var s section
	s.add("*" + escClip(Evidence{Copies: links, MoreCopies: more}.CopiesWords(), 200, true) + "*")
	for i, u := range links {
		if !s.add("• " + slackLink(u, PostHost(u))) {
			s.add(fmt.Sprintf("…and %d more in the dashboard", len(links)-i+more))
			break
		}
	}
	return s.block()
}

// historySections show each author's earlier mentions (critical alerts).
func historySections(n Notification) []slack.Block {
	if n.Alert.State == mw.Resolved {
		return nil
	}
	authors := make([]string, 0, len(n.History))
	for au := range n.History {
		authors = append(authors, au)
	}
	sort.Strings(authors)
	var out []slack.Block
	for i, au := range authors {
		if i == shownAuthors {
			break
		}
		hist := n.History[au]
		var s section
		name := escClip(au, authorLabel, true)
		if len(hist) == 0 {
			s.add(fmt.Sprintf("*%s* has no earlier mentions: a first contact", name))
			out = append(out, s.block())
			continue
		}
		s.add(fmt.Sprintf("*%s's earlier mentions* (%d, across sources)", name, len(hist)))
		for j, m := range hist {
			if j == shownHistory {
				s.add(fmt.Sprintf("…and %d more", len(hist)-j))
				break
			}
			label := escClip(m.Title+" "+m.Text, historyLabel, true)
			pre := fmt.Sprintf("• %s · %s · %s: ", m.Published.In(n.Location).Format("Jan 2"), escClip(m.Source, sourceLabel, true), m.Label)
			if !s.add(pre+linkOr(m.URL, "", label)) && !s.add(pre+label) {
				s.add(fmt.Sprintf("…and %d more", len(hist)-j))
				break
			}
		}
		out = append(out, s.block())
	}
	return out
}

func footer(n Notification) slack.Block {
	parts := []string{"mentionwatch alert " + escClip(n.Alert.ID, 80, true)}
	links := !n.Links.Expires.IsZero() && (n.Links.Ack != "" || n.Links.Silence != "")
	// The offsets of the times shown, in order: two across a change of
	// daylight saving time.
	zone := n.Location.String()
	_, off := n.Alert.StartedAt.In(n.Location).Zone()
	offs := []string{"UTC" + offsetWords(off)}
	for _, t := range []time.Time{n.Alert.ResolvedAt, n.Links.Expires} {
		if t.IsZero() || t.Equal(n.Links.Expires) && !links {
			continue
		}
		if _, o := t.In(n.Location).Zone(); o != off {
			off = o
			offs = append(offs, "UTC"+offsetWords(o))
		}
	}
	if len(offs) > 1 || off != 0 || zone != "UTC" {
		zone += " (" + strings.Join(offs, ", then ") + ")"
	}
	parts = append(parts, "times in "+zone)
	if links {
		parts = append(parts, "action links work until "+timeWords(n.Links.Expires, n.Location))
	}
	text := strings.Join(parts, " · ")
	return slack.NewContextBlock("footer", slack.NewTextBlockObject(slack.MarkdownType, escClipMarks(text, maxContextText, false, false), false, false))
}

func offsetWords(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	if sec%3600 == 0 {
		return fmt.Sprintf("%s%d", sign, sec/3600)
	}
	return fmt.Sprintf("%s%d:%02d", sign, sec/3600, sec%3600/60)
}

// mentionBody is the text of m without a title that repeats its start.
func mentionBody(m mw.Mention) string {
	body := strings.TrimSpace(m.Title + " " + m.Text)
	// Feeds often make the title from the start of the text.
	if t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(m.Title), "…")); t != "" && strings.HasPrefix(strings.TrimSpace(m.Text), t) {
		body = strings.TrimSpace(m.Text)
	}
	if body == "" {
		body = m.URL
	}
	return body
}

// LinkName is the host of a URL, for a short link label: the host the
// link goes to, never the user info before an @ that could pass for one
// ("https://www.brand.com…@evil.example"), and in punycode when it is not
// ASCII, so look-alike letters cannot pass for a known name.
func LinkName(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return "Open the post"
	}
	host, err := idna.ToASCII(u.Hostname())
	if err != nil {
		return "Open the post"
	}
	return "Open the post on " + host
}

// PostHost is the label of a link to a post: its host as LinkName gives
// it ("example.com"), or "Open the post".
func PostHost(raw string) string { return strings.TrimPrefix(LinkName(raw), "Open the post on ") }

// metaLine is the italic line under a mention: source, language, stage in
// words, author, reach, rating, sentiment.
func metaLine(m mw.Mention) string {
	meta := []string{escClip(m.Source, sourceLabel, true)}
	if m.Lang != "" {
		meta = append(meta, escClip(m.Lang, 8, true))
	}
	if m.Stage != "" && m.Stage != mw.StageUnknown {
		meta = append(meta, StageLabel(m.Stage))
	}
	if m.Author != "" {
		meta = append(meta, "by "+escClip(m.Author, authorLabel, true))
	}
	if m.AuthorReach > 0 {
		meta = append(meta, humanCount(m.AuthorReach)+" followers")
	}
	if m.Rating > 0 {
		meta = append(meta, fmt.Sprintf("%.0f★", m.Rating))
	}
	return fmt.Sprintf("_%s · sentiment %.2f_", strings.Join(meta, " · "), m.Sentiment)
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
		if i == breakdownShow {
			break
		}
		parts = append(parts, fmt.Sprintf("%s %d", escClip(ScopeLabel(e.k), 80, true), e.v))
	}
	return strings.Join(parts, " · ")
}
