package scoring

import (
	"os"
	"path/filepath"
	"testing"
)

// enTestTexts are English texts of the shapes the model's features treat
// apart: handles, links, elongations, negation scopes, clause breaks,
// emoji, unknown words.
var enTestTexts = []string{
	"@Zapkart my order never came, not happy at all!!! http://t.co/abc",
	"sooooo good, can't wait for the new season :) #excited",
	"The app doesn't work. Great update, thanks www.example.com",
	"Not bad, not great, just meh?",
	"I don't think the courier even tried to deliver it",
	"LOVE LOVE LOVE this coffee 😍😍",
	"Flight delayed again, no info from the crew, nothing",
	"",
	"Xyzzyq qwertyuiop zzzzzzzz",
}

// complaintSet reads one of the complaint and praise sets, which the
// evaluation (scoring/training) embeds.
func complaintSet(t *testing.T, name string) EvalSet {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("training", "testdata", name+".tsv"))
	if err != nil {
		t.Fatal(err)
	}
	set, err := ParseMentions(name, string(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return set
}

// The scorer sums the model's weights as it walks the tokens; training
// builds feature lists. Both must give the same scores.
func TestENInlineMatches(t *testing.T) {
	loadModels()
	m := sentimentEN
	if m == nil {
		t.Skip("no English model embedded")
	}
	texts := enTestTexts
	for _, name := range []string{"complaints_design", "complaints_unseen"} {
		for _, it := range complaintSet(t, name).Items {
			texts = append(texts, it.Text)
		}
	}
	s := getScratch()
	defer putScratch(s)
	for _, text := range texts {
		s.reset()
		s.tokenize(text)
		rule := s.ruleCompoundEN()
		d := s.enDense(rule)
		feats := s.enFeatures(m.cfg, rule, nil)
		want := m.scores(feats, &d)
		got := m.scoresInline(s, rule, &d)
		if got != want {
			t.Errorf("%q: inline scores %v, feature list %v", text, got, want)
		}
	}
}
