package bluesky

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mentionwatch/mentionwatch/collectors"
)

// session is the app-password session: its JWTs live in memory only (never
// in the cursor or the log), so a restart logs in again.
type session struct {
	access, refresh string
	expires         time.Time // of the access JWT, from its exp claim; zero if unknown
}

// sessionResponse is what createSession and refreshSession return.
type sessionResponse struct {
	AccessJwt  string `json:"accessJwt"`
	RefreshJwt string `json:"refreshJwt"`
	Handle     string `json:"handle"`
	DID        string `json:"did"`
	Active     *bool  `json:"active"`
	Status     string `json:"status"`
}

// xrpcGet calls a query method with the session, logging in or refreshing
// as needed. When the access token is refused as expired or invalid
// (400 ExpiredToken, 401), it refreshes the session (or logs in again when
// the refresh token is dead too) and retries once.
func (b *Bluesky) xrpcGet(ctx context.Context, method string, v url.Values) ([]byte, error) {
	u := b.Service + "/xrpc/" + method + "?" + v.Encode()
	for attempt := 0; ; attempt++ {
		tok, err := b.accessToken(ctx, attempt > 0)
		if err != nil {
			return nil, err
		}
		resp, err := b.env.HTTP.Get(ctx, u, http.Header{"Authorization": {"Bearer " + tok}})
		if err == nil {
			return resp.Body, nil
		}
		if attempt == 0 && tokenRefused(err) {
			continue
		}
		if collectors.IsAuth(err) {
			return nil, fmt.Errorf("the session of handle/app_password was refused (check the app password at %s): %w", appPasswordsPage, err)
		}
		return nil, err
	}
}

// tokenRefused reports a 400 ExpiredToken/InvalidToken or a 401.
func tokenRefused(err error) bool {
	var he *collectors.HTTPError
	if !errors.As(err, &he) {
		return false
	}
	return he.Status == http.StatusUnauthorized ||
		(he.Status == http.StatusBadRequest && (strings.Contains(he.Snippet, "ExpiredToken") || strings.Contains(he.Snippet, "InvalidToken")))
}

// accessToken returns the session's access JWT. With renew, or when it
// expires within a minute, it refreshes the session first; when that fails
// (or there is none) it creates a new one.
func (b *Bluesky) accessToken(ctx context.Context, renew bool) (string, error) {
	b.mu.Lock()
	s := b.sess
	b.mu.Unlock()
	fresh := s.access != "" && (s.expires.IsZero() || b.env.Now().Add(time.Minute).Before(s.expires))
	if fresh && !renew {
		return s.access, nil
	}
	if s.refresh != "" {
		ns, err := b.sessionCall(ctx, "com.atproto.server.refreshSession", s.refresh, nil)
		if err == nil {
			return b.keep(ns), nil
		}
		if !tokenRefused(err) && !collectors.IsAuth(err) {
			return "", fmt.Errorf("refreshing the Bluesky session: %w", err)
		}
		b.env.Log.Info("bluesky refresh token refused; logging in again", "err", err)
	}
	body, _ := json.Marshal(map[string]string{"identifier": b.Handle, "password": b.AppPassword.Value()})
	ns, err := b.sessionCall(ctx, "com.atproto.server.createSession", "", body)
	if err != nil {
		var he *collectors.HTTPError
		if errors.As(err, &he) && (he.Status == http.StatusBadRequest || collectors.IsAuth(err)) {
			// 401 AuthenticationRequired: wrong handle or password; 400
			// AuthFactorTokenRequired: the main password of a 2FA account.
			// Both mean: fix the credentials, so report them as 401.
			if he.Status == http.StatusBadRequest {
				he = &collectors.HTTPError{Method: he.Method, URL: he.URL, Status: http.StatusUnauthorized, Snippet: "HTTP 400: " + he.Snippet}
			}
			return "", fmt.Errorf("bluesky rejected handle/app_password for %q (use an app password from %s, not the account password): %w", b.Handle, appPasswordsPage, he)
		}
		return "", fmt.Errorf("creating a Bluesky session: %w", err)
	}
	return b.keep(ns), nil
}

func (b *Bluesky) keep(s session) string {
	b.mu.Lock()
	b.sess = s
	b.mu.Unlock()
	return s.access
}

// sessionCall POSTs a session procedure: with bearer (the refresh JWT) or
// with a JSON body (the login).
func (b *Bluesky) sessionCall(ctx context.Context, method, bearer string, body []byte) (session, error) {
	h := http.Header{}
	if bearer != "" {
		h.Set("Authorization", "Bearer "+bearer)
	}
	if body != nil {
		h.Set("Content-Type", "application/json")
	}
	resp, err := b.env.HTTP.Do(ctx, collectors.Request{Method: http.MethodPost, URL: b.Service + "/xrpc/" + method, Header: h, Body: body})
	if err != nil {
		return session{}, err
	}
	var r sessionResponse
	if err := json.Unmarshal(resp.Body, &r); err != nil {
		return session{}, fmt.Errorf("decoding %s response: %w", method, err)
	}
	if r.AccessJwt == "" || r.RefreshJwt == "" {
		return session{}, fmt.Errorf("%s returned no tokens", method)
	}
	if r.Active != nil && !*r.Active {
		b.env.Log.Warn("bluesky account is not active; search may fail", "status", r.Status)
	}
	return session{access: r.AccessJwt, refresh: r.RefreshJwt, expires: jwtExpiry(r.AccessJwt)}, nil
}

// jwtExpiry reads the exp claim of a JWT without checking its signature
// (only to refresh in time); zero when it cannot.
func jwtExpiry(tok string) time.Time {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return time.Time{}
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}
	}
	var c struct {
		Exp int64 `json:"exp"`
	}
	if json.Unmarshal(raw, &c) != nil || c.Exp <= 0 {
		return time.Time{}
	}
	return time.Unix(c.Exp, 0)
}
