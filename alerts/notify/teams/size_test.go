package teams

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/alerts/notify"
)

// teamsLimit is the size of a webhook message Teams takes: about 28 KB.
// A Workflows trigger answers 202 before its run posts the card, so a
// card over it is lost without an error.
const teamsLimit = 28 << 10

// TestHugeMentionsKeepTheCardUnderTeamsLimit: mention URLs (the
// collectors keep up to 8 KB), texts and authors of characters that JSON
// escapes six bytes long ("<", "&") made a card over the limit. The card
// now stays under it, with the headline, the first mention, the
// dashboard link, and every mention or a count of those left out.
func TestHugeMentionsKeepTheCardUnderTeamsLimit(t *testing.T) {
	for _, reps := range []int{490, 2000} { // URLs of 2 KB and 8 KB
		t.Run(fmt.Sprint(reps), func(t *testing.T) { checkHugeCard(t, reps) })
	}
}

func checkHugeCard(t *testing.T, reps int) {
	n := notify.Sample(now, "https://dash.example/")
	n.Top = nil
	for i := range 5 {
		n.Top = append(n.Top, mw.Mention{
			ID: fmt.Sprint("m", i), Source: "sample", Author: strings.Repeat("<", 100),
			Text:      fmt.Sprintf("complaint %d %s", i, strings.Repeat(fmt.Sprintf("<&>%c", 'a'+i), 125)),
			URL:       fmt.Sprintf("https://example.com/p%d?", i) + strings.Repeat("a=1&", reps),
			Published: now.Add(-8 * time.Minute),
		})
	}
	var got []byte
	tm := newTeams(t, workflow(t, http.StatusAccepted, nil, "", &got))
	if err := tm.Send(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	if len(got) > teamsLimit {
		t.Errorf("the card has %d bytes, more than Teams takes (%d)", len(got), teamsLimit)
	}
	var m message
	if err := json.Unmarshal(got, &m); err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, b := range m.Attachments[0].Content.Body {
		for _, r := range b.Inlines {
			texts = append(texts, r.Text)
		}
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{alerts.Headline(n.Alert), "complaint 0 <&>a<&>a"} {
		if !strings.Contains(all, want) {
			t.Errorf("the card lost %q:\n%s", want, all)
		}
	}
	if !strings.Contains(all, "complaint 4") && !strings.Contains(all, "more in the dashboard") {
		t.Errorf("mentions were left out without a word:\n%s", all)
	}
	dash := false
	for _, a := range m.Attachments[0].Content.Actions {
		dash = dash || strings.HasPrefix(a.URL, "https://dash.example/#alert=")
	}
	if !dash {
		t.Errorf("the card lost the dashboard link: %+v", m.Attachments[0].Content.Actions)
	}
}

// A resolved alert's headline is green ("Good"), a firing one's red
// ("Attention"): the colour says which at a glance.
func TestResolvedHeadlineIsGood(t *testing.T) {
	for _, tc := range []struct {
		state mw.AlertState
		want  string
	}{{mw.Firing, `"color":"Attention"`}, {mw.Resolved, `"color":"Good"`}} {
		n := notify.Sample(now, "")
		n.Alert.State, n.Alert.ResolvedAt = tc.state, now
		b, err := json.Marshal(Message(alerts.ContentOf(alerts.Presentation{}, n)))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), tc.want) {
			t.Errorf("%s: no %s in %s", tc.state, tc.want, b)
		}
	}
}
