package email

import (
	"bytes"
	"context"
	"fmt"
	"net/mail"
	"strings"

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
func (e *Email) SendMail(ctx context.Context, m Mail) error {
	msg, err := e.mailMessage(m)
	if err != nil {
		return &alerts.DeliveryError{Notifier: e.Name(), Permanent: true, Err: fmt.Errorf("building the mail: %w", err)}
	}
	return e.dialAndSend(ctx, msg)
}

func (e *Email) mailMessage(m Mail) (*gomail.Msg, error) {
	to := m.To
	if len(to) == 0 {
		to = e.To
	}
	for _, t := range to {
		if _, err := mail.ParseAddress(t); err != nil {
			return nil, fmt.Errorf("recipient %q is not a mail address: %v", t, err)
		}
	}
	msg := gomail.NewMsg()
	if err := msg.From(e.From); err != nil {
		return nil, err
	}
	if err := msg.To(to...); err != nil {
		return nil, err
	}
	msg.Subject(strings.Join(strings.Fields(*e.SubjectPrefix+m.Subject), " "))
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	for _, img := range m.Inline {
		if err := msg.EmbedReader(img.Name, bytes.NewReader(img.PNG), gomail.WithFileContentID(img.CID), gomail.WithFileContentType(gomail.ContentType("image/png"))); err != nil {
			return nil, fmt.Errorf("attaching %s: %w", img.Name, err)
		}
	}
	return msg, nil
}
