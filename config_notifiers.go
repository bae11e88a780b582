package mentionwatch

import (
	"encoding/json"
	"errors"
	"reflect"
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/mentionwatch/mentionwatch/internal/yamlstrict"
)

var notifiersConfigType = reflect.TypeOf(NotifiersConfig{})

// builtinNotifiers are the sections NotifiersConfig decodes itself; every
// other key of notifiers: is a registered channel (alerts/notify).
var builtinNotifiers = map[string]any{
	"slack":   &SlackConfig{},
	"webhook": &WebhookConfig{},
}

// checkNotifiers is the strict check of the notifiers: mapping: slack and
// webhook are checked here key by key; any other key must hold a mapping,
// whose keys its channel's own struct checks when alerts/notify builds it
// (like a source's keys and its type).
func checkNotifiers(n *yaml.Node, path string) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		if n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || n.Value == "") {
			return nil
		}
		return &yamlstrict.Error{Line: n.Line, Key: path, Msg: "expected a mapping of channels (slack:, telegram:, ...)"}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := path + "." + k.Value
		if proto, ok := builtinNotifiers[k.Value]; ok {
			// A fresh value: only the check matters here; the real
			// decode of NotifiersConfig follows.
			fresh := reflect.New(reflect.TypeOf(proto).Elem()).Interface()
			if err := yamlstrict.Decode(v, fresh, yamlstrict.Options{Hook: checkConfigNode}); err != nil {
				var e *yamlstrict.Error
				if errors.As(err, &e) {
					if e.Key == "" {
						e.Key = key
					} else {
						e.Key = key + "." + e.Key
					}
					if e.Line == 0 {
						e.Line = v.Line
					}
				}
				return err
			}
			continue
		}
		if v.Kind == yaml.AliasNode {
			v = v.Alias
		}
		if v.Kind != yaml.MappingNode {
			return &yamlstrict.Error{Line: k.Line, Key: key, Msg: "expected a mapping of the channel's keys (see docs/ALERTS.md)"}
		}
	}
	return nil
}

// notifierChannels returns the channel sections of the notifiers: mapping
// n (nil when there are none).
func notifierChannels(n *yaml.Node) map[string]*yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var out map[string]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i].Value, n.Content[i+1]
		if _, ok := builtinNotifiers[k]; ok {
			continue
		}
		if out == nil {
			out = map[string]*yaml.Node{}
		}
		out[k] = v
	}
	return out
}

// MarshalJSON writes the config with Channels as their names only: their
// YAML nodes hold each channel's keys as decoded text, tokens and
// passwords expanded from ${ENV} included, which only the channel's own
// struct (alerts/notify) prints as <secret>.
func (n NotifiersConfig) MarshalJSON() ([]byte, error) {
	type plain NotifiersConfig
	names := make([]string, 0, len(n.Channels))
	for name := range n.Channels {
		names = append(names, name)
	}
	sort.Strings(names)
	return json.Marshal(struct {
		plain
		Channels []string `json:",omitempty"` // shadows plain.Channels
	}{plain(n), names})
}
