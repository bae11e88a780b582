package mentionwatch

// WebConfig serves the dashboard, API and metrics.
type WebConfig struct {
	Listen   string `yaml:"listen"`   // e.g. 127.0.0.1:8080; empty = not served by run
	Token    Secret `yaml:"token"`    // bearer token, required off loopback (or basic auth)
	Username string `yaml:"username"` // basic auth
	Password Secret `yaml:"password"` // basic auth
}
