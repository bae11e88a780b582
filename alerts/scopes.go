package alerts

import (
	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/query"
	"github.com/mentionwatch/mentionwatch/scoring"
)

// Scopes are the scopes an alert of brands can have: the brand's whole
// volume (ScopeBrand), a critical mention, a volume drop, a stage and an
// aspect (the built-in ones and the brands' own). A silence of any other
// scope would mute nothing, since Silence.Matches compares scopes exactly.
func Scopes(brands []mw.Brand) []string {
	out := []string{ScopeBrand, ScopeMention, ScopeVolume}
	for _, st := range mw.Stages {
		if st != mw.StageUnknown { // no alert watches the unknown stage
			out = append(out, "stage:"+string(st))
		}
	}
	for _, a := range scoring.AspectNames(brands) {
		out = append(out, "aspect:"+a)
	}
	return out
}

// CheckScope returns nil when scope is "" (every scope) or one of Scopes,
// else an error that names the closest scope and lists them.
func CheckScope(scope string, brands []mw.Brand) error {
	return query.CheckOne("scope", scope, Scopes(brands))
}
