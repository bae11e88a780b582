// Package digesttest holds the fixed data the digest's golden tests and the
// mail end-to-end test render: a brand with two competitors, two weeks of
// mentions (hostile text, near-copies, a javascript: link, Indonesian) and
// alerts with and without a first response.
package digesttest

import (
	"context"
	"fmt"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts/notify"
)

// Jakarta is the data's time zone (UTC+7, no daylight saving).
var Jakarta = time.FixedZone("WIB", 7*3600)

// WeekEnd ends the week 23–29 Nov 2026 (Monday 30 Nov 08:00 WIB): the
// weekly digest's clock. DayEnd (Thursday 26 Nov 08:00 WIB) ends
// Wednesday 25 Nov, the day of the near-copies and an acknowledged alert.
var (
	WeekEnd = time.Date(2026, 11, 30, 8, 0, 0, 0, Jakarta)
	DayEnd  = time.Date(2026, 11, 26, 8, 0, 0, 0, Jakarta)
)

// Hostile is the shared hostile text (alerts/notify.Hostile): tags,
// </a>, *bold*, <!channel>, @here.
const Hostile = notify.Hostile

// Brand is the configured brand.
func Brand() mw.Brand {
	return mw.Brand{Name: "Acme", Keywords: []string{"acme"},
		Competitors: []mw.Competitor{{Name: "Globex", Keywords: []string{"globex"}}, {Name: "Initech", Keywords: []string{"initech"}}}}
}

// Writer is where Seed puts the data.
type Writer interface {
	InsertMentions(ctx context.Context, ms []mw.Mention) error
	SaveAlert(ctx context.Context, a mw.Alert) error
}

func at(day, hour, min int) time.Time {
	return time.Date(2026, 11, day, hour, min, 0, 0, Jakarta).UTC()
}

type spec struct {
	brand, native, source, author, text, url string
	at                                       time.Time
	label                                    mw.Label
	stage                                    mw.Stage
	aspects                                  []string
	reach                                    float32
	rating                                   float32
}

func (s spec) mention() mw.Mention {
	sent := map[mw.Label]float32{mw.Negative: -0.7, mw.Neutral: 0, mw.Positive: 0.6}[s.label]
	src := s.source
	if src == "" {
		src = "news"
	}
	url := s.url
	if url == "" {
		url = "https://example.com/" + s.native
	}
	reach := s.reach
	if reach == 0 {
		reach = 1
	}
	m := mw.Mention{Brand: s.brand, Source: src, Type: "rss", NativeID: s.native, URL: url, Author: s.author, Text: s.text,
		Rating: s.rating, Published: s.at, Collected: s.at.Add(time.Minute), Lang: "en", Sentiment: sent, Label: s.label,
		Stage: s.stage, StageConfidence: 0.8, Aspects: s.aspects, Reach: reach}
	m.ID = mw.MentionID(s.brand, m.Type, s.native)
	return m
}

// Mentions returns the fixed mentions.
func Mentions() []mw.Mention {
	specs := []spec{
		// This week's negatives, most impactful first.
		{brand: "Acme", native: "hostile", author: "<i>angry</i> customer", text: "Order late again " + Hostile, at: at(24, 9, 15),
			label: mw.Negative, stage: mw.AMOT, aspects: []string{"delivery"}, reach: 50},
		{brand: "Acme", native: "dup1", author: "rina", text: "My order from Acme is late again, three weeks and no reply from support", at: at(25, 8, 0),
			label: mw.Negative, stage: mw.AMOT, aspects: []string{"delivery", "service"}, reach: 30},
		{brand: "Acme", native: "dup2", author: "x", text: "RT @rina: My order from Acme is late again, three weeks and no reply from support", at: at(25, 9, 0),
			label: mw.Negative, stage: mw.AMOT, aspects: []string{"delivery", "service"}, reach: 20},
		{brand: "Acme", native: "dup3", author: "y", text: "my order from acme is late again - three weeks and no reply from support!!", at: at(25, 10, 0),
			label: mw.Negative, stage: mw.AMOT, aspects: []string{"delivery", "service"}, reach: 10},
		{brand: "Acme", native: "js", author: "z", text: "Refund still missing after 30 days", url: "javascript:alert(1)", at: at(26, 14, 30),
			label: mw.Negative, stage: mw.LMOT, aspects: []string{"refund"}, reach: 8},
		{brand: "Acme", native: "id", source: "twitter", author: "budi_s", text: "Pengiriman Acme lambat banget, paket belum sampai", at: at(27, 20, 0),
			label: mw.Negative, stage: mw.AMOT, aspects: []string{"delivery"}, reach: 6},
		{brand: "Acme", native: "review", source: "playstore", author: "Sam", text: "App crashes on login since the update", at: at(28, 11, 45),
			label: mw.Negative, stage: mw.SMOT, aspects: []string{"app"}, reach: 4, rating: 1},
		{brand: "Acme", native: "price", author: "deal_hunter", text: "Acme is too pricey compared to Globex", at: at(29, 22, 10),
			label: mw.Negative, stage: mw.ZMOT, aspects: []string{"price"}, reach: 2},
		// Last week's negatives.
		{brand: "Acme", native: "p-q1", text: "Stitching came apart", at: at(17, 10, 0), label: mw.Negative, stage: mw.SMOT, aspects: []string{"quality"}},
		{brand: "Acme", native: "p-q2", text: "Quality went down", at: at(18, 10, 0), label: mw.Negative, stage: mw.SMOT, aspects: []string{"quality"}},
		{brand: "Acme", native: "p-d1", text: "Parcel one day late", at: at(19, 10, 0), label: mw.Negative, stage: mw.AMOT, aspects: []string{"delivery"}},
		{brand: "Acme", native: "p-r1", text: "Refund slow", at: at(20, 10, 0), label: mw.Negative, stage: mw.LMOT, aspects: []string{"refund"}},
		// Outside both weeks.
		{brand: "Acme", native: "old", text: "Old complaint", at: at(15, 23, 0), label: mw.Negative, stage: mw.SMOT},
		{brand: "Acme", native: "new", text: "Too new", at: time.Date(2026, 11, 30, 0, 30, 0, 0, Jakarta).UTC(), label: mw.Negative, stage: mw.SMOT},
	}
	// Positives and neutrals, spread over the days and hours.
	for i := 0; i < 12; i++ {
		specs = append(specs, spec{brand: "Acme", native: fmt.Sprintf("pos%d", i), text: "Love the new Acme jacket", at: at(23+i%7, 7+i, 5),
			label: mw.Positive, stage: []mw.Stage{mw.FMOT, mw.SMOT, mw.LMOT}[i%3], aspects: []string{"quality"}})
	}
	for i := 0; i < 8; i++ {
		specs = append(specs, spec{brand: "Acme", native: fmt.Sprintf("neu%d", i), text: "Acme store opens in Bandung", at: at(23+i%7, 12, 30),
			label: mw.Neutral, stage: mw.ZMOT})
	}
	for i := 0; i < 10; i++ {
		specs = append(specs, spec{brand: "Acme", native: fmt.Sprintf("p-pos%d", i), text: "Acme is great", at: at(16+i%7, 9, 0), label: mw.Positive, stage: mw.SMOT, aspects: []string{"quality"}})
	}
	for i := 0; i < 6; i++ {
		specs = append(specs, spec{brand: "Acme", native: fmt.Sprintf("p-neu%d", i), text: "Acme news", at: at(16+i%7, 15, 0), label: mw.Neutral, stage: mw.ZMOT})
	}
	// Competitors: Globex 15 this week (3 negative) and 20 before; Initech 5 and 5.
	for i := 0; i < 15; i++ {
		l := mw.Positive
		if i < 3 {
			l = mw.Negative
		}
		specs = append(specs, spec{brand: "Globex", native: fmt.Sprintf("g%d", i), text: "Globex", at: at(23+i%7, 10, i), label: l, stage: mw.SMOT})
	}
	for i := 0; i < 20; i++ {
		specs = append(specs, spec{brand: "Globex", native: fmt.Sprintf("p-g%d", i), text: "Globex", at: at(16+i%7, 10, i), label: mw.Neutral, stage: mw.SMOT})
	}
	for i := 0; i < 5; i++ {
		specs = append(specs, spec{brand: "Initech", native: fmt.Sprintf("i%d", i), text: "Initech", at: at(23+i, 10, 0), label: mw.Neutral, stage: mw.SMOT},
			spec{brand: "Initech", native: fmt.Sprintf("p-i%d", i), text: "Initech", at: at(16+i, 10, 0), label: mw.Neutral, stage: mw.SMOT})
	}
	ms := make([]mw.Mention, len(specs))
	for i, s := range specs {
		ms[i] = s.mention()
	}
	return ms
}

// Alerts returns the fixed alerts: three in the week (one acknowledged
// after 14 min, one never, one after 2 h 5 min), one still firing from
// before it and one after it.
func Alerts() []mw.Alert {
	return []mw.Alert{
		{ID: "a-before", Brand: "Acme", Kind: mw.AlertSpike, Scope: "brand", State: mw.Firing, StartedAt: at(20, 10, 0), UpdatedAt: at(25, 0, 0),
			Count: 9, Baseline: 1, Factor: 9},
		{ID: "a-amot", Brand: "Acme", Kind: mw.AlertSpike, Scope: "stage:amot", State: mw.Resolved, StartedAt: at(25, 10, 0), UpdatedAt: at(25, 11, 0),
			ResolvedAt: at(25, 11, 0), Count: 3, Baseline: 0.2, Factor: 3, NotifyCount: 1, AckedAt: at(25, 10, 14), AckedBy: "dina"},
		{ID: "a-critical", Brand: "Acme", Kind: mw.AlertCritical, Scope: "mention", State: mw.Firing, StartedAt: at(27, 21, 30), UpdatedAt: at(27, 21, 30),
			Reason: `1-star review on playstore: "<b>App</b> crashes"`, NotifyCount: 1},
		{ID: "a-delivery", Brand: "Acme", Kind: mw.AlertSpike, Scope: "aspect:delivery", State: mw.Resolved, StartedAt: at(28, 9, 0), UpdatedAt: at(28, 12, 0),
			ResolvedAt: at(28, 12, 0), Count: 4, Baseline: 0.5, Factor: 4, NotifyCount: 1, AckedAt: at(28, 11, 5), AckedBy: "budi"},
		{ID: "a-after", Brand: "Acme", Kind: mw.AlertSpike, Scope: "brand", State: mw.Firing, StartedAt: time.Date(2026, 11, 30, 2, 0, 0, 0, Jakarta).UTC(),
			UpdatedAt: time.Date(2026, 11, 30, 2, 0, 0, 0, Jakarta).UTC(), Count: 5, Baseline: 1, Factor: 5},
	}
}

// Seed writes the mentions and alerts to w.
func Seed(ctx context.Context, w Writer) error {
	if err := w.InsertMentions(ctx, Mentions()); err != nil {
		return fmt.Errorf("seeding mentions: %w", err)
	}
	for _, a := range Alerts() {
		if err := w.SaveAlert(ctx, a); err != nil {
			return fmt.Errorf("seeding alert %s: %w", a.ID, err)
		}
	}
	return nil
}
