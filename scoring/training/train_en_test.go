package training

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/mentionwatch/mentionwatch/scoring"
)

// embeddedENModel is the English model package scoring embeds.
const embeddedENModel = "../model/sentiment_en.bin.gz"

// Training is deterministic: the same rows give the same bytes.
func TestENTrainDeterministic(t *testing.T) {
	sets, err := mentionSets()
	if err != nil {
		t.Fatal(err)
	}
	set := sets[0] // complaints_design
	var d ENData
	for i, it := range set.Items {
		l := scoring.Labeled{Text: it.Text, Class: it.Class}
		switch i % 4 {
		case 0:
			d.Base = append(d.Base, l)
		case 1:
			d.Reviews = append(d.Reviews, l)
		default:
			d.Folded = append(d.Folded, l)
		}
	}
	opts := ENTrainOptions{Seed: 1, Epochs: 3, Members: []scoring.ENConfig{{Bits: 12, Negate: true, RuleBin: true}, {Bits: 12, Bigrams: true, CharMin: 4, CharMax: 4}}}
	var out [2]bytes.Buffer
	for i := range out {
		r, err := TrainSentimentEN(d, opts)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Model.Encode(&out[i]); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
		t.Error("two trainings on the same rows wrote different bytes")
	}
}

// The embedded model is what `mentionwatch train sentiment-en
// --embeddings FILE` builds from the shared data and the word vectors
// (about 30 s; skipped with -short, without the data, or without
// MENTIONWATCH_EN_VECTORS naming the vectors file). It fails after a change to the tokenizer, the rules or the
// vocabulary that moves the features: retrain then.
func TestENModelReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	dir := filepath.Join(dataDir, "sentiment-en", "semeval")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no shared data at", dir)
	}
	opts := ENTrainOptions{Seed: 1}
	if ShippedENVectorsSHA256 != "" {
		path := os.Getenv("MENTIONWATCH_EN_VECTORS")
		if path == "" {
			t.Skip("the shipped English model is trained with word vectors: set MENTIONWATCH_EN_VECTORS to the file to check it (" + EmbeddingsPackage + ")")
		}
		opts.Embed = DefaultENEmbed
		var err error
		if opts.Embed.Vectors, err = LoadEmbeddings(path, opts.Embed.Words); err != nil {
			t.Fatal(err)
		}
		if opts.Embed.Vectors.SHA256 != ShippedENVectorsSHA256 {
			t.Fatalf("MENTIONWATCH_EN_VECTORS=%s has sha256 %s, the shipped model was trained with %s (%s)",
				path, opts.Embed.Vectors.SHA256, ShippedENVectorsSHA256, EmbeddingsPackage)
		}
	}
	d, err := LoadENData(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	if d.Mentions, err = ReadMentionRows(MentionRowsUnder("../.."), "en"); err != nil {
		t.Fatal(err)
	}
	opts.MentionWeight = ShippedENMentionWeight
	r, err := TrainSentimentEN(d, opts)
	if err != nil {
		t.Fatal(err)
	}
	checkEmbedded(t, r.Model.Encode, embeddedENModel,
		"mentionwatch train sentiment-en --data ../shared/data --embeddings $MENTIONWATCH_EN_VECTORS")
}
