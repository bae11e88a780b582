package mentionwatch

import (
	"go.yaml.in/yaml/v3"

	"github.com/mentionwatch/mentionwatch/internal/redact"
)

// UnmarshalYAML reads the secret and registers it with internal/redact, so
// it prints as <secret> in every log line and error that passes through
// redact (the daemon's logger does), wherever a library copies it: a
// Slack webhook URL inside a *url.Error, a token echoed by a server. Every
// Secret decoded from a config registers, the collectors' own keys too.
func (s *Secret) UnmarshalYAML(n *yaml.Node) error {
	var v string
	if err := n.Decode(&v); err != nil {
		return err
	}
	*s = Secret(v)
	redact.Register(v)
	return nil
}
