package mastodon

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	gomastodon "github.com/mattn/go-mastodon"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/collectors/textutil"
)

// Page is one parsed page of statuses.
type Page struct {
	Items []mw.Mention
	N     int    // statuses on the page, boosts and unusable ones included
	MaxID string // the newest status id on the page, for min_id
}

// ParseTimeline decodes a timeline page (a JSON array of Status) from the
// instance host.
func ParseTimeline(body []byte, host string) (Page, error) {
	var ss []*gomastodon.Status
	if err := json.Unmarshal(body, &ss); err != nil {
		return Page{}, fmt.Errorf("decoding Mastodon timeline: %w (the API changed or a proxy answered)", err)
	}
	return page(ss, host), nil
}

// ParseSearch decodes a /api/v2/search response and reads its statuses.
func ParseSearch(body []byte, host string) (Page, error) {
	var r gomastodon.Results
	if err := json.Unmarshal(body, &r); err != nil {
		return Page{}, fmt.Errorf("decoding Mastodon search results: %w (the API changed or a proxy answered)", err)
	}
	return page(r.Statuses, host), nil
}

func page(ss []*gomastodon.Status, host string) Page {
	p := Page{Items: make([]mw.Mention, 0, len(ss)), N: len(ss)}
	for _, s := range ss {
		if s == nil || s.ID == "" {
			continue
		}
		if id := string(s.ID); CompareID(id, p.MaxID) > 0 {
			p.MaxID = id
		}
		if m, ok := toMention(s, host); ok {
			p.Items = append(p.Items, m)
		}
	}
	return p
}

// toMention maps a status. Boosts are skipped: the boosted status is the
// mention, and it turns up in the timeline or search on its own. The native
// id is the status URI, the same on every instance (ids are per instance).
func toMention(s *gomastodon.Status, host string) (mw.Mention, bool) {
	if s.Reblog != nil {
		return mw.Mention{}, false
	}
	id := s.URI
	if id == "" {
		id = "https://" + host + "/statuses/" + string(s.ID)
	}
	m := mw.Mention{
		Type:      Type,
		NativeID:  textutil.Clean(id),
		URL:       textutil.Clean(s.URL),
		Author:    textutil.Clean(acct(s.Account.Acct, host)),
		Title:     textutil.PlainText(s.SpoilerText),
		Text:      textutil.PlainText(keepLinks(s.Content)),
		Published: s.CreatedAt.UTC(),
		LangHint:  mw.LangTag(s.Language), // ISO 639-1 the author (or the client) chose; null when none
	}
	if m.URL == "" {
		m.URL = m.NativeID
	}
	if f := s.Account.FollowersCount; f > 0 {
		m.AuthorReach = uint32(min(f, math.MaxUint32))
	}
	if s.CreatedAt.IsZero() {
		m.Published = time.Unix(0, 0).UTC()
	}
	return m, true
}

// acct is the account's full address: local accounts come without a domain.
func acct(a, host string) string {
	if a == "" || strings.ContainsRune(a, '@') {
		return a
	}
	return a + "@" + host
}
