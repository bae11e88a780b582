package reddit

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/mentionwatch/mentionwatch/collectors"
)

// tokenResponse is the access_token endpoint's answer.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
	Error       string `json:"error"`
}

// accessToken returns a valid app-only token, fetching a new one when there
// is none or it expires within a minute.
func (r *Reddit) accessToken(ctx context.Context) (string, error) {
	r.mu.Lock()
	tok, exp := r.token, r.expires
	r.mu.Unlock()
	now := r.env.Now()
	if tok != "" && now.Add(time.Minute).Before(exp) {
		return tok, nil
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	basic := base64.StdEncoding.EncodeToString([]byte(r.ClientID.Value() + ":" + r.ClientSecret.Value()))
	h := r.header("Basic " + basic)
	h["Content-Type"] = []string{"application/x-www-form-urlencoded"}
	resp, err := r.env.HTTP.Do(ctx, collectors.Request{Method: http.MethodPost, URL: r.TokenURL, Header: h, Body: []byte(form.Encode())})
	if err != nil {
		if collectors.IsAuth(err) {
			return "", fmt.Errorf("reddit rejected client_id/client_secret (check them at %s): %w", appsPage, err)
		}
		return "", fmt.Errorf("getting a Reddit access token: %w", err)
	}
	var t tokenResponse
	if err := json.Unmarshal(resp.Body, &t); err != nil {
		return "", fmt.Errorf("decoding Reddit access token response: %w", err)
	}
	if t.AccessToken == "" {
		// Reddit answers 200 {"error": "invalid_grant"} for some bad
		// credentials.
		return "", &collectors.HTTPError{Method: http.MethodPost, URL: r.TokenURL, Status: http.StatusUnauthorized,
			Snippet: fmt.Sprintf("no access token (error %q): check client_id/client_secret at %s", collectors.ServerText(t.Error), appsPage)}
	}
	if t.ExpiresIn <= 0 {
		t.ExpiresIn = 3600
	}
	r.mu.Lock()
	r.token, r.expires = t.AccessToken, now.Add(time.Duration(t.ExpiresIn)*time.Second)
	r.mu.Unlock()
	return t.AccessToken, nil
}
