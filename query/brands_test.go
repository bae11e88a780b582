package query

import (
	"strings"
	"testing"
)

// TestBrandMentions: brand names with punctuation and symbols, and mention
// text as people write it in English and Indonesian, against what a brand
// manager expects the matcher to count. docs/QUERIES.md explains each rule.
func TestBrandMentions(t *testing.T) {
	for _, tc := range []struct {
		q, text string
		want    bool
	}{
		// Punctuation in a name is a phrase of its words.
		{"AT&T", "AT&T outage again", true},
		{"AT&T", "at&t", true},
		{"H&M", "baju dari H&M murah", true},
		{"7-Eleven", "mampir 7-Eleven", true},
		{"7-Eleven", "7 Eleven tutup", true},
		{"Yahoo!", "yahoo mail down", true},
		{"Booking.com", "refund dari booking.com lama", true},
		{"Booking.com", "booking com", true},
		{`"Mr. DIY"`, "belanja di MR.DIY", true},
		{"J.Co", "J.CO donuts", true},
		{"shopee", "https://shopee.co.id/product/1", true},
		{"acme", "see acme.com/help", true},
		{"shopee.co.id", "shopee", false}, // the domain asks for all its words
		// Toys"R"Us: a quote glued to a word is part of the same name.
		{`Toys"R"Us`, "Toys R Us closing", true},
		{`Toys"R"Us`, "give us toys r", false},
		{`"Toys"R"Us"`, "toys r us", true},
		{`"Toys"R"Us"`, "us toys r", false},
		// Possessives, straight or curly, and accents and case.
		{"acme", "Acme's support", true},
		{"acme", "Acme’s support", true},
		{"acme's", "Acme’s support", true},
		{"l'oreal", "L’Oréal", true},
		{"acme", "ÁCMÉ!!!", true},
		{"acme", "ACME™ and acme®", true},
		{"acme", "line one\r\nACME\n", true},
		// Emoji glued to a word split it.
		{"tokopedia", "Tokopedia🔥🔥", true},
		{"acme", "😡acme", true},
		// Cashtags: $GOTO is the ticker, not the word.
		{"$GOTO", "$GOTO naik lagi", true},
		{"$GOTO", "goto considered harmful", false},
		{"$GOTO", "#goto", false},
		{"goto", "$GOTO naik", true}, // a plain word matches the cashtag too
		{"$aapl", "US$aapl", false},  // '$' after a word is no cashtag
		// Names written together: a phrase of 4+ letters also matches its
		// words joined, as in hashtags and handles.
		{`"kopi kenangan"`, "#KopiKenangan enak", true},
		{`"kopi kenangan"`, "ngopi di kopikenangan", true},
		{"7-Eleven", "7Eleven", true},
		{"go-jek", "gojek telat", true},
		{"go-pay", "saldo gopay", true},
		{`"mr diy"`, "MrDIY", true},
		{"mcdonald's", "McDonalds", true},
		{"l'oreal", "loreal", true},
		{"H&M", "hm, not sure", false}, // "hm" is too short to be a joined name
		{"AT&T", "att", false},
		{"J.Co", "jco", false}, // three letters: add jco yourself
		{`"@acme store"`, "acmestore", false},
		// Indonesian: prepositions, articles, hyphenated prefixes, -nya.
		{"acme", "beli di Acme", true},
		{"acme", "pindah ke-Acme aja", true},
		{"acme", "si Acme lagi", true},
		{"shopee", "Shopeenya lemot bgt", true},
		{"gojek", "drivernya gojeknya telat", true},
		{"ovo", "OVOnya error", true},
		{"shopee", "shopeenyaaa kenapa", true},
		{`"kopi kenangan"`, "kopi kenangannya habis", true},
		{`"kopi kenangan"`, "kopikenangannya habis", true},
		{"ta", "mau tanya", false},       // short words take no -nya
		{"@shopee", "@shopeenya", false}, // handles are exact
		{"shopee", "@shopeenya", false},
		// Letters repeated for emphasis: three or more of the last letter.
		{"acme", "ACMEEE kenapa sih", true},
		{"shopee", "SHOPEEEE", true},
		{"shopee", "shopeee", true},
		{"gojek", "gojekkk", true},
		{"acme", "acmee", false}, // one extra letter may be a typo of another word
		{"del", "dell laptop", false},
		{"100", "1000", false}, // digits are not elongated
		{"dana", "danau toba", false},
		{"kecewa*", "KECEWAAA", true},
		// Common-word brands: exclude the false senses.
		{"apple -pie -juice", "apple pie recipe", false},
		{"apple -pie -juice", "apple watch rusak", true},
		{`shell -"shell out"`, "had to shell out $50", false},
		{"gojek", "naik ojek", false},
		{"ojek -gojek", "gojek telat", false},
		{`dove -(bird OR burung)`, "burung dove", false},
		// Whole words: a brand inside another word is not the brand.
		{"acme", "acmeist", false},
		{"acme", "#AcmeFail", false}, // write #acme* for hashtags that start with it
		{"#acme*", "#AcmeFail", true},
		{"acme", "#acme_fail", false}, // '_' joins a hashtag; #acme* finds it
		{"#acme*", "#acme_fail", true},
	} {
		q, err := Parse(tc.q)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.q, err)
			continue
		}
		if got := q.Match(Doc{Text: tc.text}); got != tc.want {
			t.Errorf("%q (%s) on %q = %v, want %v", tc.q, q, tc.text, got, tc.want)
		}
	}
}

// TestVariantsPastTheFirst64Words: the candidate bits of words 64 and on
// live in candMore; a variant there is found as in cand0.
func TestVariantsPastTheFirst64Words(t *testing.T) {
	for _, n := range []int{10, 63, 64, 100, 127, 128, 300} {
		text := strings.Repeat("kata ", n) + "Shopeenya lemot, kopikenangannya habis, gojekkk"
		for _, q := range []string{"shopee", `"kopi kenangan"`, "gojek NEAR/5 shopee"} {
			if !MustParse(q).Match(Doc{Text: text}) {
				t.Errorf("%q after %d words: no match", q, n)
			}
		}
		if MustParse("acme").Match(Doc{Text: text}) {
			t.Errorf("acme matched after %d words", n)
		}
	}
}
