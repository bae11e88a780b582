package main

import (
	"fmt"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts/actionlink"
)

// linkSigner returns the signer of the notifications' Acknowledge and
// Silence links: keyed by web.link_secret, or by a key generated once into
// web.link_secret_file. Without alerts.dashboard_url and web.listen nothing
// would make or check a link, and no key file is created.
func linkSigner(cfg *mw.Config) (*actionlink.Signer, error) {
	if cfg.Alerts.DashboardURL == "" && cfg.Web.Listen == "" {
		return nil, nil
	}
	key, err := actionlink.LoadKey(cfg.Web.LinkSecret.Value(), cfg.Web.LinkSecretFile)
	if err != nil {
		return nil, fmt.Errorf("action links: %w", err)
	}
	return actionlink.New(key)
}
