package email

import (
	"bytes"
	"context"
	"encoding/base64"
	htmlpkg "html"
	"image/png"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mentionwatch/mentionwatch/digest"
	"github.com/mentionwatch/mentionwatch/digest/digesttest"
	"github.com/mentionwatch/mentionwatch/store/sqlite"
)

// part is one leaf of a received MIME tree; cid is its Content-ID header
// as sent.
type part struct {
	typ, cid string
	body     []byte
}

// leaves walks a MIME entity depth first, decoding quoted-printable and
// base64 bodies.
func leaves(t *testing.T, header map[string][]string, body io.Reader) []part {
	t.Helper()
	get := func(k string) string {
		if v := header[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	mt, params, err := mime.ParseMediaType(get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type %q: %v", get("Content-Type"), err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		var out []part
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return out
			}
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, leaves(t, p.Header, p)...)
		}
	}
	switch strings.ToLower(get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	return []part{{typ: mt, cid: get("Content-Id"), body: b}}
}

// A digest built from the store goes through a real SMTP server
// (STARTTLS, auth): the received mail has the text part and the HTML part
// with the same numbers, and the charts as inline PNGs the HTML refers to.
func TestDigestEndToEnd(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "mw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := digesttest.Seed(ctx, st); err != nil {
		t.Fatal(err)
	}
	r, err := digest.Build(ctx, st, digest.Options{Brand: digesttest.Brand(), Period: digest.Weekly, End: digesttest.WeekEnd, Location: digesttest.Jakarta})
	if err != nil {
		t.Fatal(err)
	}
	d, err := digest.Render(r)
	if err != nil {
		t.Fatal(err)
	}

	srv := &server{}
	port, tc := srv.start(t, false)
	e := newEmail(t, port, "starttls", tc)
	m := Mail{Subject: d.Subject, Text: d.Text, HTML: d.HTML, To: []string{"lead@example.com"}}
	for _, img := range d.Images {
		m.Inline = append(m.Inline, Inline{CID: img.CID(), Name: img.Name + ".png", PNG: img.PNG})
	}
	if err := e.SendMail(ctx, m); err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if !srv.authed || !srv.tlsSeen || len(srv.msgs) != 1 || strings.Join(srv.rcpts, ",") != "lead@example.com" {
		t.Fatalf("authed %v tls %v msgs %d rcpts %v", srv.authed, srv.tlsSeen, len(srv.msgs), srv.rcpts)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(srv.msgs[0]))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if subject != "[mentionwatch] Acme weekly digest: 23 – 29 Nov 2026" {
		t.Errorf("subject %q", subject)
	}
	var plain, html string
	images := map[string][]byte{}
	for _, p := range leaves(t, msg.Header, msg.Body) {
		switch p.typ {
		case "text/plain":
			plain = string(p.body)
		case "text/html":
			html = string(p.body)
		case "image/png":
			images[p.cid] = p.body
		}
	}
	// SMTP carries lines ending in CRLF.
	crlf := strings.NewReplacer("\r\n", "\n")
	plain, html = crlf.Replace(plain), crlf.Replace(html)
	if plain != d.Text {
		t.Errorf("the text part differs from the rendered text:\n%s", plain)
	}
	if html != d.HTML {
		t.Errorf("the HTML part differs from the rendered HTML:\n%s", html)
	}
	shown := htmlpkg.UnescapeString(html) // what a reader sees, roughly
	// The same numbers in both parts: blocked images lose nothing.
	for _, want := range []string{"28", "+40%", "29%", "1 h 9 min", "n/a", "58%", "My order from Acme is late again"} {
		if !strings.Contains(plain, want) || !strings.Contains(shown, want) {
			t.Errorf("%q is not in both parts", want)
		}
	}
	// multipart/related: the alternative text and HTML, then the images.
	if mt, _, _ := mime.ParseMediaType(msg.Header.Get("Content-Type")); mt != "multipart/related" {
		t.Errorf("Content-Type %s, want multipart/related", mt)
	}
	if strings.Contains(html, "<b>Refund") || !strings.Contains(html, "&lt;b&gt;Refund NOW&lt;/b&gt;") {
		t.Error("the hostile mention is not escaped in the HTML part")
	}
	for _, img := range d.Images {
		// A Content-ID is a msg-id: <id>, which cid:id refers to (RFC 2392).
		got, ok := images["<"+img.CID()+">"]
		if !ok {
			t.Fatalf("no inline image with Content-ID <%s> (have %q)", img.CID(), keys(images))
		}
		if !bytes.Equal(got, img.PNG) {
			t.Errorf("%s arrived changed", img.CID())
		}
		if _, err := png.Decode(bytes.NewReader(got)); err != nil {
			t.Errorf("%s: %v", img.CID(), err)
		}
		if !strings.Contains(html, `src="cid:`+img.CID()+`"`) {
			t.Errorf("the HTML does not show %s", img.CID())
		}
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
