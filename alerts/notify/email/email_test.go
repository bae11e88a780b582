package email

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/alerts/actionlink"
	"github.com/mentionwatch/mentionwatch/alerts/notify"
)

var now = time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)

// server is a real SMTP server (emersion/go-smtp) in the test process,
// offering STARTTLS (or implicit TLS) and PLAIN auth only over TLS.
type server struct {
	mu       sync.Mutex
	msgs     [][]byte
	rcpts    []string
	authed   bool
	tlsSeen  bool
	rcptFail *smtp.SMTPError // reply to RCPT, when set
	authFail *smtp.SMTPError // reply to AUTH, when set
	// refuse is the reply to RCPT of one address; envelopes are the
	// recipients of each message taken, joined by spaces.
	refuse    map[string]*smtp.SMTPError
	envelopes []string
	// mechs are the AUTH mechanisms offered (default PLAIN); only PLAIN
	// succeeds, as on a server whose password store is hashed.
	mechs []string
	tls   *tls.Config // the server's, set by start
}

type session struct {
	s    *server
	conn *smtp.Conn
	txn  []string // this transaction's accepted recipients
}

func (s *session) AuthMechanisms() []string {
	if s.s.mechs != nil {
		return s.s.mechs
	}
	return []string{sasl.Plain}
}
func (s *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: mech + " authentication failed"}
	}
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if s.s.authFail != nil {
			return s.s.authFail
		}
		if user != "alerts" || pass != "s3cretPASSWORD" {
			return errors.New("invalid credentials")
		}
		s.s.mu.Lock()
		s.s.authed = true
		s.s.mu.Unlock()
		return nil
	}), nil
}
func (s *session) Mail(string, *smtp.MailOptions) error { return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.s.mu.Lock()
	defer s.s.mu.Unlock()
	if s.s.rcptFail != nil {
		return s.s.rcptFail
	}
	if e := s.s.refuse[to]; e != nil {
		return e
	}
	s.txn = append(s.txn, to)
	if _, ok := s.conn.TLSConnectionState(); ok {
		s.s.tlsSeen = true
	}
	s.s.rcpts = append(s.s.rcpts, to)
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.s.mu.Lock()
	s.s.msgs = append(s.s.msgs, b)
	s.s.envelopes = append(s.s.envelopes, strings.Join(s.txn, " "))
	s.s.mu.Unlock()
	s.txn = nil
	return err
}
func (s *session) Reset()        { s.txn = nil }
func (s *session) Logout() error { return nil }

// start serves on loopback; implicit selects TLS from the first byte
// rather than STARTTLS. It returns the port and a client TLS config that
// trusts the server's self-signed certificate.
func (srv *server) start(t *testing.T, implicit bool) (int, *tls.Config) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: now.Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: srv, conn: c}, nil }))
	s.Domain = "localhost"
	s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	srv.tls = s.TLSConfig
	var l net.Listener
	if implicit {
		l, err = tls.Listen("tcp", "127.0.0.1:0", s.TLSConfig)
	} else {
		l, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	return l.Addr().(*net.TCPAddr).Port, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

func newEmail(t *testing.T, port int, security string, tc *tls.Config) *Email {
	t.Helper()
	e := &Email{Host: "127.0.0.1", Port: port, Security: security, Username: "alerts", Password: mw.Secret("s3cretPASSWORD"),
		From: "Mentionwatch <alerts@example.com>", To: []string{"care@example.com", "lead@example.com"}}
	if err := e.Init(notify.Env{Name: "email", HTTP: &http.Client{Timeout: 10 * time.Second}, Now: func() time.Time { return now }}); err != nil {
		t.Fatal(err)
	}
	e.tlsConfig = tc
	return e
}

// parts parses a received message: its subject and its text/plain and
// text/html parts, decoded.
func parts(t *testing.T, raw []byte) (subject, plain, html string) {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v), want multipart/alternative", m.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var body io.Reader = p
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(p)
		}
		b, _ := io.ReadAll(body)
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		switch ct {
		case "text/plain":
			plain = string(b)
		case "text/html":
			html = string(b)
		}
	}
	return subject, plain, html
}

func TestSendMultipartOverSTARTTLSWithAuth(t *testing.T) {
	for _, sec := range []string{"starttls", "tls"} {
		t.Run(sec, func(t *testing.T) {
			srv := &server{}
			port, tc := srv.start(t, sec == "tls")
			e := newEmail(t, port, sec, tc)
			if err := e.Send(context.Background(), notify.Sample(now, "https://dash.example/")); err != nil {
				t.Fatal(err)
			}
			srv.mu.Lock()
			defer srv.mu.Unlock()
			if !srv.authed || !srv.tlsSeen || len(srv.msgs) != 1 || strings.Join(srv.rcpts, ",") != "care@example.com,lead@example.com" {
				t.Fatalf("authed %v tls %v msgs %d rcpts %v", srv.authed, srv.tlsSeen, len(srv.msgs), srv.rcpts)
			}
			subject, plain, html := parts(t, srv.msgs[0])
			if !strings.HasPrefix(subject, "[mentionwatch] Negative spike") && !strings.HasPrefix(subject, "[mentionwatch] ") {
				t.Errorf("subject %q", subject)
			}
			// Both parts carry the same content: the evidence is in each.
			for _, p := range []string{plain, html} {
				for _, want := range []string{"Sample", "angry", "Order late again", "javascript link"} {
					if !strings.Contains(p, want) {
						t.Errorf("part lacks %q:\n%s", want, p)
					}
				}
			}
			if !strings.Contains(plain, notify.Hostile) {
				t.Errorf("plain part does not show the text literally:\n%s", plain)
			}
			for _, raw := range []string{"<b>Refund", "</a><a href=\"https://evil", "<!channel>", "<i>angry"} {
				if strings.Contains(html, raw) {
					t.Errorf("hostile %q unescaped in the HTML part", raw)
				}
			}
			for _, esc := range []string{"&lt;b&gt;Refund NOW&lt;/b&gt;", "&lt;/a&gt;", "*bold*", "&lt;!channel&gt;"} {
				if !strings.Contains(html, esc) {
					t.Errorf("HTML part lacks escaped %q", esc)
				}
			}
			if strings.Contains(html, `href="javascript`) || !strings.Contains(html, `href="https://example.com/post/1?a=1&amp;b=2"`) || !strings.Contains(html, `href="https://dash.example/#alert=`) {
				t.Errorf("links in the HTML part:\n%s", html)
			}
		})
	}
}

func TestSMTPReplyClasses(t *testing.T) {
	for _, c := range []struct {
		code      int
		permanent bool
	}{{450, false}, {421, false}, {550, true}, {554, true}} {
		t.Run(strconv.Itoa(c.code), func(t *testing.T) {
			srv := &server{rcptFail: &smtp.SMTPError{Code: c.code, EnhancedCode: smtp.EnhancedCode{c.code / 100, 1, 1}, Message: "mailbox says no"}}
			port, tc := srv.start(t, false)
			err := newEmail(t, port, "starttls", tc).Send(context.Background(), notify.Sample(now, ""))
			var de *alerts.DeliveryError
			if !errors.As(err, &de) || de.Permanent != c.permanent {
				t.Fatalf("err %v, want permanent=%v", err, c.permanent)
			}
			if strings.Contains(err.Error(), "s3cretPASSWORD") {
				t.Errorf("password in error")
			}
		})
	}
}

// TestOneRefusedRecipient: a server refuses one address at RCPT (a
// colleague's mailbox removed, 550 5.1.1), and the whole message failed,
// for good: nobody got alerts any more. Now the others get it, the error
// names the refused address, and a later round tries only that one.
func TestOneRefusedRecipient(t *testing.T) {
	srv := &server{refuse: map[string]*smtp.SMTPError{
		"gone@example.com": {Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "User unknown"}}}
	port, tc := srv.start(t, false)
	e := newEmail(t, port, "starttls", tc)
	e.To = []string{"care@example.com", "gone@example.com", "lead@example.com"}
	n := notify.Sample(now, "")
	err := e.Send(context.Background(), n)
	var de *alerts.DeliveryError
	if !errors.As(err, &de) || !de.Permanent || !strings.Contains(err.Error(), "gone@example.com") || !strings.Contains(err.Error(), "notifiers.email.to") {
		t.Fatalf("err %v, want a permanent error naming the refused address", err)
	}
	srv.mu.Lock()
	got := strings.Join(srv.envelopes, ", ")
	srv.mu.Unlock()
	if got != "care@example.com, lead@example.com" {
		t.Fatalf("messages went to %q, want one to each address taken", got)
	}
	delete(srv.refuse, "gone@example.com")
	if err := e.Send(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	got = strings.Join(srv.envelopes, ", ")
	srv.mu.Unlock()
	if got != "care@example.com, lead@example.com, gone@example.com" {
		t.Errorf("after the retry messages went to %q, want the refused address only", got)
	}
	// The next notification goes to everyone in one message again.
	if err := e.Send(context.Background(), notify.Sample(now.Add(time.Hour), "")); err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if last := srv.envelopes[len(srv.envelopes)-1]; last != "care@example.com gone@example.com lead@example.com" {
		t.Errorf("next message to %q", last)
	}
}

func TestSTARTTLSIsMandatory(t *testing.T) {
	// A server whose certificate the client does not trust: the mail
	// must not go (in clear or otherwise).
	srv := &server{}
	port, _ := srv.start(t, false)
	e := newEmail(t, port, "starttls", &tls.Config{RootCAs: x509.NewCertPool(), ServerName: "127.0.0.1"})
	if err := e.Send(context.Background(), notify.Sample(now, "")); err == nil {
		t.Fatal("sent over an untrusted TLS connection")
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.msgs) != 0 || srv.authed {
		t.Errorf("server got %d messages, authed %v", len(srv.msgs), srv.authed)
	}
}

func TestInitChecks(t *testing.T) {
	for _, c := range []struct {
		e    Email
		want string
	}{
		{Email{From: "a@b.c", To: []string{"d@e.f"}}, "host is required"},
		{Email{Host: "h", Security: "none", Username: "u", Password: "pppppp", From: "a@b.c", To: []string{"d@e.f"}}, "clear text"},
		{Email{Host: "h", Security: "ssl", From: "a@b.c", To: []string{"d@e.f"}}, "want starttls, tls or none"},
		{Email{Host: "h", From: "nobody", To: []string{"d@e.f"}}, "not a mail address"},
		{Email{Host: "h", From: "a@b.c"}, "at least one recipient"},
	} {
		if err := c.e.Init(notify.Env{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.e, err, c.want)
		}
	}
}

// TestLoginAndConnectionErrorsSayWhatToCheck: a refused login (535 5.7.8)
// comes while connecting, as go-mail's "dial failed: SMTP AUTH failed"
// with a textproto error, not a send error, so it was retried like a
// network fault on every alert, for good, and said nothing of what to
// check; a server that cannot be reached or whose certificate fails named
// no key either. A 5xx login refusal is now permanent and names username
// and password; a 4xx is retried; a connection error names host, port and
// security.
func TestLoginAndConnectionErrorsSayWhatToCheck(t *testing.T) {
	for _, c := range []struct {
		name      string
		authFail  *smtp.SMTPError
		permanent bool
		want      string
	}{
		{"535", &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}, true, "notifiers.email.username and password"},
		{"454", &smtp.SMTPError{Code: 454, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "Temporary authentication failure"}, false, "454"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := &server{authFail: c.authFail}
			port, tc := srv.start(t, false)
			err := newEmail(t, port, "starttls", tc).Send(context.Background(), notify.Sample(now, ""))
			var de *alerts.DeliveryError
			if !errors.As(err, &de) || de.Permanent != c.permanent || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want permanent=%v saying %q", err, c.permanent, c.want)
			}
			if strings.Contains(err.Error(), "s3cretPASSWORD") {
				t.Errorf("password in error")
			}
		})
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // nothing listens there any more
	err = newEmail(t, port, "starttls", nil).Send(context.Background(), notify.Sample(now, ""))
	var de *alerts.DeliveryError
	if !errors.As(err, &de) || de.Permanent || !strings.Contains(err.Error(), "notifiers.email host, port and security") {
		t.Errorf("err %v, want a retried error naming host, port and security", err)
	}
}

// TestHostWithPortOrSchemeIsAConfigError: host "smtp.example.com:587" or
// "smtp://smtp.example.com" passed Init, and every alert then failed to
// dial ("too many colons", "no such host"), retried as a network fault.
// Init says to give the host name alone; an IPv6 address is a host.
func TestHostWithPortOrSchemeIsAConfigError(t *testing.T) {
	for host, ok := range map[string]bool{"smtp.example.com": true, "::1": true, "2001:db8::25": true, "127.0.0.1": true,
		"smtp.example.com:587": false, "smtp://smtp.example.com": false, "smtp.example.com/": false, "smtp example.com": false} {
		e := Email{Host: host, From: "a@b.c", To: []string{"d@e.f"}}
		err := e.Init(notify.Env{})
		if ok && err != nil {
			t.Errorf("host %q: %v, want it accepted", host, err)
		}
		if !ok && (err == nil || !strings.Contains(err.Error(), "host")) {
			t.Errorf("host %q: err %v, want a config error about host", host, err)
		}
	}
}

// TestMailIsMarkedAutomated: alerts and digests went out as if a person
// wrote them, so every teammate's vacation or out-of-office responder
// answered each alert to the From address (a team mailbox, often). Both
// carry Auto-Submitted: auto-generated (RFC 3834), which responders
// honour, and Exchange's X-Auto-Response-Suppress.
func TestMailIsMarkedAutomated(t *testing.T) {
	srv := &server{}
	port, tc := srv.start(t, false)
	e := newEmail(t, port, "starttls", tc)
	if err := e.Send(context.Background(), notify.Sample(now, "")); err != nil {
		t.Fatal(err)
	}
	if err := e.SendMail(context.Background(), Mail{Subject: "Acme daily digest", Text: "t", HTML: "<p>h</p>"}); err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.msgs) != 2 {
		t.Fatalf("%d messages, want 2", len(srv.msgs))
	}
	for i, name := range []string{"alert", "digest"} {
		m, err := mail.ReadMessage(bytes.NewReader(srv.msgs[i]))
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Header.Get("Auto-Submitted"); got != "auto-generated" {
			t.Errorf("%s: Auto-Submitted %q, want auto-generated", name, got)
		}
		if got := m.Header.Get("X-Auto-Response-Suppress"); got != "OOF, AutoReply" {
			t.Errorf("%s: X-Auto-Response-Suppress %q", name, got)
		}
		if m.Header.Get("Message-Id") == "" || m.Header.Get("Date") == "" {
			t.Errorf("%s: no Message-ID or Date", name)
		}
		if _, err := m.Header.Date(); err != nil {
			t.Errorf("%s: Date: %v", name, err)
		}
	}
}

// TestMessageIDAtFromDomain: go-mail's Message-ID ends in the machine's
// host name, which in a container is its id, no domain, and spam filters
// score that. Each mail's Message-ID is now unique and at the From
// address's domain.
func TestMessageIDAtFromDomain(t *testing.T) {
	e := &Email{Host: "smtp.example", From: "Pemantau Merek <alerts@pantau.example.co.id>", To: []string{"ops@example.com"}}
	if err := e.Init(notify.Env{}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i := 0; i < 3; i++ {
		m, err := e.mailMessage(Mail{Subject: "s", Text: "t", HTML: "<p>h</p>"}, e.To)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := m.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(&b)
		if err != nil {
			t.Fatal(err)
		}
		id := msg.Header.Get("Message-Id")
		local, domain, ok := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">"), "@")
		if !ok || local == "" || domain != "pantau.example.co.id" || id[0] != '<' || id[len(id)-1] != '>' {
			t.Errorf("Message-ID %q, want <random@pantau.example.co.id>", id)
		}
		if seen[id] {
			t.Errorf("Message-ID %q repeats", id)
		}
		seen[id] = true
	}
}

// TestAuthPrefersPlainOrLogin: go-mail's autodiscovery prefers NTLM and
// CRAM-MD5 to PLAIN and LOGIN, so a server offering them too (Exchange
// offers NTLM; a Postfix/Dovecot server CRAM-MD5, which fails when its
// passwords are stored hashed) refused the login (535) and no alert went
// out, for good, although the password was right. Over TLS the channel
// now uses PLAIN or LOGIN when offered, as ALERTS.md says.
func TestAuthPrefersPlainOrLogin(t *testing.T) {
	for _, mechs := range [][]string{{"CRAM-MD5", sasl.Plain}, {"NTLM", sasl.Plain}} {
		t.Run(mechs[0], func(t *testing.T) {
			srv := &server{mechs: mechs}
			port, tc := srv.start(t, false)
			if err := newEmail(t, port, "starttls", tc).Send(context.Background(), notify.Sample(now, "")); err != nil {
				t.Fatal(err)
			}
			srv.mu.Lock()
			defer srv.mu.Unlock()
			if !srv.authed || len(srv.msgs) != 1 {
				t.Errorf("authed %v, %d messages", srv.authed, len(srv.msgs))
			}
		})
	}
}

// TestServerWithoutAuth: with username set, a server that offers no AUTH
// (a relay that trusts the host, or the wrong port) failed every alert
// with a retried error saying to check the network; no retry can log in.
// It is now permanent and says to drop username and password or check
// host and port.
func TestServerWithoutAuth(t *testing.T) {
	srv := &server{}
	_, tc := srv.start(t, false)
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return struct{ smtp.Session }{&session{s: srv, conn: c}}, nil // hides the Auth methods
	}))
	s.Domain = "localhost"
	s.TLSConfig = srv.tls
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	err = newEmail(t, l.Addr().(*net.TCPAddr).Port, "starttls", tc).Send(context.Background(), notify.Sample(now, ""))
	var de *alerts.DeliveryError
	if !errors.As(err, &de) || !de.Permanent || !strings.Contains(err.Error(), "username and password") {
		t.Errorf("err %v, want a permanent error saying to drop username and password", err)
	}
	if err != nil && strings.Contains(err.Error(), "s3cretPASSWORD") {
		t.Error("password in error")
	}
}

// TestTextPartHasTheActionLinks: the mail's text part offers what its
// HTML part offers, Acknowledge and Silence 4 h included (before: only
// the dashboard link, so a responder reading plain text could not act
// from the mail).
func TestTextPartHasTheActionLinks(t *testing.T) {
	signer, err := actionlink.New([]byte("email-test-link-key-0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	c := alerts.ContentOf(alerts.Presentation{Links: signer, Now: func() time.Time { return now }}, notify.Sample(now, "https://dash.example/"))
	html, err := HTML(c)
	if err != nil {
		t.Fatal(err)
	}
	plain := c.PlainText()
	for _, want := range []string{"Open: https://dash.example/#alert=", "Acknowledge: https://dash.example/a/ack?", "Silence 4 h: https://dash.example/a/silence?"} {
		link := strings.SplitN(want, ": ", 2)[1]
		if !strings.Contains(html, link) {
			t.Fatalf("the HTML part has no %s", link)
		}
		if !strings.Contains(plain, want) {
			t.Errorf("the text part lacks %q:\n%s", want, plain)
		}
	}
}
