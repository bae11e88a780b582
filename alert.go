package mentionwatch

import "time"

// AlertState is where an alert is in its lifecycle.
type AlertState string

// Alert states.
const (
	Firing   AlertState = "firing"
	Resolved AlertState = "resolved"
)

// Alert kinds.
const (
	AlertSpike    = "spike"    // a wave of negative mentions against the baseline
	AlertCritical = "critical" // one mention that needs an answer now
	AlertDrop     = "drop"     // a brand's mention volume far below its usual level: a source may have gone silent
)

// Alert is one episode: it starts firing, may be repeated while it fires,
// and resolves once. The store keeps the latest version of each ID.
type Alert struct {
	ID         string     // stable for the episode: brand, kind, scope, start
	Brand      string     //
	Kind       string     // AlertSpike | AlertCritical | AlertDrop
	Scope      string     // "brand", "stage:amot", "aspect:delivery", "mention"
	State      AlertState // firing | resolved
	StartedAt  time.Time  // first bucket of the episode
	UpdatedAt  time.Time  // last evaluation that changed it
	ResolvedAt time.Time  // zero while firing

	Count    float64 // negative mentions in the bucket that fired (peak); for a drop, all mentions in its lowest bucket
	Baseline float64 // expected count for that bucket
	Factor   float64 // Count / max(Baseline, 1)
	NegShare float64 // negative share in the bucket, 0..1
	Summary  string  // one line for humans
	// EpisodeTotal is, for a resolved spike, the brand's negative
	// mentions over the whole episode, from its first bucket to its end
	// (all scopes); 0 for other kinds, while firing, and for an episode
	// an operator closed.
	EpisodeTotal float64
	// Reason says why a critical alert fired ("mentions \"keracunan\"
	// (poisoning)", "1-star review on playstore"); for a resolved spike or
	// drop, why it closed other than by the wave's end (NewNormalReason,
	// or closed by an operator while it still fired); else empty.
	Reason string

	MentionIDs []string          // evidence, best first
	Breakdown  map[string]uint64 // "stage:amot" / "aspect:delivery" -> negative count

	NotifiedState AlertState // the last state delivered to every notifier
	NotifiedAt    time.Time  // when it was delivered
	NotifyCount   int        // deliveries, repeats included
	// ToldCount is, for a critical alert, its Count (the mention and its
	// near-copies) when its last message was due, told or silenced: the
	// next message is due once Count reaches 10 × ToldCount (a story
	// spreading). Zero for other kinds.
	ToldCount float64

	AckedAt time.Time // acknowledged in the dashboard; zero if not
	AckedBy string
}

// Silence mutes alerts of a brand (and optionally one scope) until Until.
// A silence made from an alert (its Silence link, the dashboard) also
// holds for that alert: a spike episode's scope follows its peak
// ("aspect:delivery", then "brand"), and its later messages must stay
// muted.
type Silence struct {
	ID        string
	Brand     string // "" means every brand
	Scope     string // "" means every scope
	AlertID   string // the alert it was made from, muted whatever its scope becomes; "" for none
	Until     time.Time
	Reason    string
	CreatedBy string
	CreatedAt time.Time
}

// Matches reports whether s mutes alert a at time now.
func (s Silence) Matches(a Alert, now time.Time) bool {
	if !now.Before(s.Until) {
		return false
	}
	if s.Brand != "" && s.Brand != a.Brand {
		return false
	}
	return s.Scope == "" || s.Scope == a.Scope || s.AlertID != "" && s.AlertID == a.ID
}
