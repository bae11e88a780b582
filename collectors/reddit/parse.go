package reddit

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors/textutil"
)

// Listing is Reddit's paged list of things (the fields we read).
type Listing struct {
	Kind string `json:"kind"`
	Data struct {
		After    *string `json:"after"`
		Before   *string `json:"before"`
		Dist     int     `json:"dist"`
		Children []Thing `json:"children"`
	} `json:"data"`
}

// Thing is one child: kind t3 (post) or t1 (comment).
type Thing struct {
	Kind string    `json:"kind"`
	Data ThingData `json:"data"`
}

// ThingData holds the post and comment fields we read.
type ThingData struct {
	ID                   string  `json:"id"`
	Name                 string  `json:"name"` // fullname: t3_xxx, t1_xxx
	Title                string  `json:"title"`
	Selftext             string  `json:"selftext"`
	Body                 string  `json:"body"`       // comments
	LinkTitle            string  `json:"link_title"` // comments
	Author               string  `json:"author"`
	Permalink            string  `json:"permalink"`
	URL                  string  `json:"url"`
	CreatedUTC           float64 `json:"created_utc"`
	Score                int     `json:"score"`
	Subreddit            string  `json:"subreddit"`
	SubredditSubscribers int64   `json:"subreddit_subscribers"`
	NumComments          int     `json:"num_comments"`
}

// Page is one parsed listing page.
type Page struct {
	Items []mw.Mention
	After string // the next page's "after", "" at the end
}

// Parse decodes one search listing into raw mentions.
func Parse(body []byte) (Page, error) {
	var l Listing
	if err := json.Unmarshal(body, &l); err != nil {
		return Page{}, fmt.Errorf("decoding Reddit listing: %w (the API changed or a proxy answered)", err)
	}
	if l.Kind != "" && l.Kind != "Listing" {
		return Page{}, fmt.Errorf("decoding Reddit listing: got kind %q, want Listing", l.Kind)
	}
	p := Page{Items: make([]mw.Mention, 0, len(l.Data.Children))}
	if l.Data.After != nil {
		p.After = *l.Data.After
	}
	for i := range l.Data.Children {
		if m, ok := toMention(&l.Data.Children[i]); ok {
			p.Items = append(p.Items, m)
		}
	}
	return p, nil
}

func toMention(t *Thing) (mw.Mention, bool) {
	d := &t.Data
	if d.Name == "" || (t.Kind != "t3" && t.Kind != "t1") {
		return mw.Mention{}, false
	}
	m := mw.Mention{
		Kind:     Kind,
		NativeID: d.Name,
		Author:   textutil.Clean(d.Author),
	}
	if strings.HasPrefix(d.Permalink, "/") {
		m.URL = "https://www.reddit.com" + d.Permalink
	} else if d.URL != "" {
		m.URL = d.URL
	}
	if t.Kind == "t1" {
		m.Title = textutil.PlainText(d.LinkTitle)
		m.Text = textutil.PlainText(d.Body)
	} else {
		m.Title = textutil.PlainText(d.Title)
		m.Text = textutil.PlainText(d.Selftext)
	}
	// The author's karma needs one more call per author; the audience of
	// the subreddit is what the listing gives.
	if d.SubredditSubscribers > 0 {
		m.AuthorReach = uint32(min(d.SubredditSubscribers, math.MaxUint32))
	}
	if d.CreatedUTC > 0 && d.CreatedUTC < 1e11 {
		sec, frac := math.Modf(d.CreatedUTC)
		m.Published = time.Unix(int64(sec), int64(frac*1e9)).UTC()
	} else {
		m.Published = time.Unix(0, 0).UTC()
	}
	return m, true
}
