package mentionwatch

import (
	"strings"
	"testing"
	"time"
)

// TestWebAccessConfig: web.users and web.proxy are read from YAML and
// checked, whether or not web.listen is set; mistakes name the key and
// what to write instead.
func TestWebAccessConfig(t *testing.T) {
	env := func(string) (string, bool) { return "", false }
	base := "brands:\n  - name: Acme\n    keywords: [acme]\nweb:\n"
	good := base + "  listen: 0.0.0.0:8080\n  users:\n    enabled: true\n    session_ttl: 8h\n" +
		"  proxy:\n    trusted: [10.0.0.5, \"192.168.0.0/24\", \"::1\"]\n    user_header: X-Auth-Request-User\n    default_role: Viewer\n"
	cfg, err := ParseConfig("c.yaml", []byte(good), env)
	if err != nil {
		t.Fatalf("valid web access config: %v", err)
	}
	if !cfg.Web.Users.Enabled || cfg.Web.Users.SessionTTL.D() != 8*time.Hour || cfg.Web.Proxy.UserHeader != "X-Auth-Request-User" {
		t.Errorf("decoded %+v", cfg.Web)
	}
	ps, err := cfg.Web.Proxy.TrustedPrefixes()
	if err != nil || len(ps) != 3 || ps[0].String() != "10.0.0.5/32" || ps[2].String() != "::1/128" {
		t.Errorf("trusted prefixes %v, %v", ps, err)
	}
	for snippet, want := range map[string]string{
		"  proxy:\n    trusted: [10.0.0.0/33]\n":                                               "web.proxy.trusted",
		"  proxy:\n    trusted: [proxy.example.com]\n":                                         "not an IP address or CIDR",
		"  proxy:\n    user_header: X-Forwarded-User\n":                                        "web.proxy.trusted is empty",
		"  proxy:\n    trusted: [10.0.0.5]\n    user_header: \"X User\"\n":                     "not a header name",
		"  proxy:\n    trusted: [10.0.0.5]\n    user_header: Authorization\n":                  "carries something else",
		"  proxy:\n    trusted: [10.0.0.5]\n    user_header: X-User\n    default_role: root\n": "use viewer, agent or admin",
		"  proxy:\n    default_role: viewer\n":                                                 "web.proxy.user_header is empty",
		"  users:\n    session_ttl: 10s\n":                                                     "web.users.session_ttl",
		"  users:\n    enabld: true\n":                                                         "enabld",
		"  listen: \"[::1]:99999\"\n":                                                          `port "99999" is not a number from 0 to 65535`,
		"  listen: \"127.0.0.1:-1\"\n":                                                         `port "-1" is not a number`,
	} {
		_, err := ParseConfig("c.yaml", []byte(base+snippet), env)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v; want an error saying %q", snippet, err, want)
		}
	}
	// Off loopback, named users or the proxy count as credentials.
	for _, w := range []WebConfig{
		{Listen: "0.0.0.0:8080", Users: WebUsersConfig{Enabled: true}},
		{Listen: "0.0.0.0:8080", Proxy: WebProxyConfig{Trusted: []string{"10.0.0.5"}, UserHeader: "X-User"}},
	} {
		if err := w.Check(); err != nil {
			t.Errorf("%+v: %v", w, err)
		}
	}
	if err := (WebConfig{Listen: "0.0.0.0:8080"}).Check(); err == nil || !strings.Contains(err.Error(), "web.users.enabled") {
		t.Errorf("no credentials off loopback: %v; want an error naming web.users.enabled", err)
	}
}

func TestRoles(t *testing.T) {
	if !RoleAdmin.Allows(RoleAgent) || !RoleAgent.Allows(RoleAgent) || RoleViewer.Allows(RoleAgent) || Role("").Allows(RoleViewer) || Role("root").Allows(RoleViewer) {
		t.Error("role order wrong")
	}
	if r, err := ParseRole(" Agent "); err != nil || r != RoleAgent {
		t.Errorf("ParseRole: %q %v", r, err)
	}
	if _, err := ParseRole("owner"); err == nil {
		t.Error("ParseRole accepted owner")
	}
}
