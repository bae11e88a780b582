package bluesky

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors/textutil"
)

// SearchResponse is the output of app.bsky.feed.searchPosts (the fields we
// read).
type SearchResponse struct {
	Cursor    string     `json:"cursor"`
	HitsTotal *int64     `json:"hitsTotal"`
	Posts     []PostView `json:"posts"`
}

// PostView is app.bsky.feed.defs#postView.
type PostView struct {
	URI         string      `json:"uri"`
	CID         string      `json:"cid"`
	Author      ProfileView `json:"author"`
	Record      PostRecord  `json:"record"`
	ReplyCount  int64       `json:"replyCount"`
	RepostCount int64       `json:"repostCount"`
	LikeCount   int64       `json:"likeCount"`
	QuoteCount  int64       `json:"quoteCount"`
	IndexedAt   string      `json:"indexedAt"`
}

// ProfileView is app.bsky.actor.defs#profileViewBasic, plus the counts of
// #profileViewDetailed that getProfiles returns.
type ProfileView struct {
	DID            string `json:"did"`
	Handle         string `json:"handle"`
	DisplayName    string `json:"displayName"`
	FollowersCount int64  `json:"followersCount"`
}

// PostRecord is the app.bsky.feed.post record. Its times are strings:
// records are written by clients and an odd datetime must not fail the
// page.
type PostRecord struct {
	Type      string   `json:"$type"`
	Text      string   `json:"text"`
	CreatedAt string   `json:"createdAt"`
	Langs     []string `json:"langs"`
}

// Page is one parsed search page.
type Page struct {
	Items   []mw.Mention
	Indexed []time.Time // indexedAt of each item, for the mark
	N       int         // posts on the page
	Cursor  string      // the next page's cursor, "" at the end
}

// Parse decodes one searchPosts response into raw mentions.
func Parse(body []byte) (Page, error) {
	var r SearchResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return Page{}, fmt.Errorf("decoding Bluesky searchPosts response: %w (the API changed or a proxy answered)", err)
	}
	p := Page{Items: make([]mw.Mention, 0, len(r.Posts)), Indexed: make([]time.Time, 0, len(r.Posts)), N: len(r.Posts), Cursor: r.Cursor}
	for i := range r.Posts {
		if m, at, ok := toMention(&r.Posts[i]); ok {
			p.Items = append(p.Items, m)
			p.Indexed = append(p.Indexed, at)
		}
	}
	return p, nil
}

func toMention(v *PostView) (mw.Mention, time.Time, bool) {
	did, rkey, ok := splitPostURI(v.URI)
	if !ok {
		return mw.Mention{}, time.Time{}, false
	}
	profile := textutil.Clean(v.Author.Handle)
	if profile == "" || profile == "handle.invalid" || strings.ContainsAny(profile, "/?#") {
		profile = did
	}
	indexed := parseTime(v.IndexedAt)
	m := mw.Mention{
		Type:      Type,
		NativeID:  v.URI,
		URL:       "https://bsky.app/profile/" + profile + "/post/" + rkey,
		Author:    profile,                       // the DID when the handle does not verify
		Text:      textutil.Clean(v.Record.Text), // plain text already: a '<' is text
		Published: parseTime(v.Record.CreatedAt),
	}
	if len(v.Record.Langs) > 0 {
		m.LangHint = mw.LangTag(v.Record.Langs[0]) // BCP 47, up to 3, the author's (or the app's) choice
	}
	if m.Published.IsZero() || m.Published.After(indexed.Add(24*time.Hour)) && !indexed.IsZero() {
		m.Published = indexed // missing, odd or far-future createdAt
	}
	if m.Published.IsZero() {
		m.Published = time.Unix(0, 0).UTC()
	}
	if f := v.Author.FollowersCount; f > 0 {
		m.AuthorReach = uint32(min(f, math.MaxUint32))
	}
	return m, indexed, true
}

// splitPostURI splits at://<did>/app.bsky.feed.post/<rkey>.
func splitPostURI(uri string) (did, rkey string, ok bool) {
	rest, found := strings.CutPrefix(uri, "at://")
	if !found {
		return "", "", false
	}
	did, rest, ok1 := strings.Cut(rest, "/")
	coll, rkey, ok2 := strings.Cut(rest, "/")
	if !ok1 || !ok2 || did == "" || coll != "app.bsky.feed.post" || rkey == "" || !printableASCII(did) || !printableASCII(rkey) ||
		strings.ContainsAny(rkey, "/?#") || strings.ContainsAny(did, "?#") {
		return "", "", false
	}
	return did, rkey, true
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// parseTime reads an AT Protocol datetime (RFC 3339), in UTC; zero if it
// cannot.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// ProfilesResponse is the output of app.bsky.actor.getProfiles.
type ProfilesResponse struct {
	Profiles []ProfileView `json:"profiles"`
}

// ParseProfiles adds each profile's followers count to followers, by
// handle (and by DID, which stands for a handle that does not verify).
func ParseProfiles(body []byte, followers map[string]uint32) error {
	var r ProfilesResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return fmt.Errorf("decoding Bluesky getProfiles response: %w", err)
	}
	for _, p := range r.Profiles {
		if p.FollowersCount > 0 {
			n := uint32(min(p.FollowersCount, math.MaxUint32))
			followers[textutil.Clean(p.Handle)] = n
			followers[p.DID] = n
		}
	}
	return nil
}
