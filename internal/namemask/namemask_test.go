package namemask

import (
	"strings"
	"testing"
)

func TestApply(t *testing.T) {
	m := New([]string{"Best Buy", "", "best  buy", "Poison"})
	for in, want := range map[string]string{
		"x best buy, Best  Buy! bestbuy": "x " + strings.Repeat(" ", 8) + ", " + strings.Repeat(" ", 9) + "! bestbuy",
		"Dior POISON arrived; poisoned?": "Dior " + strings.Repeat(" ", 6) + " arrived; poisoned?",
		"Best-Buy":                       strings.Repeat(" ", 8),
		"":                               "",
	} {
		if got := m.Apply(in); got != want {
			t.Errorf("Apply(%q) = %q, want %q", in, got, want)
		}
	}
	if New(nil) != nil || New([]string{" ", "--"}) != nil {
		t.Error("a mask of no names is not nil")
	}
	var none *Mask
	if none.Apply("best buy") != "best buy" {
		t.Error("a nil mask blanked a name")
	}
}

func TestApplyAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under -race")
	}
	m := New([]string{"Best Buy"})
	text := "ordered from the shop, arrived fine"
	if n := testing.AllocsPerRun(100, func() { _ = m.Apply(text) }); n != 0 {
		t.Errorf("%v allocations for a text without a name", n)
	}
}

func TestApplyUnicode(t *testing.T) {
	m := New([]string{"Café Ñusa", "Toko Kecewa"})
	for in, want := range map[string]string{
		"ngopi di CAFÉ ÑUSA tadi":   "ngopi di " + strings.Repeat(" ", len("CAFÉ ÑUSA")) + " tadi",
		"beli di toko-kecewa aja":   "beli di " + strings.Repeat(" ", 11) + " aja",
		"tokokecewa, toko kecewaku": "tokokecewa, toko kecewaku",
	} {
		if got := m.Apply(in); got != want {
			t.Errorf("Apply(%q) = %q, want %q", in, got, want)
		}
	}
}
