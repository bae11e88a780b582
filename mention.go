// Package mentionwatch holds the contracts shared by every part of the
// program: the Mention record, alerts, source cursors and configuration.
// It does no I/O beyond reading the configuration file.
package mentionwatch

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"strings"
	"time"
)

// Label is the sentiment class of a mention.
type Label string

// Sentiment labels.
const (
	Negative Label = "negative"
	Neutral  Label = "neutral"
	Positive Label = "positive"
)

// Stage is the customer-journey moment of truth a mention was written at.
type Stage string

// Moments of truth, in journey order, then unknown.
const (
	ZMOT         Stage = "zmot" // researching before buying
	FMOT         Stage = "fmot" // first encounter with product, listing, package
	AMOT         Stage = "amot" // paid, waiting for delivery
	SMOT         Stage = "smot" // using the product, talking to support
	LMOT         Stage = "lmot" // reviewing, recommending, warning others
	StageUnknown Stage = "unknown"
)

// Stages lists the moments of truth in journey order, then unknown.
var Stages = []Stage{ZMOT, FMOT, AMOT, SMOT, LMOT, StageUnknown}

// Mention is one public text that names a tracked brand. Fields map 1:1 to
// store columns (see docs/SCHEMA.md).
type Mention struct {
	ID          string    `json:"id"`           // stable: MentionID(brand, type, native id)
	Brand       string    `json:"brand"`        // configured brand or competitor it matched
	Source      string    `json:"source"`       // configured source name
	Type        string    `json:"kind"`         // source type (JSON and column "kind"): rss, reviews, appstore, x, ...
	NativeID    string    `json:"native_id"`    // the service's own id, or the canonical URL
	URL         string    `json:"url"`          // link to the original post
	Author      string    `json:"author"`       // handle or display name, as the service gives it
	AuthorReach uint32    `json:"author_reach"` // followers, karma or subscribers; 0 if unknown
	Title       string    `json:"title"`        // plain text, HTML stripped
	Text        string    `json:"text"`         // plain text, HTML stripped
	Rating      float32   `json:"rating"`       // 1..5 stars for reviews, 0 if none
	Published   time.Time `json:"published"`    // UTC
	Collected   time.Time `json:"collected"`    // UTC
	// LangHint is the language the service gives the post (a Mastodon
	// status's language, a Bluesky post's langs, a tweet's lang, an RSS
	// channel's language, an App Store storefront's), as LangTag keeps it;
	// "" when it gives none.
	LangHint string `json:"lang_hint"`

	// Filled by scoring.
	Lang            string   `json:"lang"`             // en, id or other
	LangBy          string   `json:"lang_by"`          // what decided Lang: LangByText or LangByHint
	Sentiment       float32  `json:"sentiment"`        // -1..1
	Label           Label    `json:"label"`            // negative | neutral | positive
	Stage           Stage    `json:"stage"`            // zmot | fmot | amot | smot | lmot | unknown
	StageConfidence float32  `json:"stage_confidence"` // 0..1
	Aspects         []string `json:"aspects"`          // delivery, price, service, quality, app, refund, ...
	Reach           float32  `json:"reach"`            // ranking weight from author reach and source, >= 0
}

// What decided a mention's Lang (Mention.LangBy).
const (
	LangByText = "text" // the words of its title and text
	LangByHint = "hint" // the text was too short to tell; LangHint said en or id
)

// LangTag is the language of a service's BCP 47 or ISO 639 tag as a
// mention keeps it (LangHint): the primary language subtag in lower case
// ("en-US" → en, "pt_BR" → pt), the legacy and three-letter codes of
// English and Indonesian as their two-letter ones (X writes "in" for
// Indonesian; "ind", "eng"), and "" for a tag that names no language
// ("und", "zxx", "mul", X's "qme" and other q.. private codes, "art") or
// is not a tag at all.
func LangTag(tag string) string {
	tag = strings.TrimSpace(tag)
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	if len(tag) < 2 || len(tag) > 3 {
		return ""
	}
	tag = strings.ToLower(tag)
	for _, r := range tag {
		if r < 'a' || r > 'z' {
			return ""
		}
	}
	switch {
	case tag == "in" || tag == "ind":
		return "id"
	case tag == "eng":
		return "en"
	case tag == "und" || tag == "zxx" || tag == "mul" || tag == "mis" || tag == "art" || tag[0] == 'q' && tag <= "qtz":
		return ""
	}
	return tag
}

// MentionID returns the stable id of a mention: a hash of the brand, the
// source type and the native id (or canonical URL). The same post matched by
// two brands gives two mentions, one per brand.
func MentionID(brand, typ, nativeID string) string {
	h := sha256.New()
	h.Write([]byte(brand))
	h.Write([]byte{0})
	h.Write([]byte(typ))
	h.Write([]byte{0})
	h.Write([]byte(nativeID))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Impact ranks mentions for responders: negativity × reach weight. A
// non-negative mention has impact 0.
func (m *Mention) Impact() float64 {
	if m.Sentiment >= 0 {
		return 0
	}
	r := float64(m.Reach)
	if r < 1 {
		r = 1
	}
	return -float64(m.Sentiment) * r
}

// Cursor is what a source remembers between runs, so that a restart does
// not collect the same items again. The store persists it as JSON.
type Cursor struct {
	LastID       string            `json:"last_id,omitempty"`       // newest native id seen (since_id style APIs)
	LastTime     time.Time         `json:"last_time,omitempty"`     // newest published time seen
	ETag         string            `json:"etag,omitempty"`          // conditional GET
	LastModified string            `json:"last_modified,omitempty"` // conditional GET
	Seen         []string          `json:"seen,omitempty"`          // recent native ids, bounded, for unordered feeds
	Extra        map[string]string `json:"extra,omitempty"`         // collector-specific state
}

// MaxSeen bounds Cursor.Seen.
const MaxSeen = 2000

// MaxNativeID bounds a native id as it is kept (in a cursor, a source's
// dedup window and the store's native_id): a longer one (a feed may send
// megabyte GUIDs) is kept as "sha256:" and its hex SHA-256 (BoundID), so
// what a source keeps stays small whatever it sends.
const MaxNativeID = 512

// BoundID is id as it is kept: itself up to MaxNativeID bytes, else
// "sha256:" and its hex SHA-256. The same id always gives the same result.
func BoundID(id string) string {
	if len(id) <= MaxNativeID {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Remember adds ids to c.Seen, keeping the newest MaxSeen (each as
// BoundID keeps it).
func (c *Cursor) Remember(ids ...string) {
	for _, id := range ids {
		c.Seen = append(c.Seen, BoundID(id))
	}
	if n := len(c.Seen); n > MaxSeen {
		c.Seen = append([]string(nil), c.Seen[n-MaxSeen:]...)
	}
}

// Clone returns a copy of c that shares no memory with it, so a collector
// can build its next cursor while cur stays as the scheduler saved it (a
// failed run keeps cur). Extra is never nil in the copy: a collector may
// write to it directly. An empty Extra marshals as an absent one.
func (c Cursor) Clone() Cursor {
	n := c
	n.Seen = slices.Clone(c.Seen)
	n.Extra = make(map[string]string, len(c.Extra))
	maps.Copy(n.Extra, c.Extra)
	return n
}

// HasSeen reports whether id is in c.Seen.
func (c *Cursor) HasSeen(id string) bool {
	id = BoundID(id)
	for _, s := range c.Seen {
		if s == id {
			return true
		}
	}
	return false
}
