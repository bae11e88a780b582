package email

import (
	"bytes"
	"context"
	"mime"
	"strings"
	"testing"

	gomail "github.com/wneessen/go-mail"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/alerts/notify"
)

// A critical alert's reason quotes its author, who is untrusted: a line
// break there cannot forge a line of the text part, a header line or a
// link, and control characters and bidi overrides reach neither part. A
// non-ASCII subject arrives intact (RFC 2047).
func TestHostileAuthorAndSubject(t *testing.T) {
	srv := &server{}
	port, tc := srv.start(t, false)
	e := newEmail(t, port, "starttls", tc)
	n := notify.Sample(now, "https://dash.example/")
	const forged = "\n\nOpen: https://evil.example/login"
	n.Alert.Brand = "Café\r\nBcc: victim@example.com"
	n.Alert.Kind, n.Alert.Scope = mw.AlertCritical, "mention"
	n.Alert.Reason = "negative mention by mallory\u202Enigol\x1b[2J\x00" + forged + " with 120k followers"
	n.Top[0].Author = "eve\u202E\u200b\x00\xff" + forged
	if err := e.Send(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	head, _, _ := strings.Cut(string(srv.msgs[0]), "\r\n\r\n")
	if strings.Contains(head, "\nBcc:") {
		t.Errorf("a header line was injected:\n%s", head)
	}
	subject, plain, html := parts(t, srv.msgs[0])
	if subject != "[mentionwatch] Critical mention of Café Bcc: victim@example.com" {
		t.Errorf("subject %q", subject)
	}
	if strings.Contains(plain, "\nOpen: https://evil") {
		t.Errorf("text part: the author forged a line:\n%s", plain)
	}
	for name, p := range map[string]string{"text": plain, "html": html} {
		if strings.ContainsAny(p, "\u202E\u200b\x1b\x00") {
			t.Errorf("%s part: a control character, zero-width space or bidi override got through: %q", name, p)
		}
		if !strings.Contains(p, "mallorynigol[2J") || !strings.Contains(p, "Open: https://evil.example/login with 120k followers") {
			t.Errorf("%s part lost the reason's visible text:\n%s", name, p)
		}
	}
}

// TestLongSubjectKeepsHeaderLinesShort: a header line may not exceed 998
// characters (RFC 5322 2.1.1) and servers refuse such a mail, for good.
// go-mail folds a subject only between words, so a brand (or a digest's
// subject) with a 1,200-character word made a 1,200-character Subject
// line. The subject is clipped to maxSubjectRunes, on a word boundary.
func TestLongSubjectKeepsHeaderLinesShort(t *testing.T) {
	e := &Email{Host: "smtp.example", From: "alerts@example.com", To: []string{"ops@example.com"}}
	if err := e.Init(notify.Env{}); err != nil {
		t.Fatal(err)
	}
	n := notify.Sample(now, "https://dash.example/")
	n.Alert.Brand = strings.Repeat("a", 1200)
	alert, err := e.Message(alerts.ContentOf(alerts.Presentation{}, n))
	if err != nil {
		t.Fatal(err)
	}
	digest, err := e.mailMessage(Mail{Subject: strings.Repeat("b", 1200) + " daily digest", Text: "t", HTML: "<p>h</p>"}, e.To)
	if err != nil {
		t.Fatal(err)
	}
	for name, m := range map[string]*gomail.Msg{"alert": alert, "digest": digest} {
		var b bytes.Buffer
		if _, err := m.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(b.String(), "\r\n") {
			if len(l) > 998 {
				t.Errorf("%s: a line of %d characters: %.60s…", name, len(l), l)
			}
		}
		s := m.GetGenHeader(gomail.HeaderSubject)
		if len(s) != 1 {
			t.Fatalf("%s: subject headers %q", name, s)
		}
		if subj, err := new(mime.WordDecoder).DecodeHeader(s[0]); err != nil || !strings.HasPrefix(subj, "[mentionwatch] ") || !strings.HasSuffix(subj, "…") {
			t.Errorf("%s: subject %q (%v), want the prefix and a clipped text", name, subj, err)
		}
	}
}
