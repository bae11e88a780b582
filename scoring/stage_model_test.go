package scoring

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestStageModelCodec round-trips a model and checks that damaged model
// files give errors, not panics or a silently wrong model.
func TestStageModelCodec(t *testing.T) {
	m := randomStageModel()
	var b bytes.Buffer
	if err := m.Encode(&b); err != nil {
		t.Fatal(err)
	}
	got, err := decodeStageModel(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if got.scale != m.scale || got.bias != m.bias || got.ev != m.ev || !slices.Equal(got.q, m.q) {
		t.Error("decoded model differs from the encoded one")
	}
	raw := func(mutate func([]byte) []byte) []byte {
		zr, _ := gzip.NewReader(bytes.NewReader(b.Bytes()))
		p, _ := io.ReadAll(zr)
		var out bytes.Buffer
		zw := gzip.NewWriter(&out)
		zw.Write(mutate(p))
		zw.Close()
		return out.Bytes()
	}
	for name, data := range map[string][]byte{
		"not gzip":  []byte("MWSTG1"),
		"bad magic": raw(func(p []byte) []byte { p[0] = 'X'; return p }),
		"bad bits":  raw(func(p []byte) []byte { p[len(stageModelMagic)] = 30; return p }),
		"truncated": raw(func(p []byte) []byte { return p[:len(p)-3] }),
		"trailing":  raw(func(p []byte) []byte { return append(p, 0) }),
	} {
		if _, err := decodeStageModel(data); err == nil {
			t.Errorf("%s: decoded without an error", name)
		}
	}
}

// TestDecideStageGate checks the split of work in decideStage: a mention
// with no stage evidence is unknown whatever its words, one with evidence
// gets the model's stage and probability.
func TestDecideStageGate(t *testing.T) {
	sc := NewScorer(nil)
	for _, c := range []struct {
		text string
		want string
	}{
		{"thunder and lightning tonight, what a sky", "unknown"},
		{"My order still hasn't arrived and the courier won't answer", "amot"},
		{"Udah 3 minggu pakai, baterainya makin boros", "smot"},
		{"Do not buy this, worst purchase ever. Never again.", "lmot"},
	} {
		r := ScoreText(sc, c.text)
		if string(r.Stage) != c.want {
			t.Errorf("%q: stage %s, want %s", c.text, r.Stage, c.want)
		}
		if r.StageConfidence <= 0 || r.StageConfidence > 1 {
			t.Errorf("%q: confidence %v, want in (0, 1]", c.text, r.StageConfidence)
		}
	}
}

// TestStageLogitsPacked checks the packed word sums against plain sums of
// the int16 weights, for short texts and for texts long enough to flush
// the lanes several times.
func TestStageLogitsPacked(t *testing.T) {
	texts := []string{"", "paket", "Where is my parcel? Tracking has not moved since Monday",
		strings.Repeat("kurir lama banget, ", 40), strings.Repeat("great battery life ", 100) + "worst update ever"}
	for _, m := range []*StageModel{stageMdl, randomStageModel()} {
		for _, text := range texts {
			s := getScratch()
			s.tokenize(text)
			ev := s.stageEvidence(0)
			got := m.logits(s, &ev)
			var acc [numStages]int64
			n := 0
			for i := range s.toks {
				for c := range acc {
					acc[c] += int64(m.q[stageBucket(s.toks[i].h)*numStages+c])
				}
				n++
			}
			want := m.bias
			for c := range want {
				want[c] += float32(acc[c]) * (m.scale * stageWordScale(n))
			}
			m.addEvidence(&want, &ev)
			putScratch(s)
			if got != want {
				t.Errorf("%d tokens: logits %v, want %v", n, got, want)
			}
		}
	}
}

// randomStageModel has weights across the whole int16 range.
func randomStageModel() *StageModel {
	m := newStageModel()
	r := rand.New(rand.NewPCG(1, 2))
	for i := range m.q {
		m.q[i] = int16(r.IntN(65535) - 32767)
	}
	m.q[0], m.q[1] = 32767, -32767
	m.scale = 1e-3
	m.pack()
	return m
}

// TestStageEvidenceNonNegative guards an assumption of decide, which
// compares the evidence as float bits: no cue adds negative evidence.
func TestStageEvidenceNonNegative(t *testing.T) {
	all := append([]*cue(nil), wordCues[1:]...)
	for _, c := range phraseMap {
		all = append(all, c)
	}
	for _, c := range all {
		for st, w := range c.stage {
			if w < 0 || w != w {
				t.Fatalf("a cue adds %v evidence for stage %d: decide needs evidence >= 0", w, st)
			}
		}
	}
	if stageQuestion < 0 || stageAddress < 0 || stageDuration < 0 || stageStars < 0 {
		t.Fatal("a structural signal is negative")
	}
}
