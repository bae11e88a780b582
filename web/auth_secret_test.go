package web

import (
	"strings"
	"testing"
)

// TestPasswordHash: a hash verifies its password and no other, salts
// differ, the PHC string names argon2id and its parameters, and a
// malformed or abusive stored hash is an error, not a panic or a
// gigabyte allocation.
func TestPasswordHash(t *testing.T) {
	h1, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := HashPassword("correct horse battery")
	if h1 == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(h1, "horse") {
		t.Errorf("hash %q", h1)
	}
	if ok, err := VerifyPassword(h1, "correct horse battery"); !ok || err != nil {
		t.Errorf("right password: %v %v", ok, err)
	}
	if ok, err := VerifyPassword(h1, "correct horse battery "); ok || err != nil {
		t.Errorf("wrong password: %v %v", ok, err)
	}
	if _, err := HashPassword("short"); err == nil {
		t.Error("a 5-character password was hashed")
	}
	for _, bad := range []string{"", "plain", "$2a$10$bcryptlooking", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", // 4 GiB
		"$argon2id$v=19$m=19456,t=1000,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=19456,t=2,p=0$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=19456,t=2,p=1$!!!$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=18$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"} {
		if ok, err := VerifyPassword(bad, "x"); ok || err == nil {
			t.Errorf("VerifyPassword(%q) = %v, %v; want an error", bad, ok, err)
		}
	}
}

// TestAPITokenShape: tokens parse back to their id and digest; anything
// else is not a token.
func TestAPITokenShape(t *testing.T) {
	tok, id, dig := NewAPIToken()
	gotID, gotDig, ok := parseAPIToken(tok)
	if !ok || gotID != id || gotDig != dig || len(id) != 12 || len(dig) != 64 {
		t.Fatalf("parse(%q) = %q %q %v; want %q %q", tok, gotID, gotDig, ok, id, dig)
	}
	if tok2, _, _ := NewAPIToken(); tok2 == tok {
		t.Error("two tokens are equal")
	}
	for _, bad := range []string{"", "mwt_", "mwt_0123456789ab", "mwt_0123456789ab_", "mwt_zzzzzzzzzzzz_abc", "mwt_0123_abc", "token-0123456789ab_abc"} {
		if _, _, ok := parseAPIToken(bad); ok {
			t.Errorf("parseAPIToken(%q) accepted", bad)
		}
	}
}
