package scoring

import (
	"reflect"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
)

func TestMatcher(t *testing.T) {
	m := NewMatcher([]mw.Brand{{
		Name:     "Acme",
		Keywords: []string{"acme", `"acme store"`, "@acme_id", "#acmeid", "Café Ñusa"},
		Exclude:  []string{"wile e coyote"},
		Competitors: []mw.Competitor{
			{Name: "Roboclean", Keywords: []string{"roboclean"}},
		},
	}})
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"I love my ACME vacuum", []string{"Acme"}},
		{"acme's app crashed", []string{"Acme"}},
		{"acmeist art movement", nil},
		{"thanks @acme_id!", []string{"Acme"}},
		{"thanks @acme_id_support", nil},
		{"#acmeid mantul", []string{"Acme"}},
		{"acmeid without hash", nil},
		{"ngopi di cafe nusa", []string{"Acme"}},
		{"Acme vs Roboclean?", []string{"Acme", "Roboclean"}},
		{"Wile E. Coyote ordered from Acme again", nil},
		{"ordered from #acme today", []string{"Acme"}},
		{"invalid \xff\xfe utf8 acme", []string{"Acme"}},
	} {
		if got := m.Match(tc.text); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Match(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
	if m.Owner("Roboclean") != "Acme" || m.Owner("Acme") != "Acme" {
		t.Error("Owner")
	}
}

func TestPipelineOnePerBrandStableIDs(t *testing.T) {
	brands := []mw.Brand{{Name: "Acme", Keywords: []string{"acme"}, Competitors: []mw.Competitor{{Name: "Roboclean", Keywords: []string{"roboclean"}}}}}
	p := NewPipeline(brands, NewScorer(brands))
	raw := []mw.Mention{
		{Kind: "rss", NativeID: "1", Text: "Acme or Roboclean, which is better?"},
		{Kind: "rss", NativeID: "2", Text: "nothing relevant"},
	}
	out := p.Process(raw, nil)
	if len(out) != 2 || out[0].Brand != "Acme" || out[1].Brand != "Roboclean" || out[0].ID == out[1].ID {
		t.Fatalf("got %+v", out)
	}
	if out[0].ID != mw.MentionID("Acme", "rss", "1") || out[0].Label == "" {
		t.Fatalf("id or score missing: %+v", out[0])
	}
	if got := p.Process(raw, []string{"Roboclean"}); len(got) != 1 || got[0].Brand != "Roboclean" {
		t.Fatalf("only filter: %+v", got)
	}
}

func BenchmarkMatch(b *testing.B) {
	m := NewMatcher([]mw.Brand{{Name: "Acme", Keywords: []string{"acme", "acme store", "@acme_id"}}})
	text := "Paket Acme belum sampai juga padahal udah dua minggu, kecewa banget sama acme store"
	b.ReportAllocs()
	for b.Loop() {
		m.Match(text)
	}
}
