package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/internal/redact"
)

// Post is one JSON POST of an HTTP channel: the request and what an error
// says. Telegram, Teams and Alertmanager send through it.
type Post struct {
	Notifier string                // the channel's name, for DeliveryError
	What     string                // the request, as errors name it: "POST sendMessage"
	URL      string                // may hold a token: never printed
	Hint     string                // what to check when the request cannot be made or sent
	Limit    int64                 // bytes of the answer to read
	Header   func(r *http.Request) // extra headers (auth), optional
}

// Send posts body and returns the response (its body already closed) and up
// to Limit bytes of it. A request that cannot be built is a permanent
// DeliveryError; one that cannot be sent is a retryable one that keeps the
// cause but not the URL (a *url.Error quotes it), redacted.
//
// A 307 or 308 redirect is followed (the POST and its body are kept). A
// 301, 302 or 303 is not: Go's client would follow it with a GET without
// the body, which many APIs answer with 200 (Alertmanager lists its
// alerts), so the notification was lost and counted as delivered. It is a
// permanent DeliveryError naming where the server points.
func (p Post) Send(ctx context.Context, c *http.Client, body []byte) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.URL, bytes.NewReader(body))
	if err != nil {
		return nil, nil, &alerts.DeliveryError{Notifier: p.Notifier, Permanent: true,
			Err: fmt.Errorf("building the request failed (%s)", p.Hint)}
	}
	req.Header.Set("Content-Type", "application/json")
	if p.Header != nil {
		p.Header(req)
	}
	resp, err := alerts.PostClient(c).Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, nil, &alerts.DeliveryError{Notifier: p.Notifier,
			Err: redact.Error(fmt.Errorf("%s: %w (%s)", p.What, err, p.Hint))}
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, p.Limit))
	if resp.StatusCode/100 == 3 {
		to := "no Location"
		if loc, err := resp.Location(); err == nil {
			loc.RawQuery, loc.Fragment, loc.User = "", "", nil // a query may carry a signature
			to = loc.String()
		}
		return resp, raw, &alerts.DeliveryError{Notifier: p.Notifier, Status: resp.StatusCode, Permanent: true,
			Err: redact.Error(fmt.Errorf("%s: the server redirects to %s, and a POST cannot follow it (%s: give the address it redirects to)", p.What, to, p.Hint))}
	}
	return resp, raw, nil
}

// APIURL returns a channel's api_url: def when raw is empty, without a
// trailing slash; an error when it is not an absolute http(s) URL.
func APIURL(raw, def string) (string, error) {
	if raw == "" {
		raw = def
	}
	if u, err := url.Parse(raw); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("api_url %q is not an http(s) URL", raw)
	}
	return strings.TrimSuffix(raw, "/"), nil
}
