// Package scoring turns raw collected items into scored mentions: brand
// matching, then language, sentiment, moment-of-truth stage, aspects and
// reach.
package scoring

import (
	mw "github.com/mentionwatch/mentionwatch"
)

// Scorer fills the scoring fields of one mention in place: Lang,
// Sentiment, Label, Stage, StageConfidence, Aspects and Reach. It must be
// safe for concurrent use and must not do I/O.
type Scorer interface {
	Score(m *mw.Mention)
}

// Pipeline matches raw items to brands and scores the mentions.
type Pipeline struct {
	match  *Matcher
	scorer Scorer
}

// NewPipeline builds the chain for the configured brands.
func NewPipeline(brands []mw.Brand, scorer Scorer) *Pipeline {
	return &Pipeline{match: NewMatcher(brands), scorer: scorer}
}

// OwnPageKinds are source types whose items sit on one brand's own page
// (an app's reviews, a product's review page): their texts rarely name the
// brand, so a source of these kinds limited to one brand assigns its items
// to that brand when no brand is named.
var OwnPageKinds = map[string]bool{"appstore": true, "reviews": true}

// Process turns raw items (Brand and ID empty) into one scored mention per
// matched brand. Items that name no brand are dropped, except on a source
// of an OwnPageKinds type limited to one brand. When only is not empty,
// brands outside it (and their competitors) are ignored.
func (p *Pipeline) Process(raw []mw.Mention, only []string) []mw.Mention {
	out := make([]mw.Mention, 0, len(raw))
	for _, item := range raw {
		brands := p.match.MatchMention(&item)
		if len(brands) == 0 && len(only) == 1 && OwnPageKinds[item.Kind] {
			brands = only
		}
		for _, brand := range brands {
			if len(only) > 0 && !contains(only, brand) && !contains(only, p.match.Owner(brand)) {
				continue
			}
			m := item
			m.Brand = brand
			m.ID = mw.MentionID(brand, m.Kind, m.NativeID)
			m.Aspects = nil
			p.scorer.Score(&m)
			out = append(out, m)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
