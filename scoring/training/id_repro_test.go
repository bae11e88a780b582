package training

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mentionwatch/mentionwatch/scoring"
)

// The embedded Indonesian model is what `mentionwatch train sentiment-id`
// builds: the choice its cross-validation made (ShippedID) trained on
// smsa_train and the brand-mention rows. It fails after a change to the
// features, the data or the trainer: retrain then (the command prints
// the cross-validated choice; update ShippedID if it moved).
func TestIDModelReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	path := filepath.Join(dataDir, "sentiment-id", "smsa_train.tsv")
	if _, err := os.Stat(path); err != nil {
		t.Skip("no shared data at", path)
	}
	train, err := scoring.ReadSmSA(path)
	if err != nil {
		t.Fatal(err)
	}
	ments, err := ReadMentionRows(MentionRowsUnder("../.."), "id")
	if err != nil {
		t.Fatal(err)
	}
	opts := TrainOptions{Seed: 1, Mentions: ments, MentionWeight: ShippedID.MentionWeight}
	r := TrainSelectedID(train, ShippedID.Config, ShippedID.Epoch, opts)
	checkEmbedded(t, r.Model.Encode, "../model/sentiment_id.bin.gz",
		"mentionwatch train sentiment-id --data ../shared/data, update ShippedID to its choice,")
}
