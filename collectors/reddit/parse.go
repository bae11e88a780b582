package reddit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"net/url"
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
	LinkID               string  `json:"link_id"`    // comments: the post's fullname, t3_xxx
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
	var ls []Listing
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) > 0 && t[0] == '[' {
		// A search for several result types (type: link,comment) may
		// answer with one listing per type, in an array.
		if err := json.Unmarshal(body, &ls); err != nil {
			return Page{}, fmt.Errorf("decoding Reddit listings: %w (the API changed or a proxy answered)", err)
		}
	} else {
		var l Listing
		if err := json.Unmarshal(body, &l); err != nil {
			return Page{}, fmt.Errorf("decoding Reddit listing: %w (the API changed or a proxy answered)", err)
		}
		ls = []Listing{l}
	}
	var p Page
	for _, l := range ls {
		if l.Kind != "" && l.Kind != "Listing" {
			return Page{}, fmt.Errorf("decoding Reddit listing: got kind %q, want Listing", l.Kind)
		}
		if l.Data.After != nil && *l.Data.After != "" {
			p.After = *l.Data.After // the last listing's that pages on
		}
		for i := range l.Data.Children {
			if m, ok := toMention(&l.Data.Children[i]); ok {
				p.Items = append(p.Items, m)
			}
		}
	}
	if p.Items == nil {
		p.Items = []mw.Mention{}
	}
	return p, nil
}

// markdownText is the plain text of a title, selftext or body fetched with
// raw_json=1: markdown, not HTML, so "<module>" or "<praw.Config object>"
// is text and no tag is stripped. Entities are decoded, as Reddit's
// renderer shows them ("&amp;" reads "&").
func markdownText(s string) string {
	if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	return textutil.Clean(s)
}

// gone is s, or "" when s is the placeholder Reddit shows for a deleted
// or removed account or text: "[deleted]" is no author (as one, it made a
// single author of every deleted account) and no text to score.
func gone(s string) string {
	if s == "[deleted]" || s == "[removed]" {
		return ""
	}
	return s
}

func toMention(t *Thing) (mw.Mention, bool) {
	d := &t.Data
	if d.Name == "" || (t.Kind != "t3" && t.Kind != "t1") {
		return mw.Mention{}, false
	}
	m := mw.Mention{
		Type:     Type,
		NativeID: d.Name,
		Author:   gone(textutil.Clean(d.Author)),
	}
	switch {
	case strings.HasPrefix(d.Permalink, "/"):
		m.URL = "https://www.reddit.com" + d.Permalink
	case t.Kind == "t1" && strings.HasPrefix(d.LinkID, "t3_") && d.ID != "":
		// Some comment listings omit permalink; /comments/<post>/_/<id>/
		// is the comment's canonical address.
		m.URL = "https://www.reddit.com/comments/" + url.PathEscape(strings.TrimPrefix(d.LinkID, "t3_")) + "/_/" + url.PathEscape(d.ID) + "/"
	case d.URL != "" && t.Kind == "t3":
		m.URL = d.URL
	}
	if t.Kind == "t1" {
		m.Title = markdownText(d.LinkTitle)
		m.Text = gone(markdownText(d.Body))
	} else {
		m.Title = markdownText(d.Title)
		m.Text = gone(markdownText(d.Selftext))
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
