package mentionwatch

import (
	"fmt"
	"maps"
	"sync"
)

// SourceTraits is what a source type declares about itself when it
// registers (collectors.Register). Config validation and scoring read
// them here, by the type's name, so a new source type touches only its
// own folder and collectors/all, and scoring need not import collectors.
type SourceTraits struct {
	// ReachWeight is how far a mention from this type carries, against a
	// forum post's 1.0: news and review sites more (1.3-1.5), small
	// social networks less (0.9). A mention's reach is ReachWeight ×
	// (1 + log10(1 + author reach)). It must be > 0: a type that does not
	// declare one is refused at registration, not weighted 1 by chance.
	ReachWeight float64
	// OwnPage: the type's items sit on one brand's own page (an app's
	// reviews, a product's review page) and rarely name the brand. A
	// source of this type needs exactly one brand (the only configured
	// brand by default), and items that name no brand are that brand's.
	OwnPage bool
	// Reviews: the type's items are reviews, a customer's verdict on a
	// product, app or place (an app store's reviews, a review page).
	// Scoring reads their English sentiment in the review register
	// (docs/SCORING.md): the label follows the blended score rather than
	// the tweet-trained model's class.
	Reviews bool
}

// ReviewType is the type (Mention.Type) of a review that comes from no
// registered source: review texts imported or evaluated as such (`eval
// sentiment` scores the VADER review sentences as ReviewType). The scorer
// reads it as a type that declares Reviews.
const ReviewType = "review"

// UnknownReachWeight is the reach weight of a mention whose Type no
// registered source type declares: a bare text scored by the CLI, or a
// stored mention of a type since removed.
const UnknownReachWeight = 1.0

var (
	traitsMu sync.RWMutex
	traits   = map[string]SourceTraits{}
)

// DeclareSourceType records the traits of source type typ. It is called
// from init() (collectors.Register), before any goroutine reads the
// table. It fails on an empty name, a second declaration of typ, or a
// ReachWeight that is not > 0.
func DeclareSourceType(typ string, t SourceTraits) error {
	if typ == "" {
		return fmt.Errorf("declaring a source type: empty name")
	}
	if !(t.ReachWeight > 0) {
		return fmt.Errorf("declaring source type %q: ReachWeight is %v: declare how far its mentions carry (> 0; 1 is a forum post)", typ, t.ReachWeight)
	}
	traitsMu.Lock()
	defer traitsMu.Unlock()
	if _, dup := traits[typ]; dup {
		return fmt.Errorf("declaring source type %q: declared twice", typ)
	}
	traits[typ] = t
	return nil
}

// SourceTypeTraits returns the declared traits of typ; ok is false when no
// registered source type has that name.
func SourceTypeTraits(typ string) (t SourceTraits, ok bool) {
	traitsMu.RLock()
	defer traitsMu.RUnlock()
	t, ok = traits[typ]
	return t, ok
}

// SourceTypeTable returns a copy of every declared source type's traits,
// for readers that snapshot them once (the scorer, the pipeline).
func SourceTypeTable() map[string]SourceTraits {
	traitsMu.RLock()
	defer traitsMu.RUnlock()
	return maps.Clone(traits)
}
