package critical

import (
	"fmt"
	"strings"
	"testing"
)

// cases: text and the category Find must report ("" for no harm).
var cases = []struct {
	text, want string
}{
	// English: harms, with inflections and slang.
	{"Got food poisoning from the chicken at @BurgerBarn, up all night", "poisoning"},
	{"my son was poisoned by the milk they sold us", "poisoning"},
	{"whole family vomiting since we ate the dumplings from GoldenWok", "poisoning"},
	{"threw up all night after the sushi delivery", "poisoning"},
	{"the salad made me so sick", "poisoning"},
	{"the \"nut free\" bowl had cashews in the sauce, my daughter needed her adrenaline pen", "poisoning"},
	{"had to use the epi pen after their cookies", "poisoning"},
	{"the charger burned my daughter's arm, we bought it at TechStore", "injury"},
	{"my kid choked on a part of the toy", "injury"},
	{"I was injured when the shelf at HomeMart fell on me", "injury"},
	{"My son died after taking the cough syrup", "death"},
	{"our cat is dead after eating the PetPlus kibble", "death"},
	{"the power bank caught fire in my bag", "fire"},
	{"the laptop battery exploded while charging", "fire"},
	{"this seller is a scammer, took my money", "fraud"},
	{"got scammmed by a fake CS account", "fraud"},
	{"unauthorized transactions on my card after paying at the store", "fraud"},
	{"they leaked my home address to other users", "leak"},
	{"data breach at the bank, all passwords exposed", "leak"},
	{"I'm suing them for every penny", "legal"},
	{"see you in court @RentCar", "legal"},
	{"I called the police on the delivery driver", "police"},
	{"Reporting this to the FDA", "regulator"},
	{"filed a complaint with consumer protection", "regulator"},
	{"#BoycottAcme until they pay their workers", "boycott"},
	{"everyone stop buying from them", "boycott"},
	{"please retweet so @AirFly sees this", "viral"},
	{"the video of their driver kicking a cat went viral", "viral"},
	// Indonesian: affixes, slang, reduplication.
	{"keracunan abis makan bakso di warung itu", "poisoning"},
	{"gw kayaknya diracunin sama resto itu", "poisoning"},
	{"anak gw muntah2 abis minum susu kemasan", "poisoning"},
	{"gw ketipu seller online", "fraud"},
	{"hati2 penipuan atas nama bank", "fraud"},
	{"toko ini menipu pembeli", "fraud"},
	{"gw tertipuuu parah", "fraud"},
	{"saldo gw raib 2jt", "fraud"},
	{"data pelanggan bocor", "leak"},
	{"datanya dibocorin ke debt collector", "leak"},
	{"udah lapor polisi", "police"},
	{"seller nya gw polisikan aja", "police"},
	{"kasus ini dilaporkan ke polres", "police"},
	{"kami kirim somasi ke PT itu", "legal"},
	{"perusahaan digugat konsumen", "legal"},
	{"lapor ke BPOM aja", "regulator"},
	{"ngadu ke OJK soal pinjol ini", "regulator"},
	{"ayo boikot produk ini", "boycott"},
	{"viralin aja biar ditanggepin", "viral"},
	{"tolong viralkan", "viral"},
	{"hp gw meledak pas dicas", "fire"},
	{"kebakaran di gudang ekspedisi", "fire"},
	{"bapak saya meninggal setelah ditangani rumah sakit itu", "death"},
	{"kucing gw mati abis makan makanan kucing merk itu", "death"},
	{"kulit melepuh setelah pake krim dari olshop itu", "injury"},
	{"jari anak saya luka kena pisau blender", "injury"},
	// Harms as other writers put them (thirteenth session).
	{"the kettle base gave me an electric shock when I touched it", "injury"},
	{"kipasnya nyetrum pas dipegang, tangan gw kesemutan", "injury"},
	{"the pharmacy gave my mum the wrong dose and she collapsed", "injury"},
	{"got whiplash when the taxi braked hard", "injury"},
	{"the driver was driving recklessly and I feared for my life", "injury"},
	{"got blisters on my face from their serum", "injury"},
	{"someone logged into my streaming account and bought a year of premium", "fraud"},
	{"ada yang ngaku CS minta kode OTP, saldo langsung hilang", "fraud"},
	{"three charges on my card I didn't make after shopping there", "fraud"},
	{"the heater sparked and scorched the wall", "fire"},
	{"the fire exit was locked at the hotel during the alarm", "fire"},
	{"found a piece of glass in my cereal", "poisoning"},
	{"I'm talking to a lawyer about this airline", "legal"},
	{"reported the clinic to the medical board", "regulator"},
	// Near-misses.
	{"senyum baristanya nyetrum, kopinya enak", ""},
	{"Does the Northside Urgent Care take walk-ins?", ""},
	{"kartu debit gw ketelen mesin ATM", ""},
	{"this deal is smoking hot", ""},
	{"the smoking area at the cafe is tiny", ""},
	{"money down the drain on this course", ""},
	{"almost died laughing at their ad", ""},
	{"free fire safety demo at the store on Saturday", ""},
	{"the bank is adding new checks to tackle fraud", ""},
	{"what a killer deal", ""},
	{"this price is a steal", ""},
	{"my phone died on the way home", ""},
	{"my son's phone died again", ""},
	{"sick beat, on repeat", ""},
	{"hospital-grade cleaner, works great", ""},
	{"the API keeps returning errors", ""},
	{"this burger is fire", ""},
	{"that joke killed me", ""},
	{"the comedian killed it", ""},
	{"I'm dying to try it", ""},
	{"this cake is to die for", ""},
	{"I'm sick of waiting", ""},
	{"bored to death in the queue", ""},
	{"love the leak-proof bottle", ""},
	{"my data leaks everywhere", ""}, // no event: "leaked" is one
	{"the app leaked my data", "leak"},
	{"the police drama on their app is great", ""},
	{"their new ad went viral and it's funny", ""},
	{"my plants died while I was away", ""},
	{"promonya bikin mati gaya", ""},
	{"hp gw mati pas main game", ""},
	{"api nya error mulu", ""},
	{"sambelnya pedes kayak api", ""},
	{"bocoran promo 12.12 udah keluar", ""},
	{"atap kamar bocor dikit", ""},
	{"polisi tidur di depan toko terlalu tinggi", ""},
	{"kebakaran jenggot kompetitornya", ""},
	{"terbakar semangat liat promo", ""},
	{"lagu ini lagi viral di tiktok", ""},
	{"ngakak sampe mati gw", ""},
	{"jatuh cinta sama produk ini", ""},
	{"patah hati liat harganya", ""},
	// Negation, questions and cleared suspicions.
	{"not a scam after all, the package arrived", ""},
	{"I thought it was a scam but it arrived", ""},
	{"is this a scam? looks too cheap", ""},
	{"I'm not suing anyone, just want a refund", ""},
	{"kirain penipuan ternyata barangnya dateng", ""},
	{"bukan penipuan, seller amanah", ""},
	{"untung ga ketipu", ""},
	{"jangan sampai tertipu promo palsu", ""},
	{"BPOM udah kasih izin edar, jadi aman", ""},
	// Sport and politics are not a customer's harm.
	{"Messi injured again, out for the season", ""},
	{"jangan mau tertipu pencitraan presiden", ""},
	// Harms without a business are not a brand's incident.
	{"I broke my arm playing at home", ""},
	{"Westminster man dies in crash", ""},
}

func TestFind(t *testing.T) {
	m := New(nil)
	for _, c := range cases {
		h, ok := m.Find(c.text)
		got := ""
		if ok {
			got = h.Category
		}
		if got != c.want {
			t.Errorf("Find(%q) = %q (term %q), want %q", c.text, got, h.Term, c.want)
		}
		if ok && (h.Term == "" || h.Label == "") {
			t.Errorf("Find(%q) = %+v: empty term or label", c.text, h)
		}
	}
}

func TestCustomKeywords(t *testing.T) {
	m := New([]string{"Recall Massal", "  ", "kopi basi!"})
	for _, c := range []struct {
		text, term string
	}{
		{"ada RECALL massal produk ini", "recall massal"},
		{"kopinya... kopi basi sumpah", "kopi basi"},
	} {
		h, ok := m.Find(c.text)
		if !ok || h.Category != "custom" || h.Term != c.term {
			t.Errorf("Find(%q) = %+v, %v; want custom %q", c.text, h, ok, c.term)
		}
	}
	if h, ok := m.Find("recall saja"); ok {
		t.Errorf("a keyword must match whole: got %+v", h)
	}
}

func TestLabels(t *testing.T) {
	for _, c := range Categories() {
		if Label(c) == "" {
			t.Errorf("category %q has no label", c)
		}
	}
	if h, _ := New(nil).Find("keracunan makanan dari katering"); h.Label != "poisoning / keracunan" {
		t.Errorf("label = %q", h.Label)
	}
}

// TestFindAllocs: Find runs on every stored mention and must not allocate.
func TestFindAllocs(t *testing.T) {
	m := New(nil)
	texts := []string{
		"Ate the chicken wrap from FreshBox and half my office was throwing up. food poisoning for sure",
		"Ayah saya meninggal dunia setelah salah diagnosa di RS Harapan, kami menuntut penjelasan",
		"ngakak sampe mati gw liat iklan baru mereka 😂 #promo @acme",
		"Crème brûlée très bon, café au lait. ÉCLAIR!",
		strings.Repeat("word ", 500),
	}
	for _, text := range texts {
		if n := testing.AllocsPerRun(50, func() { m.Find(text) }); n != 0 {
			t.Errorf("Find(%.30q) allocates %.1f times per call, want 0", text, n)
		}
	}
}

// TestLinear: the scanner's work is bounded by a constant per byte, for
// ordinary texts and for texts built to keep many hits pending.
func TestLinear(t *testing.T) {
	m := New(nil)
	for _, unit := range []string{
		"fire ", "polisi polisi ", "bocor leak ", "made my made my ", "died died died ",
		"scam ", "a", " ", "keracunan massal ", "take them to take them to ",
		// Disguised words and questions (fold.go, the question rules).
		"s c a m ", "p e n i p u a n gak ", "scam or scam or ", "\u200b", "s\u200bc\u200ba\u200bm ",
		"\u0455\u0441\u0430m ", "sc4m ", "#foodpoisoningfoodpoisoningfoodpoisoningfoodpoisoning ", "a.b.c.",
		"@@a@b ", "penipuan gak sih ", "scam or legit or ", "ini penipuan atau ", "penipuan ini penipuan bukan ",
	} {
		for _, n := range []int{10, 100, 1000, 10000} {
			text := strings.Repeat(unit, n)
			_, steps := m.steps(text)
			if steps > 40*len(text)+40 {
				t.Errorf("%d × %q: %d steps for %d bytes", n, unit, steps, len(text))
			}
		}
	}
}

func FuzzFind(f *testing.F) {
	for _, c := range cases {
		f.Add(c.text)
	}
	f.Add("\xff\xfe#@@##'’.3.3.e.coli!!\n\n")
	f.Add(strings.Repeat("ááá", 30))
	m := New([]string{"kopi basi", "x"})
	f.Fuzz(func(t *testing.T, text string) {
		ok, steps := m.steps(text)
		if steps > 40*len(text)+40 {
			t.Fatalf("%d steps for %d bytes", steps, len(text))
		}
		if _, ok2 := m.Find(text); ok2 != ok {
			t.Fatalf("Find and steps disagree on %q", text)
		}
	})
}

// Every harm term holds one of the trigger words, so a caller that skips
// texts without any skips no harm; the picks avoid function words where
// a term has another word.
func TestTriggersCoverEveryTerm(t *testing.T) {
	m := New(nil)
	words, prefixes := m.Triggers()
	if len(prefixes) == 0 {
		t.Error("no prefixes")
	}
	set := map[string]bool{}
	for _, w := range words {
		set[w] = true
	}
	l := m.lex
	for _, tm := range l.terms {
		if tm.cat == catCommerce || tm.cat == "" {
			continue
		}
		covered, plain := false, false
		for _, id := range tm.ids {
			if id == anyWord {
				continue
			}
			covered = covered || set[l.text[id]]
			plain = plain || l.rank(id) <= 1
		}
		if !covered {
			t.Errorf("term %q (%s): none of its words is a trigger", tm.text, tm.cat)
		}
		if plain && !l.anyTriggerPlain(tm, set) {
			t.Errorf("term %q: only its common words are triggers", tm.text)
		}
	}
	for _, w := range []string{"keracunan", "bpom"} {
		if !set[w] {
			t.Errorf("%q is not a trigger", w)
		}
	}
}

// anyTriggerPlain reports whether one of t's words that is neither a
// common word nor a negation or clause break (rank <= 1) is in set.
func (l *lexicon) anyTriggerPlain(t term, set map[string]bool) bool {
	for _, id := range t.ids {
		if id != anyWord && set[l.text[id]] && l.rank(id) <= 1 {
			return true
		}
	}
	return false
}

// TestTermWordsAsScanned checks that every word of the lexicon is a word
// the scanner can produce (lower case, letters and digits, no hyphen or
// apostrophe): a term with "second-degree" in it could never match.
func TestTermWordsAsScanned(t *testing.T) {
	check := func(where, w string) {
		if w == "*" || strings.HasPrefix(w, "#") { // any word; a hashtag (lookup's tag form)
			return
		}
		if got := splitWords(w); len(got) != 1 || got[0] != w {
			t.Errorf("%s: word %q is scanned as %q", where, w, got)
		}
	}
	for _, tm := range New(nil).lex.terms {
		for _, w := range strings.Fields(tm.text) {
			check("term "+tm.text, w)
		}
	}
	for f, list := range featureWords {
		for _, w := range strings.Split(list, "|") {
			if w = strings.TrimSpace(w); w != "" {
				check(fmt.Sprintf("feature %d", f), w)
			}
		}
	}
}

// TestNoRepeatedTerms checks that no term is listed twice for one harm
// (the same words under two harms, with different evidence, are allowed:
// "swollen" is a burn near a body part and a battery near a device).
func TestNoRepeatedTerms(t *testing.T) {
	seen := map[string]bool{}
	for _, tm := range New(nil).lex.terms {
		k := tm.cat + "|" + tm.text
		if seen[k] {
			t.Errorf("%s term %q is listed twice", tm.cat, tm.text)
		}
		seen[k] = true
	}
}
