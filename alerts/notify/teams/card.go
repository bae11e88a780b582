package teams

import (
	"encoding/json"
	"fmt"

	"github.com/mentionwatch/mentionwatch/alerts"
)

// The workflow webhook takes a Bot Framework message whose attachments
// are Adaptive Cards.
type message struct {
	Type        string       `json:"type"` // "message"
	Attachments []attachment `json:"attachments"`
}

type attachment struct {
	ContentType string `json:"contentType"` // application/vnd.microsoft.card.adaptive
	ContentURL  any    `json:"contentUrl"`  // null
	Content     card   `json:"content"`
}

type card struct {
	Schema  string    `json:"$schema"`
	Type    string    `json:"type"` // AdaptiveCard
	Version string    `json:"version"`
	Body    []element `json:"body"`
	Actions []action  `json:"actions,omitempty"`
	MSTeams struct {
		Width string `json:"width"`
	} `json:"msteams"`
}

// element is a RichTextBlock of TextRuns. Text goes only into TextRuns:
// unlike a TextBlock's text, a TextRun's is never read as Markdown, so
// "*bold*", "[x](url)" or "<b>" in a mention shows as written, on every
// Teams client (backslash escapes in TextBlocks render differently on
// desktop and mobile: microsoft/AdaptiveCards#5590).
type element struct {
	Type    string    `json:"type"` // RichTextBlock
	Inlines []textRun `json:"inlines"`
	Spacing string    `json:"spacing,omitempty"`
}

type textRun struct {
	Type   string  `json:"type"` // TextRun
	Text   string  `json:"text"`
	Weight string  `json:"weight,omitempty"`
	Color  string  `json:"color,omitempty"`
	Size   string  `json:"size,omitempty"`
	IsSub  bool    `json:"isSubtle,omitempty"`
	Select *action `json:"selectAction,omitempty"` // Action.OpenUrl: the run is a link
}

type action struct {
	Type  string `json:"type"` // Action.OpenUrl
	Title string `json:"title,omitempty"`
	URL   string `json:"url"`
}

func run(text string) textRun { return textRun{Type: "TextRun", Text: text} }

func block(spacing string, runs ...textRun) element {
	return element{Type: "RichTextBlock", Inlines: runs, Spacing: spacing}
}

// Teams takes a webhook message of about 28 KB; a Workflows trigger
// answers 202 before its run posts the card, so a larger one is lost
// without an error. Mention text, authors and URLs (up to 8 KB each, and
// JSON writes < > & in six bytes) could make a card many times that.
const (
	maxCardBytes = 20 << 10 // the JSON of a message, with room to spare
	maxActionURL = 2000     // a longer post URL gets no button: the dashboard link stands in
)

// Message is the webhook body for content c, within maxCardBytes: the
// least impactful mentions are left out, and counted in "and N more",
// until it fits.
func Message(c alerts.Content) any {
	for {
		m := build(c)
		b, err := json.Marshal(m)
		if err != nil || len(b) <= maxCardBytes {
			return m
		}
		if len(c.Evidence) == 0 { // only our own fields are left: shorten them
			c.Headline, c.Why, c.When = alerts.Clip(c.Headline, 300), alerts.Clip(c.Why, 1000), alerts.Clip(c.When, 300)
			return build(c)
		}
		c.Evidence = c.Evidence[:len(c.Evidence)-1]
		c.More++
	}
}

// build is the message for c, whatever its size.
func build(c alerts.Content) message {
	head := run(c.Headline)
	head.Weight, head.Size, head.Color = "Bolder", "Medium", "Attention"
	if c.Resolved {
		head.Color = "Good"
	}
	when := run(c.When)
	when.IsSub = true
	body := []element{block("", head), block("Small", run(c.Why)), block("None", when)}
	if c.Acked != "" {
		body = append(body, block("None", run(c.Acked)))
	}
	var actions []action
	for i, e := range c.Evidence {
		meta := run(fmt.Sprintf("%s on %s", e.When, e.Source))
		meta.IsSub = true
		runs := []textRun{meta}
		if e.Author != "" {
			a := run(" by " + e.Author)
			a.IsSub = true
			runs = append(runs, a)
		}
		if e.Similar > 0 {
			s := run(fmt.Sprintf(" (+%d similar)", e.Similar))
			s.IsSub = true
			runs = append(runs, s)
		}
		body = append(body, block("Medium", runs...), block("None", run(e.Text)))
		if len(e.Copies) > 0 {
			// A critical mention's copies: a TextRun that opens the post
			// (selectAction), labelled with its host.
			links := []textRun{run(e.CopiesWords() + ": ")}
			for j, u := range e.Copies {
				if j > 0 {
					links = append(links, run(" · "))
				}
				l := run(alerts.PostHost(u))
				l.Select = &action{Type: "Action.OpenUrl", URL: u}
				links = append(links, l)
			}
			body = append(body, block("Small", links...))
		}
		if e.URL != "" && len(e.URL) <= maxActionURL && len(actions) < 3 {
			actions = append(actions, action{Type: "Action.OpenUrl", Title: fmt.Sprintf("Post %d", i+1), URL: e.URL})
		}
	}
	if c.More > 0 {
		m := run(fmt.Sprintf("and %d more in the dashboard", c.More))
		m.IsSub = true
		body = append(body, block("Medium", m))
	}
	var links []action
	for _, l := range []struct{ url, title string }{{c.Open, "Open in the dashboard"}, {c.Ack, "Acknowledge"}, {c.Silence, "Silence 4 h"}} {
		if alerts.HTTPURL(l.url) {
			links = append(links, action{Type: "Action.OpenUrl", Title: l.title, URL: l.url})
		}
	}
	cd := card{Schema: "http://adaptivecards.io/schemas/adaptive-card.json", Type: "AdaptiveCard", Version: "1.4", Body: body, Actions: append(links, actions...)}
	cd.MSTeams.Width = "Full"
	return message{Type: "message", Attachments: []attachment{{ContentType: "application/vnd.microsoft.card.adaptive", Content: cd}}}
}
