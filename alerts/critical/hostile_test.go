package critical

import (
	"testing"
)

// findCases runs Find over texts and the categories it must report ("":
// no harm).
func findCases(t *testing.T, m *Matcher, cases []struct{ text, want string }) {
	t.Helper()
	for _, c := range cases {
		h, ok := m.Find(c.text)
		got := ""
		if ok {
			got = h.Category
		}
		if got != c.want {
			t.Errorf("Find(%q) = %q (term %q), want %q", c.text, got, h.Term, c.want)
		}
	}
}

// TestQuestionSuppressors: a question that goes on past the harm word
// ("penipuan gak?", "scam or legit?") cancels it, as "is this a scam?"
// does; the suppressor used to come too late, after the next word had
// confirmed the hit. One that ends in a particle is a question only at
// the end of its clause or before sih/ya; a clause that goes on is a
// complaint.
func TestQuestionSuppressors(t *testing.T) {
	findCases(t, New(nil), []struct{ text, want string }{
		{"Ini penipuan gak?", ""},
		{"penipuan gak sih, harganya murah banget", ""},
		{"toko ini scam ga? mau order", ""},
		{"ini penipuan bukan?", ""},
		{"penipuan atau bukan ya", ""},
		{"scam or legit? never heard of them", ""},
		{"penipuan gak", ""},
		// The same words that go on are harms.
		{"toko ini scam ga dikirim2 barangnya", "fraud"},
		{"penipuan, gak dikirim barangnya", "fraud"},
		{"Penipuan! Gak dikirim barangnya", "fraud"},
		{"total scam or what, they took my money", "fraud"},
		{"is this a scam? looks too cheap", ""},
	})
}

// TestObfuscatedLetters: a harm word hidden by invisible characters,
// look-alike letters, accents, fancy-text letters, leetspeak or spelled
// out letter by letter still reads as the word.
func TestObfuscatedLetters(t *testing.T) {
	findCases(t, New(nil), []struct{ text, want string }{
		{"kera\u200bcunan massal setelah makan nasi kotak dari KateringBunda", "poisoning"}, // zero-width space
		{"s\u200cc\u200da\u2060m seller on TokoKu, paid and blocked", "fraud"},              // joiners
		{"pe\u00adnipuan! toko HPMurah", "fraud"},                                           // soft hyphen
		{"pe\u0301nipuan! toko HPMurah", "fraud"},                                           // combining accent
		{"This seller on MarketKita is a \u0455\u0441\u0430m", "fraud"},                     // Cyrillic ѕ с а
		{"Seller BajuKita p\u0435nipu\u0430n, barang gak dateng", "fraud"},                  // Cyrillic е а
		{"\uff33\uff23\uff21\uff2d seller on TokoKu", "fraud"},                              // fullwidth
		{"\U0001d412\U0001d402\U0001d400\U0001d40c seller on TokoKu", "fraud"},              // mathematical bold
		{"\u24e2\u24d2\u24d0\u24dc seller on TokoKu", "fraud"},                              // circled
		{"kéracunan abis makan di WarungKita", "poisoning"},
		{"This shop is a total sc4m", "fraud"},
		{"Sc@m!!! NovaPay took my money", "fraud"},
		{"p3nipuan!! toko HPMurah udah ditransfer", "fraud"},
		{"k3tipu 2jt sama jastip di IG", "fraud"},
		{"My VoltX charger caught f1re overnight", "fire"},
		{"S C A M seller on TokoKu, never sent anything", "fraud"},
		{"We're filing a l a w s u i t against HomeFix", "legal"},
		{"F.O.O.D P.O.I.S.O.N.I.N.G from GrillHouse, avoid", "poisoning"},
		{"p-e-n-i-p-u-a-n berkedok arisan online", "fraud"},
		{"sudah lapor ke Y L K I soal produk ini", "regulator"},
		// Not harms: ordinary words, numbers, initials and addresses.
		{"email budi@acme.com for refunds", ""},
		{"plan a b c is fine, U.S.A. shipping too", ""},
		{"tested at 3.39 ppm, firmware 1.2.3, 5g and mp3 support", ""},
		{"Crème brûlée très bon, café au lait", ""},
		{"Наш магазин работает с 9 до 18", ""},
	})
}

// TestHashtagCompounds: a hashtag that is no word of the lexicon is read
// as the two words it is made of.
func TestHashtagCompounds(t *testing.T) {
	findCases(t, New(nil), []struct{ text, want string }{
		{"#foodpoisoning after BurgerLab", "poisoning"},
		{"#keracunanmassal di acara KateringBunda", "poisoning"},
		{"#databreach at ShopNow", "leak"},
		{"#firesale at GadgetHub this weekend", ""},
		{"#killerdeal #firesale", ""},
	})
}

// TestKeywordsFold: config keywords match whatever accents or look-alike
// letters either side is written with (docs/ALERTS.md: diacritic-folded).
func TestKeywordsFold(t *testing.T) {
	m := New([]string{"crème brûlée", "recall massal"})
	for _, text := range []string{"the creme brulee had glass in it", "CRÈME BRÛLÉE recalled", "réçall massal produk ini"} {
		if h, ok := m.Find(text); !ok || h.Category != "custom" {
			t.Errorf("Find(%q) = %+v, %v; want a custom keyword", text, h, ok)
		}
	}
}

// TestHostileSet scores the near-miss and hostile set written blind by
// the eighteenth-session audit (testdata/critical_hostile.tsv; figures in
// docs/BENCHMARKS.md): recall at least 0.95, at most 15% of its
// near-misses flagged.
func TestHostileSet(t *testing.T) {
	ex, err := ReadSet("testdata/critical_hostile.tsv")
	if err != nil {
		t.Fatal(err)
	}
	s := Evaluate(New(nil), ex)
	for _, e := range s.Missed {
		t.Logf("missed [%s %s] %q", e.Lang, e.Category, e.Text)
	}
	for _, e := range s.Wrong {
		t.Logf("flagged [%s] %q", e.Lang, e.Text)
	}
	ok := s.All.FP + s.All.TN
	t.Logf("recall %.3f (%d/%d), %d of %d near-misses flagged", s.All.Recall(), s.All.TP, s.All.TP+s.All.FN, s.All.FP, ok)
	if r := s.All.Recall(); r < 0.95 {
		t.Errorf("recall %.3f, want >= 0.95", r)
	}
	if float64(s.All.FP) > 0.15*float64(ok) {
		t.Errorf("%d of %d near-misses flagged, want at most 15%%", s.All.FP, ok)
	}
}

// TestLinksAreNotRead: a link is the name of the page it points to, not
// the author's words. Its path is chosen by whoever publishes the page,
// often the brand's own help or safety pages ("/report-fraud",
// "/how-to-avoid-scams"), so the words in it are no harm, as an @handle's
// are not; the words around it still count.
func TestLinksAreNotRead(t *testing.T) {
	findCases(t, New(nil), []struct{ text, want string }{
		{"Read our tips https://acme.com/blog/how-to-avoid-scams", ""},
		{"https://acme.com/police-report", ""},
		{"see www.acme.com/lawsuit-settlement", ""},
		{"WWW.ACME.COM/SCAM", ""},
		{"Acme Security: https://acme.com/data-breach-protection", ""},
		{"http://news.example/acme-recall-food-poisoning-outbreak\nnice", ""},
		{"(ftp://x.example/fraud) ok", ""},
		// The author's own words around a link still count.
		{"this shop is a scam https://acme.com/shop", "fraud"},
		{"https://acme.com/shop this shop is a scam", "fraud"},
		{"https://x.co/a\nkeracunan massal setelah makan di sini", "poisoning"},
		{"scam!https://x.co/a", "fraud"},
		// Not links: the words are read.
		{"www scam seller, never sent anything", "fraud"},
		{"http: scam seller, never sent anything", "fraud"},
	})
}
