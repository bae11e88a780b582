package main

import (
	"fmt"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts/actionlink"
)

// linkSigner returns the signer of the notifications' Acknowledge and
// Silence links: keyed by web.link_secret, or by a key generated once into
// web.link_secret_file. Without alerts.dashboard_url and web.listen nothing
// would make or check a link, and no key file is created. With
// coordination and links in the notifications the key file is never
// generated: any member's dashboard must accept the links any leader
// signed, so each member needs a copy of one key (config validation
// asks for web.link_secret or web.link_secret_file).
func linkSigner(cfg *mw.Config) (*actionlink.Signer, error) {
	if cfg.Alerts.DashboardURL == "" && cfg.Web.Listen == "" {
		return nil, nil
	}
	var key []byte
	var err error
	if secret := cfg.Web.LinkSecret.Value(); secret == "" && cfg.Coordination.Enabled() && cfg.Alerts.DashboardURL != "" {
		if key, err = actionlink.ReadKey(cfg.Web.LinkSecretFile); err != nil {
			err = fmt.Errorf("%w (with coordination every member needs a copy of the same key: copy the file from another member, "+
				"create it once with openssl rand -hex 32, or set web.link_secret)", err)
		}
	} else {
		key, err = actionlink.LoadKey(secret, cfg.Web.LinkSecretFile)
	}
	if err != nil {
		return nil, fmt.Errorf("action links: %w", err)
	}
	return actionlink.New(key)
}
