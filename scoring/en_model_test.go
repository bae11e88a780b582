package scoring

import (
	"bytes"
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

// Training is deterministic: the same rows give the same bytes.
func TestENTrainDeterministic(t *testing.T) {
	set := complaintSet(t, "complaints_design")
	var train, valid []Labeled
	for i, it := range set.Items {
		l := Labeled{Text: it.Text, Class: it.Class}
		if i%4 == 0 {
			valid = append(valid, l)
		} else {
			train = append(train, l)
		}
	}
	opts := ENTrainOptions{Seed: 1, Epochs: 3, Configs: []enConfig{{Bits: 12, Negate: true, RuleBin: true}}}
	var out [2]bytes.Buffer
	for i := range out {
		r, err := TrainSentimentEN(train, valid, opts)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Model.encode(&out[i]); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
		t.Error("two trainings on the same rows wrote different bytes")
	}
	m, err := decodeENModel(out[0].Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if m.cfg != opts.Configs[0] {
		t.Errorf("decoded config %+v, want %+v", m.cfg, opts.Configs[0])
	}
	if _, err := decodeENModel([]byte("not a model")); err == nil {
		t.Error("garbage decoded without an error")
	}
}

// The embedded model is what `mentionwatch train sentiment-en` builds
// from the shared data (about 10 s; skipped with -short or without the
// data). It fails after a change to the tokenizer, the rules or the
// vocabulary that moves the features: retrain then.
func TestENModelReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	dir := filepath.Join(dataDir, "sentiment-en", "semeval")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no shared data at", dir)
	}
	var train []Labeled
	for _, f := range SemEvalTrainFiles {
		r, err := ReadSemEval(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		train = append(train, r...)
	}
	valid, err := ReadSemEval(filepath.Join(dir, SemEvalValidFile))
	if err != nil {
		t.Fatal(err)
	}
	r, err := TrainSentimentEN(train, valid, ENTrainOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.Model.encode(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), enModelData) {
		t.Error("the embedded model/sentiment_en.bin.gz is not what its data trains: run mentionwatch train sentiment-en --data ../shared/data and rebuild")
	}
}
