package actionlink

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSignVerify(t *testing.T) {
	s, err := New([]byte("0123456789abcdef0123"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	exp := now.Add(TTL)
	link := s.URL("https://mw.example.com/", Ack, "a1b2", exp)
	want := "https://mw.example.com/a/ack?exp=1796785200&id=a1b2&sig="
	if !strings.HasPrefix(link, want) {
		t.Fatalf("link %s, want prefix %s", link, want)
	}
	u, _ := url.Parse(link)
	q := u.Query()
	at, err := s.Verify(Ack, q.Get("id"), q.Get("exp"), q.Get("sig"), now)
	if err != nil || !at.Equal(exp) {
		t.Fatalf("valid link: %v %v", at, err)
	}
	for name, tc := range map[string][4]string{
		"other action":  {Silence, q.Get("id"), q.Get("exp"), q.Get("sig")},
		"other alert":   {Ack, "a1b3", q.Get("exp"), q.Get("sig")},
		"later expiry":  {Ack, q.Get("id"), "1796785201", q.Get("sig")},
		"cut signature": {Ack, q.Get("id"), q.Get("exp"), q.Get("sig")[:20]},
		"no signature":  {Ack, q.Get("id"), q.Get("exp"), ""},
		"bad exp":       {Ack, q.Get("id"), "1e9", q.Get("sig")},
		"empty id":      {Ack, "", q.Get("exp"), q.Get("sig")},
	} {
		if _, err := s.Verify(tc[0], tc[1], tc[2], tc[3], now); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s: err %v, want ErrBadSignature", name, err)
		}
	}
	if _, err := s.Verify("resolve", q.Get("id"), q.Get("exp"), q.Get("sig"), now); !errors.Is(err, ErrUnknown) {
		t.Errorf("unknown action: %v", err)
	}
	other, _ := New([]byte("another key of 16+ bytes"))
	if _, err := other.Verify(Ack, q.Get("id"), q.Get("exp"), q.Get("sig"), now); !errors.Is(err, ErrBadSignature) {
		t.Errorf("other key: %v", err)
	}
	var ee *ExpiredError
	if _, err := s.Verify(Ack, q.Get("id"), q.Get("exp"), q.Get("sig"), exp); !errors.As(err, &ee) || !ee.At.Equal(exp) {
		t.Errorf("at expiry: %v, want ExpiredError", err)
	} else if err.Error() != "this link expired at 2026-12-09T03:00:00Z: open the alert in the dashboard and act there" {
		t.Errorf("expired message: %s", err)
	}
	if _, err := New([]byte("short")); err == nil {
		t.Error("a 5-byte key was accepted")
	}
}

func TestLoadKey(t *testing.T) {
	if k, err := LoadKey("from-config-0123456789", "ignored"); err != nil || string(k) != "from-config-0123456789" {
		t.Fatalf("configured: %q %v", k, err)
	}
	if _, err := LoadKey("short", ""); err == nil || !strings.Contains(err.Error(), "shorter than 16") {
		t.Fatalf("short secret: %v", err)
	}
	file := filepath.Join(t.TempDir(), "k")
	k1, err := LoadKey("", file)
	if err != nil || len(k1) != 64 {
		t.Fatalf("generated: %q %v", k1, err)
	}
	fi, err := os.Stat(file)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v %v, want 0600", fi.Mode(), err)
	}
	k2, err := LoadKey("", file)
	if err != nil || string(k2) != string(k1) {
		t.Fatalf("second load gave another key: %q %v", k2, err)
	}
	os.WriteFile(file, []byte("tiny"), 0o600)
	if _, err := LoadKey("", file); err == nil || !strings.Contains(err.Error(), "delete it") {
		t.Fatalf("truncated key file: %v", err)
	}
	if _, err := LoadKey("", filepath.Join(t.TempDir(), "no", "dir", "k")); err == nil || !strings.Contains(err.Error(), "web.link_secret_file") {
		t.Fatalf("unwritable: %v", err)
	}
}

func TestSilenceIDNamesOneLink(t *testing.T) {
	exp := time.Date(2026, 12, 9, 3, 0, 0, 0, time.UTC)
	id := SilenceID("a1", exp)
	if !strings.HasPrefix(id, "link-") || len(id) != len("link-")+24 {
		t.Fatalf("SilenceID %q", id)
	}
	if again := SilenceID("a1", exp.In(time.FixedZone("WIB", 7*3600))); again != id {
		t.Errorf("the same link in another zone: %q, want %q", again, id)
	}
	for _, other := range []string{SilenceID("a2", exp), SilenceID("a1", exp.Add(time.Second))} {
		if other == id {
			t.Errorf("another link named the same silence %q", id)
		}
	}
}

// TestToken: a derived token is the same for the same key and purpose,
// and differs with either.
func TestToken(t *testing.T) {
	s1, _ := New([]byte("0123456789abcdef-one"))
	s1b, _ := New([]byte("0123456789abcdef-one"))
	s2, _ := New([]byte("0123456789abcdef-two"))
	tok := s1.Token("dashboard-csrf")
	if len(tok) != 64 || tok != s1b.Token("dashboard-csrf") {
		t.Fatalf("token %q, same key %q: want 64 hex digits, equal", tok, s1b.Token("dashboard-csrf"))
	}
	if tok == s2.Token("dashboard-csrf") || tok == s1.Token("other") {
		t.Error("the token does not change with the key or the purpose")
	}
}
