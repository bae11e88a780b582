package email

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/mail"

	gomail "github.com/wneessen/go-mail"

	"github.com/mentionwatch/mentionwatch/alerts"
)

// Mail is a message other than an alert (a digest): a subject, the same
// content as plain text and as HTML, and PNG images the HTML shows inline
// (src="cid:<CID>").
type Mail struct {
	Subject string
	Text    string
	HTML    string
	Inline  []Inline
	// To overrides the configured recipients when not empty.
	To []string
}

// Inline is an image attached to a Mail and shown by its HTML.
type Inline struct {
	CID  string // content id, without angle brackets
	Name string // file name, e.g. volume.png
	PNG  []byte
}

// SendMail sends m through the channel's SMTP server, from its From, to
// m.To or else its To. Errors are *alerts.DeliveryError, classified like
// an alert's (4xx temporary, 5xx permanent).
//
// A recipient the server refuses does not keep the mail from the others
// (as for alerts); a retry of the same mail, same subject, text and
// recipients, mails only the recipients it has not reached.
func (e *Email) SendMail(ctx context.Context, m Mail) error {
	to := m.To
	if len(to) == 0 {
		to = e.To
	}
	for _, t := range to {
		if _, err := mail.ParseAddress(t); err != nil {
			return &alerts.DeliveryError{Notifier: e.Name(), Permanent: true, Err: fmt.Errorf("building the mail: recipient %q is not a mail address: %v", t, err)}
		}
	}
	h := sha256.New()
	fmt.Fprintf(h, "%d:%s%d:%s%q", len(m.Subject), m.Subject, len(m.Text), m.Text, to)
	return e.deliver(ctx, "mail:"+hex.EncodeToString(h.Sum(nil)), to, func(to []string) (*gomail.Msg, error) { return e.mailMessage(m, to) })
}

func (e *Email) mailMessage(m Mail, to []string) (*gomail.Msg, error) {
	msg, err := e.newMsg(to, m.Subject)
	if err != nil {
		return nil, err
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	for _, img := range m.Inline {
		// A Content-ID is a msg-id, in angle brackets (RFC 2045 7, RFC
		// 2392); go-mail writes a given one as is, and clients that match
		// cid: only against the bracketed form show no chart.
		if err := msg.EmbedReader(img.Name, bytes.NewReader(img.PNG), gomail.WithFileContentID("<"+img.CID+">"), gomail.WithFileContentType(gomail.ContentType("image/png"))); err != nil {
			return nil, fmt.Errorf("attaching %s: %w", img.Name, err)
		}
	}
	return msg, nil
}
