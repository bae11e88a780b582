package hackernews

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors/textutil"
)

// Response is the Algolia HN search response (the fields we read).
type Response struct {
	Hits        []Hit `json:"hits"`
	NbHits      int   `json:"nbHits"`
	NbPages     int   `json:"nbPages"`
	Page        int   `json:"page"`
	HitsPerPage int   `json:"hitsPerPage"`
}

// Hit is one story or comment.
type Hit struct {
	ObjectID    string   `json:"objectID"`
	CreatedAtI  int64    `json:"created_at_i"`
	Author      string   `json:"author"`
	Title       string   `json:"title"`
	URL         string   `json:"url"`
	StoryText   string   `json:"story_text"`
	CommentText string   `json:"comment_text"`
	Points      *int     `json:"points"`
	NumComments *int     `json:"num_comments"`
	StoryID     *int64   `json:"story_id"`
	StoryTitle  string   `json:"story_title"`
	ParentID    *int64   `json:"parent_id"`
	Tags        []string `json:"_tags"`
}

// PageInfo is the pagination part of a response.
type PageInfo struct {
	NbPages int
	Page    int
}

// Parse decodes one search response into raw mentions. A body that is not
// a search response is an error naming the cause.
func Parse(body []byte) ([]mw.Mention, PageInfo, error) {
	var r Response
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, PageInfo{}, fmt.Errorf("decoding Algolia HN response: %w (the API changed or a proxy answered)", err)
	}
	out := make([]mw.Mention, 0, len(r.Hits))
	for i := range r.Hits {
		if m, ok := toMention(&r.Hits[i]); ok {
			out = append(out, m)
		}
	}
	return out, PageInfo{NbPages: r.NbPages, Page: r.Page}, nil
}

func toMention(h *Hit) (mw.Mention, bool) {
	if h.ObjectID == "" {
		return mw.Mention{}, false
	}
	m := mw.Mention{
		Type:      Type,
		NativeID:  h.ObjectID,
		URL:       "https://news.ycombinator.com/item?id=" + h.ObjectID,
		Author:    textutil.Clean(h.Author),
		Published: time.Unix(h.CreatedAtI, 0).UTC(),
	}
	if h.CommentText != "" || isComment(h) {
		m.Title = textutil.PlainText(h.StoryTitle)
		m.Text = textutil.PlainText(h.CommentText)
	} else {
		m.Title = textutil.PlainText(h.Title)
		m.Text = textutil.PlainText(h.StoryText)
		if m.Text == "" && h.URL != "" {
			m.Text = textutil.Clean(h.URL)
		}
	}
	return m, true
}

func isComment(h *Hit) bool {
	for _, t := range h.Tags {
		if t == "comment" {
			return true
		}
	}
	return h.ParentID != nil && strings.TrimSpace(h.Title) == ""
}
