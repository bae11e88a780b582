// Package scoring turns raw collected items into scored mentions: brand
// matching, then language, sentiment, moment-of-truth stage, aspects and
// reach.
package scoring

import (
	"context"
	"fmt"
	"slices"

	mw "github.com/mentionwatch/mentionwatch"
)

// Pipeline matches raw items to brands and scores the mentions.
type Pipeline struct {
	match   *Matcher
	scorer  *Scorer
	ownPage map[string]bool // source types declared mw.SourceTraits.OwnPage
}

// NewPipeline builds the chain for the configured brands. It reads the
// source types' traits (mw.SourceTypeTable) once: call it after the
// collectors' init() has registered them.
func NewPipeline(brands []mw.Brand, scorer *Scorer) *Pipeline {
	own := map[string]bool{}
	for k, t := range mw.SourceTypeTable() {
		if t.OwnPage {
			own[k] = true
		}
	}
	return &Pipeline{match: NewMatcher(brands), scorer: scorer, ownPage: own}
}

// Process turns raw items (Brand and ID empty) into one scored mention per
// matched brand. Items that name no brand are dropped, except on a source
// limited to one brand whose type is a brand's own page (an app's reviews,
// a product's review page: their texts rarely name the brand), where they
// are that brand's. When only is not empty, brands outside it (and their
// competitors) are ignored.
func (p *Pipeline) Process(raw []mw.Mention, only []string) []mw.Mention {
	out, _ := p.ProcessContext(context.Background(), raw, only)
	return out
}

// ProcessContext is Process that stops between items once ctx ends, with
// ctx's error and no mentions: a shutdown does not wait for a large batch
// to be scored (its items are not acknowledged, so the next run collects
// them again). One item takes at most the scoring of MaxScoredBytes.
func (p *Pipeline) ProcessContext(ctx context.Context, raw []mw.Mention, only []string) ([]mw.Mention, error) {
	out := make([]mw.Mention, 0, len(raw))
	for i, item := range raw {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("scoring %d items: stopped after %d: %w", len(raw), i, err)
		}
		brands := p.match.MatchMention(&item)
		if len(brands) == 0 && len(only) == 1 && p.ownPage[item.Type] {
			brands = only
		}
		for _, brand := range brands {
			if len(only) > 0 && !slices.Contains(only, brand) && !slices.Contains(only, p.match.Owner(brand)) {
				continue
			}
			m := item
			m.Brand = brand
			m.ID = mw.MentionID(brand, m.Type, m.NativeID)
			m.Aspects = nil
			p.scorer.Score(&m)
			out = append(out, m)
		}
	}
	return out, nil
}
