package scoring

import (
	"strings"

	mw "github.com/mentionwatch/mentionwatch"
)

// placeholder is the walking skeleton's scorer: a tiny keyword lexicon. The
// real scorer (VADER method for English, a trained model for Indonesian,
// stage and aspect rules) replaces it.
type placeholder struct{}

// NewScorer returns the default scorer for the configured brands.
func NewScorer(brands []mw.Brand) Scorer { return placeholder{} }

var (
	negWords = []string{"late", "terlambat", "belum sampai", "broken", "rusak", "kecewa", "refund", "worst", "scam", "lambat", "lemot", "never", "crash"}
	posWords = []string{"love", "great", "mantul", "bagus", "recommended", "excellent", "puas"}
)

func (placeholder) Score(m *mw.Mention) {
	t := Fold(m.Title + " " + m.Text)
	s := float32(0)
	for _, w := range negWords {
		if strings.Contains(t, w) {
			s -= 0.5
		}
	}
	for _, w := range posWords {
		if strings.Contains(t, w) {
			s += 0.5
		}
	}
	s = max(-1, min(1, s))
	m.Sentiment = s
	switch {
	case s <= -0.05:
		m.Label = mw.Negative
	case s >= 0.05:
		m.Label = mw.Positive
	default:
		m.Label = mw.Neutral
	}
	m.Lang = "en"
	m.Stage = mw.StageUnknown
	m.Reach = 1
	if strings.Contains(t, "paket") || strings.Contains(t, "delivery") || strings.Contains(t, "kurir") {
		m.Stage = mw.AMOT
		m.Aspects = append(m.Aspects, "delivery")
	}
}
