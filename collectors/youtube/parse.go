package youtube

import (
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors/textutil"
)

// CommentThreadListResponse is commentThreads.list's answer (the fields we
// read).
type CommentThreadListResponse struct {
	Kind          string          `json:"kind"`
	NextPageToken string          `json:"nextPageToken"`
	PageInfo      PageInfo        `json:"pageInfo"`
	Items         []CommentThread `json:"items"`
}

// PageInfo is a list's paging summary.
type PageInfo struct {
	TotalResults   int `json:"totalResults"`
	ResultsPerPage int `json:"resultsPerPage"`
}

// CommentThread is a top-level comment and the count of its replies.
type CommentThread struct {
	ID      string `json:"id"`
	Snippet struct {
		ChannelID       string  `json:"channelId"`
		VideoID         string  `json:"videoId"`
		TopLevelComment Comment `json:"topLevelComment"`
		TotalReplyCount int64   `json:"totalReplyCount"`
		IsPublic        bool    `json:"isPublic"`
	} `json:"snippet"`
}

// Comment is one comment resource.
type Comment struct {
	ID      string `json:"id"`
	Snippet struct {
		VideoID           string `json:"videoId"`
		TextDisplay       string `json:"textDisplay"`
		AuthorDisplayName string `json:"authorDisplayName"`
		AuthorChannelURL  string `json:"authorChannelUrl"`
		AuthorChannelID   struct {
			Value string `json:"value"`
		} `json:"authorChannelId"`
		LikeCount   int64  `json:"likeCount"`
		PublishedAt string `json:"publishedAt"`
		UpdatedAt   string `json:"updatedAt"`
	} `json:"snippet"`
}

// SearchListResponse is search.list's answer (the fields we read).
type SearchListResponse struct {
	Kind          string         `json:"kind"`
	NextPageToken string         `json:"nextPageToken"`
	Items         []SearchResult `json:"items"`
}

// SearchResult is one video found.
type SearchResult struct {
	ID struct {
		Kind    string `json:"kind"`
		VideoID string `json:"videoId"`
	} `json:"id"`
	Snippet struct {
		PublishedAt  string `json:"publishedAt"`
		ChannelID    string `json:"channelId"`
		Title        string `json:"title"`
		ChannelTitle string `json:"channelTitle"`
	} `json:"snippet"`
}

// Video is a search hit whose comments are read.
type Video struct {
	ID    string
	Title string // plain text
}

// ThreadPage is one parsed comment thread page.
type ThreadPage struct {
	Items         []mw.Mention
	N             int // threads on the page
	NextPageToken string
}

// ParseThreads decodes one commentThreads.list page into raw mentions.
// title, if set, is the video's title for every item.
func ParseThreads(body []byte, title string) (ThreadPage, error) {
	var r CommentThreadListResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return ThreadPage{}, fmt.Errorf("decoding YouTube commentThreads response: %w (the API changed or a proxy answered)", err)
	}
	if r.Kind != "" && r.Kind != "youtube#commentThreadListResponse" {
		return ThreadPage{}, fmt.Errorf("decoding YouTube commentThreads response: got kind %q", r.Kind)
	}
	p := ThreadPage{Items: make([]mw.Mention, 0, len(r.Items)), N: len(r.Items), NextPageToken: r.NextPageToken}
	for i := range r.Items {
		if m, ok := toMention(&r.Items[i], title); ok {
			p.Items = append(p.Items, m)
		}
	}
	return p, nil
}

func toMention(t *CommentThread, title string) (mw.Mention, bool) {
	c := &t.Snippet.TopLevelComment.Snippet
	video := t.Snippet.VideoID
	if video == "" {
		video = c.VideoID
	}
	if t.ID == "" || video == "" {
		return mw.Mention{}, false
	}
	m := mw.Mention{
		Type:     Type,
		NativeID: t.ID,
		URL:      "https://www.youtube.com/watch?v=" + url.QueryEscape(video) + "&lc=" + url.QueryEscape(t.ID),
		Author:   textutil.Clean(c.AuthorDisplayName),
		Title:    title,
		Text:     textutil.PlainText(c.TextDisplay),
	}
	// The list gives no subscriber counts; they would cost a channels.list
	// call per 50 authors.
	if ts, err := time.Parse(time.RFC3339Nano, c.PublishedAt); err == nil {
		m.Published = ts.UTC()
	} else {
		m.Published = time.Unix(0, 0).UTC()
	}
	return m, true
}

// ParseSearch decodes a search.list answer into its videos.
func ParseSearch(body []byte) ([]Video, error) {
	var r SearchListResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("decoding YouTube search response: %w (the API changed or a proxy answered)", err)
	}
	var out []Video
	for _, it := range r.Items {
		if it.ID.VideoID != "" {
			out = append(out, Video{ID: it.ID.VideoID, Title: textutil.PlainText(it.Snippet.Title)})
		}
	}
	return out, nil
}
