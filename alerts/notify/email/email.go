// Package email sends alerts over SMTP (STARTTLS or implicit TLS, with
// auth) as multipart/alternative mail: an HTML alert with the evidence and
// the same content as plain text. It uses wneessen/go-mail.
package email

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
	"unicode"

	gomail "github.com/wneessen/go-mail"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/alerts/notify"
	"github.com/mentionwatch/mentionwatch/internal/redact"
)

func init() { notify.Register("email", func() notify.Channel { return &Email{} }) }

// Email is the channel and its config (notifiers.email).
type Email struct {
	Host     string    `yaml:"host"`     // SMTP server
	Port     int       `yaml:"port"`     // default 587 (starttls), 465 (tls), 25 (none)
	Security string    `yaml:"security"` // starttls (default) | tls | none (a local relay only; no auth then)
	Username string    `yaml:"username"` // SMTP auth; empty = none
	Password mw.Secret `yaml:"password"` //
	From     string    `yaml:"from"`     // "Mentionwatch <alerts@example.com>"
	To       []string  `yaml:"to"`       // recipients
	// SubjectPrefix starts every subject; default "[mentionwatch] ".
	SubjectPrefix *string `yaml:"subject_prefix"`

	env       notify.Env
	tlsConfig *tls.Config // tests: trust their own CA; nil = system roots
	// reached: for each delivery (an alert's delivery key, a digest's
	// content) the server refused some recipients of, the recipients it
	// took, so a retry mails only the others.
	reached *notify.Reached // a pointer: the config struct is copied
}

// Init implements notify.Channel.
func (e *Email) Init(env notify.Env) error {
	e.env = env
	e.reached = &notify.Reached{}
	if e.Host == "" {
		return errors.New("host is required (your SMTP server, e.g. smtp.example.com)")
	}
	// A host with a port or a scheme passes no check until every send
	// fails to dial: say so now. An IPv6 address has colons of its own.
	if strings.ContainsAny(e.Host, "/ \t@") || strings.Contains(e.Host, ":") && net.ParseIP(e.Host) == nil {
		return fmt.Errorf("host %q is not a host name: give the name alone, such as smtp.example.com, and the port in port", e.Host)
	}
	switch e.Security {
	case "", "starttls":
		e.Security = "starttls"
		if e.Port == 0 {
			e.Port = 587
		}
	case "tls":
		if e.Port == 0 {
			e.Port = 465
		}
	case "none":
		if e.Username != "" || e.Password.Value() != "" {
			return errors.New("security: none would send the password in clear text: use starttls or tls, or drop username and password (a local relay)")
		}
		if e.Port == 0 {
			e.Port = 25
		}
	default:
		return fmt.Errorf("security %q: want starttls, tls or none", e.Security)
	}
	if e.Port < 1 || e.Port > 65535 {
		return fmt.Errorf("port %d is out of range", e.Port)
	}
	if e.Password.Value() != "" && e.Username == "" {
		return errors.New("password needs username")
	}
	if _, err := mail.ParseAddress(e.From); err != nil {
		return fmt.Errorf("from %q is not a mail address: %v", e.From, err)
	}
	if len(e.To) == 0 {
		return errors.New("to needs at least one recipient")
	}
	for _, t := range e.To {
		if _, err := mail.ParseAddress(t); err != nil {
			return fmt.Errorf("to %q is not a mail address: %v", t, err)
		}
	}
	if e.SubjectPrefix == nil {
		p := "[mentionwatch] "
		e.SubjectPrefix = &p
	}
	return nil
}

func (e *Email) timeout() time.Duration {
	if e.env.HTTP != nil && e.env.HTTP.Timeout > 0 {
		return e.env.HTTP.Timeout
	}
	return 20 * time.Second
}

// Name implements alerts.Notifier.
func (e *Email) Name() string { return "email" }

// Message builds the mail for content c.
func (e *Email) Message(c alerts.Content) (*gomail.Msg, error) { return e.message(c, e.To) }

func (e *Email) message(c alerts.Content, to []string) (*gomail.Msg, error) {
	m, err := e.newMsg(to, c.Headline)
	if err != nil {
		return nil, err
	}
	m.SetBodyString(gomail.TypeTextPlain, c.PlainText())
	html, err := HTML(c)
	if err != nil {
		return nil, err
	}
	m.AddAlternativeString(gomail.TypeTextHTML, html)
	return m, nil
}

// newMsg is a mail's header, alert or digest: from the configured From to
// to, with subject, a Date and a Message-ID, marked as sent by a program.
// Auto-Submitted (RFC 3834) and Exchange's X-Auto-Response-Suppress keep
// vacation and out-of-office responders from answering every alert to the
// From address (a team's mailbox, often).
func (e *Email) newMsg(to []string, subject string) (*gomail.Msg, error) {
	m := gomail.NewMsg()
	if err := m.From(e.From); err != nil {
		return nil, err
	}
	if err := m.To(to...); err != nil {
		return nil, err
	}
	m.Subject(e.subject(subject))
	m.SetDate()
	m.SetMessageIDWithValue(e.messageID())
	m.SetGenHeader("Auto-Submitted", "auto-generated")
	m.SetGenHeader("X-Auto-Response-Suppress", "OOF, AutoReply")
	return m, nil
}

// messageID is a new Message-ID's value: 128 random bits at the From
// address's domain. go-mail's own takes the machine's host name, which in
// a container is its id ("3f2a9c1b", "vm"): a right-hand side that is no
// domain, which spam filters score (rspamd MID_RHS_NOT_FQDN).
func (e *Email) messageID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	domain := "localhost.localdomain"
	if a, err := mail.ParseAddress(e.From); err == nil {
		if d := a.Address[strings.LastIndexByte(a.Address, '@')+1:]; d != "" && !strings.ContainsFunc(d, func(r rune) bool { return r > unicode.MaxASCII }) {
			domain = d
		}
	}
	return hex.EncodeToString(b[:]) + "@" + domain
}

// maxSubjectRunes bounds a subject. go-mail folds a header only between
// words, and a line over 998 characters (RFC 5322 2.1.1) gets the mail
// refused: a brand or digest subject with a longer word would make one.
const maxSubjectRunes = 250

// subject is the configured prefix and text on one line (a header cannot
// carry a line break; a brand name could), clipped to maxSubjectRunes.
func (e *Email) subject(text string) string {
	return alerts.Clip(*e.SubjectPrefix+text, maxSubjectRunes)
}

// Send implements alerts.Notifier.
func (e *Email) Send(ctx context.Context, n alerts.Notification) error {
	c := alerts.ContentOf(e.env.Presentation, n)
	return e.deliver(ctx, alerts.DeliveryKey(n.Alert), e.To, func(to []string) (*gomail.Msg, error) { return e.message(c, to) })
}

// deliver mails what build makes to the recipients in all that key has not
// reached yet, in one message. When the server refuses some of them at
// RCPT TO (a removed mailbox: 550 5.1.1), which fails the message for
// everyone, it mails each recipient on their own, so that the others get
// it, and returns the refusal; a retry with the same key mails only the
// recipients still missing.
func (e *Email) deliver(ctx context.Context, key string, all []string, build func(to []string) (*gomail.Msg, error)) error {
	to := e.reached.Missing(key, all)
	m, err := build(to)
	if err != nil {
		return &alerts.DeliveryError{Notifier: e.Name(), Permanent: true, Err: fmt.Errorf("building the mail: %w", err)}
	}
	err = e.dialAndSend(ctx, m)
	if err == nil {
		e.reached.Forget(key)
		return nil
	}
	var se *gomail.SendError
	if len(to) < 2 || !errors.As(err, &se) || se.Reason != gomail.ErrSMTPRcptTo {
		return classify(e.Name(), err)
	}
	msgs := make([]*gomail.Msg, len(to))
	for i, t := range to {
		if msgs[i], err = build([]string{t}); err != nil {
			return &alerts.DeliveryError{Notifier: e.Name(), Permanent: true, Err: fmt.Errorf("building the mail: %w", err)}
		}
	}
	err = e.dialAndSend(ctx, msgs...)
	if err == nil {
		e.reached.Forget(key)
		return nil
	}
	// A message without a send error was taken, unless none has one: then
	// the connection failed before any was sent.
	var refused []error
	for _, m := range msgs {
		if m.HasSendError() {
			if m.SendErrorIsTemp() { // a temporary refusal first: it sets the class
				refused = append([]error{m.SendError()}, refused...)
			} else {
				refused = append(refused, m.SendError())
			}
		}
	}
	if len(refused) == 0 {
		return classify(e.Name(), err)
	}
	for i, m := range msgs {
		if !m.HasSendError() {
			e.reached.Mark(key, to[i])
		}
	}
	return classify(e.Name(), errors.Join(refused...))
}

// dialAndSend sends msgs over one connection to the configured SMTP
// server. Its error is go-mail's: each message keeps its own send error.
func (e *Email) dialAndSend(ctx context.Context, msgs ...*gomail.Msg) error {
	opts := []gomail.Option{gomail.WithPort(e.Port), gomail.WithTimeout(e.timeout())}
	tc := e.tlsConfig
	if tc == nil {
		tc = &tls.Config{ServerName: e.Host, MinVersion: tls.VersionTLS12}
	}
	switch e.Security {
	case "tls":
		opts = append(opts, gomail.WithSSL(), gomail.WithTLSConfig(tc))
	case "starttls":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory), gomail.WithTLSConfig(tc))
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if e.Username != "" {
		// PLAIN or LOGIN over the TLS connection when the server offers
		// them: go-mail's autodiscovery prefers NTLM and CRAM-MD5, which an
		// Exchange server or a hashed password store refuses with the
		// right password. Other mechanisms only when neither is offered.
		opts = append(opts, gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin), gomail.WithUsername(e.Username), gomail.WithPassword(e.Password.Value()))
	}
	cl, err := gomail.NewClient(e.Host, opts...)
	if err != nil {
		return &alerts.DeliveryError{Notifier: e.Name(), Permanent: true, Err: fmt.Errorf("configuring SMTP: %w", err)}
	}
	return cl.DialAndSendWithContext(ctx, msgs...)
}

// classify: an SMTP 4xx (greylisting, rate limits, a full mailbox) is
// temporary and retried with backoff; a 5xx reply is permanent; a failed
// connection is retried. A reply while connecting (the greeting, STARTTLS,
// AUTH: a refused login is 535) is a *textproto.Error, not a send error,
// and is classed by its code the same way.
func classify(name string, err error) error {
	err = redact.Error(err)
	var te *textproto.Error
	if errors.As(err, &te) {
		what := "check notifiers.email host, port and security"
		if strings.Contains(err.Error(), "SMTP AUTH failed") {
			what = "check notifiers.email.username and password"
		}
		if te.Code >= 500 && te.Code < 600 {
			return &alerts.DeliveryError{Notifier: name, Permanent: true, Err: fmt.Errorf("SMTP %d, refused while connecting: %w (%s)", te.Code, err, what)}
		}
		return &alerts.DeliveryError{Notifier: name, Err: fmt.Errorf("SMTP %d, temporary: %w (%s)", te.Code, err, what)}
	}
	var se *gomail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		switch {
		case se.IsTemp() || (code >= 400 && code < 500):
			return &alerts.DeliveryError{Notifier: name, Err: fmt.Errorf("SMTP %d, temporary: %w", code, err)}
		case code >= 500 && se.Reason == gomail.ErrSMTPRcptTo:
			return &alerts.DeliveryError{Notifier: name, Permanent: true, Err: fmt.Errorf("SMTP %d, recipient refused: %w (check notifiers.email.to, or the digest's address: the other recipients are mailed all the same)", code, err)}
		case code >= 500:
			return &alerts.DeliveryError{Notifier: name, Permanent: true, Err: fmt.Errorf("SMTP %d, rejected: %w (check notifiers.email from, to, username and password)", code, err)}
		}
	}
	if strings.Contains(err.Error(), "server does not support SMTP AUTH") {
		// No AUTH offered (a relay that trusts this host, or the wrong
		// port): no retry will log in.
		return &alerts.DeliveryError{Notifier: name, Permanent: true, Err: fmt.Errorf("%w (the server offers no login: drop notifiers.email username and password if it relays for this host, or check host and port)", err)}
	}
	if strings.Contains(err.Error(), "dial failed") {
		// No SMTP reply: the server could not be reached, or TLS failed.
		err = fmt.Errorf("%w (check notifiers.email host, port and security, and the network)", err)
	}
	return &alerts.DeliveryError{Notifier: name, Err: err}
}
