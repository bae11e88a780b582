package x

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors"
	"github.com/mentionwatch/mentionwatch/collectors/textutil"
)

// Response is the recent search response (the fields we read).
type Response struct {
	Data     []Tweet `json:"data"`
	Includes struct {
		Users []User `json:"users"`
	} `json:"includes"`
	Meta   Meta      `json:"meta"`
	Errors []Problem `json:"errors"`
}

// Tweet is one post with the tweet.fields we ask for.
type Tweet struct {
	ID                  string       `json:"id"`
	Text                string       `json:"text"`
	AuthorID            string       `json:"author_id"`
	CreatedAt           string       `json:"created_at"`
	Lang                string       `json:"lang"`
	PublicMetrics       TweetMetrics `json:"public_metrics"`
	EditHistoryTweetIDs []string     `json:"edit_history_tweet_ids"`
	// NoteTweet holds the whole text of a post longer than 280 characters,
	// whose Text is cut ("…" and a t.co link).
	NoteTweet *struct {
		Text string `json:"text"`
	} `json:"note_tweet"`
}

// TweetMetrics are a post's public counts.
type TweetMetrics struct {
	RetweetCount    int64 `json:"retweet_count"`
	ReplyCount      int64 `json:"reply_count"`
	LikeCount       int64 `json:"like_count"`
	QuoteCount      int64 `json:"quote_count"`
	BookmarkCount   int64 `json:"bookmark_count"`
	ImpressionCount int64 `json:"impression_count"`
}

// User is an expanded author with the user.fields we ask for.
type User struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Username      string `json:"username"`
	PublicMetrics struct {
		FollowersCount int64 `json:"followers_count"`
		FollowingCount int64 `json:"following_count"`
		TweetCount     int64 `json:"tweet_count"`
		ListedCount    int64 `json:"listed_count"`
		LikeCount      int64 `json:"like_count"`
	} `json:"public_metrics"`
}

// Meta is the pagination part of a response.
type Meta struct {
	NewestID    string `json:"newest_id"`
	OldestID    string `json:"oldest_id"`
	ResultCount int    `json:"result_count"`
	NextToken   string `json:"next_token"`
}

// Problem is a partial error the API reports next to the data.
type Problem struct {
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Type   string `json:"type"`
}

// Page is one parsed page.
type Page struct {
	Items     []mw.Mention
	NewestID  string // the newest tweet id on the page
	NextToken string // "" on the last page
}

// Parse decodes one recent search response into raw mentions, joining each
// post with its expanded author.
func Parse(body []byte) (Page, error) {
	var r Response
	if err := json.Unmarshal(body, &r); err != nil {
		return Page{}, fmt.Errorf("decoding X search response: %w (the API changed or a proxy answered)", err)
	}
	if r.Data == nil && r.Meta.ResultCount == 0 && r.Meta.NewestID == "" && len(r.Errors) > 0 {
		e := r.Errors[0]
		return Page{}, fmt.Errorf("X search answered only errors: %s: %s", collectors.ServerText(e.Title), collectors.ServerText(e.Detail))
	}
	users := make(map[string]*User, len(r.Includes.Users))
	for i := range r.Includes.Users {
		users[r.Includes.Users[i].ID] = &r.Includes.Users[i]
	}
	p := Page{Items: make([]mw.Mention, 0, len(r.Data)), NewestID: r.Meta.NewestID, NextToken: r.Meta.NextToken}
	for i := range r.Data {
		t := &r.Data[i]
		if !validID(t.ID) {
			continue
		}
		if CompareID(t.ID, p.NewestID) > 0 {
			p.NewestID = t.ID
		}
		p.Items = append(p.Items, toMention(t, users[t.AuthorID]))
	}
	if !validID(p.NewestID) {
		p.NewestID = ""
	}
	return p, nil
}

func toMention(t *Tweet, u *User) mw.Mention {
	m := mw.Mention{
		Type:     Type,
		NativeID: originalID(t),
		URL:      "https://x.com/i/web/status/" + t.ID,
		Text:     textutil.PlainText(t.Text), // the API escapes &, < and >
		LangHint: mw.LangTag(t.Lang),         // X's detection, BCP 47: "in" for Indonesian, "und" or "qme" for none
	}
	if t.NoteTweet != nil && strings.TrimSpace(t.NoteTweet.Text) != "" {
		m.Text = textutil.PlainText(t.NoteTweet.Text)
	}
	if u != nil {
		if name := textutil.Clean(u.Username); validUsername(name) {
			m.Author = name
			m.URL = "https://x.com/" + name + "/status/" + t.ID
		}
		if f := u.PublicMetrics.FollowersCount; f > 0 {
			m.AuthorReach = uint32(min(f, math.MaxUint32))
		}
	}
	if ts, err := time.Parse(time.RFC3339Nano, t.CreatedAt); err == nil {
		m.Published = ts.UTC()
	} else {
		m.Published = time.Unix(0, 0).UTC()
	}
	return m
}

// originalID is the id of the post's first version. An edit is a new post
// with a new id, and search returns the latest version, whose
// edit_history_tweet_ids lists every version oldest first: keyed by the
// first, an edited post is the mention already collected, not a second one.
func originalID(t *Tweet) string {
	if len(t.EditHistoryTweetIDs) > 0 && validID(t.EditHistoryTweetIDs[0]) {
		return t.EditHistoryTweetIDs[0]
	}
	return t.ID
}

// validID: tweet ids are decimal.
func validID(id string) bool {
	if id == "" || len(id) > 20 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}

// validUsername: letters, digits and underscores.
func validUsername(s string) bool {
	if s == "" || len(s) > 50 {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0
}
