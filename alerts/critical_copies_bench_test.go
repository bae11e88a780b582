package alerts

import (
	"fmt"
	"testing"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts/critical"
)

// The cost of grouping one critical mention against a full set of open
// groups (maxCopyGroups distinct stories of one brand, none matching), as
// a ratio to the harm check every mention already pays. Run both:
//
//	go test ./alerts -run '^$' -bench 'CopyMatch|HarmCheck' -benchtime 2s
func floodGroups() (*copyGroups, copyText) {
	var cg copyGroups
	now := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	textOf := func(s string) copyText { return copyTextOf(&mw.Mention{Text: s}) }
	for i := 0; i < maxCopyGroups; i++ {
		ct := textOf(fmt.Sprintf("Acme leaked the address of customer %s and their card number is on forum %s now", word(i), word(i+7)))
		cg.open("acme", fmt.Sprint(i), ct, []string{fmt.Sprint(i)}, now, now)
	}
	return &cg, textOf("Acme leaked the address of customer zzz and their card number is on forum qqq now, check yours")
}

// word spells i in letters (normWords drops digits).
func word(i int) string {
	b := []byte{}
	for i++; i > 0; i /= 26 {
		b = append(b, byte('a'+i%26))
	}
	return string(b)
}

func BenchmarkCopyMatch(b *testing.B) {
	cg, ct := floodGroups()
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if cg.match("acme", ct, now) != nil {
			b.Fatal("matched")
		}
	}
}

func BenchmarkHarmCheck(b *testing.B) {
	m := critical.New(nil)
	text := "Acme leaked the address of customer zzz and their card number is on forum qqq now, check yours"
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Check(text)
	}
}
