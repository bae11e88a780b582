package mentionwatch

import (
	"strings"
	"testing"
	"time"
)

const digestBase = "brands: [{name: Acme, keywords: [acme]}]\nnotifiers:\n  slack: {webhook_url: \"https://hooks.slack.com/services/T/B/X\"}\n  email: {host: smtp.example.com, from: a@example.com, to: [b@example.com]}\n"

func TestDigestConfig(t *testing.T) {
	cfg, err := ParseConfig("c.yaml", []byte(digestBase+"digests:\n  - {brand: Acme, period: daily, to: [email, lead@example.com]}\n  - brand: Acme\n    period: weekly\n    weekday: fri\n    at: \"17:30\"\n    to: [slack]\n"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Digests) != 2 || cfg.Digests[1].Line != 7 {
		t.Fatalf("digests %+v", cfg.Digests)
	}
	h, m, _ := cfg.Digests[0].Clock()
	wd, _ := cfg.Digests[0].Day()
	if h != 8 || m != 0 || wd != time.Monday {
		t.Errorf("defaults: %02d:%02d on %s, want 08:00 on Monday", h, m, wd)
	}
	h, m, _ = cfg.Digests[1].Clock()
	wd, _ = cfg.Digests[1].Day()
	if h != 17 || m != 30 || wd != time.Friday {
		t.Errorf("weekly: %02d:%02d on %s, want 17:30 on Friday", h, m, wd)
	}
}

func TestDigestConfigErrors(t *testing.T) {
	for _, tc := range []struct{ digests, want string }{
		{"  - {brand: Nope, period: daily, to: [email]}", `c.yaml:6: digests[0].brand: unknown brand "Nope"`},
		{"  - {brand: Acme, period: monthly, to: [email]}", `digests[0].period: period "monthly": want daily or weekly`},
		{"  - {brand: Acme, period: daily, at: \"8am\", to: [email]}", `digests[0].at: at "8am" is not a time of day`},
		{"  - {brand: Acme, period: daily, at: \"25:00\", to: [email]}", `is not a time of day`},
		{"  - {brand: Acme, period: weekly, weekday: someday, to: [email]}", `digests[0].weekday: weekday "someday"`},
		{"  - {brand: Acme, period: daily, weekday: monday, to: [email]}", `weekday is for weekly digests`},
		{"  - {brand: Acme, period: daily}", `digests[0].to: at least one receiver`},
		{"  - {brand: Acme, period: daily, to: [teams]}", `receiver "teams": digests go to email, slack, telegram or a mail address`},
		{"  - {brand: Acme, period: daily, to: [telegram]}", `receiver "telegram" is not configured: add notifiers.telegram`},
		{"  - {brand: Acme, period: daily, to: [\"not an@address@x\"]}", `is not a mail address`},
		{"  - {brand: Acme, period: daily, to: [email, email]}", `email gets the daily digest of Acme twice`},
		{"  - {brand: Acme, period: daily, to: [email], cc: [x]}", `digests[0].cc: unknown key`},
	} {
		_, err := ParseConfig("c.yaml", []byte(digestBase+"digests:\n"+tc.digests+"\n"), env(nil))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s:\n err = %v\nwant %q", tc.digests, err, tc.want)
		}
	}
	// A mail address needs notifiers.email.
	_, err := ParseConfig("c.yaml", []byte("brands: [{name: Acme, keywords: [acme]}]\ndigests: [{brand: Acme, period: daily, to: [lead@example.com]}]\n"), env(nil))
	if err == nil || !strings.Contains(err.Error(), "lead@example.com needs notifiers.email") {
		t.Errorf("err = %v", err)
	}
}
