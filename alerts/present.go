package alerts

import (
	"net/url"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts/actionlink"
)

// Presentation is how a notifier shows alerts: the configured time zone,
// the detector's bucket, and the signer of action links. The zero value
// shows UTC, 5-minute buckets and no action links. It is set once before
// the notifier is used and only read afterwards.
type Presentation struct {
	Location *time.Location     // timezone: from the config; nil = UTC
	Bucket   time.Duration      // alerts.bucket; 0 = 5 min
	Links    *actionlink.Signer // nil: no Acknowledge / Silence links
	Now      func() time.Time   // start of the links' validity; default time.Now
}

// PresentationFor builds the presentation of cfg with signer (may be nil).
func PresentationFor(cfg *mw.Config, signer *actionlink.Signer) Presentation {
	return Presentation{Location: cfg.Location(), Bucket: cfg.Alerts.Bucket.Or(5 * time.Minute), Links: signer}
}

// ActionLinks are the dashboard links a message offers. Empty strings are
// links that cannot be made (no dashboard_url, no signer), or that have
// nothing left to do (Ack once the alert is acknowledged).
type ActionLinks struct {
	Open    string    // {dashboard}/#alert={id}
	Ack     string    // signed: acknowledge; "" once acknowledged
	Silence string    // signed: silence brand and scope for actionlink.SilenceFor
	Expires time.Time // when Ack and Silence stop working
}

// DeepLink returns the dashboard link that opens alert id.
func DeepLink(dashboard, id string) string {
	if dashboard == "" {
		return ""
	}
	return strings.TrimSuffix(dashboard, "/") + "/#alert=" + url.QueryEscape(id)
}

// complete fills what n leaves zero from p.
func (p Presentation) complete(n Notification) Notification {
	if n.Location == nil {
		n.Location = p.Location
	}
	if n.Location == nil {
		n.Location = time.UTC
	}
	if n.Bucket <= 0 {
		n.Bucket = p.Bucket
	}
	if n.Bucket <= 0 {
		n.Bucket = 5 * time.Minute
	}
	if n.Links.Open == "" {
		n.Links.Open = DeepLink(n.DashboardURL, n.Alert.ID)
	}
	if p.Links != nil && n.DashboardURL != "" && n.Links.Silence == "" && n.Alert.State != mw.Resolved {
		now := time.Now
		if p.Now != nil {
			now = p.Now
		}
		exp := now().Add(actionlink.TTL).Truncate(time.Second)
		n.Links.Expires = exp
		if n.Alert.AckedAt.IsZero() { // once acknowledged, nobody needs to
			n.Links.Ack = p.Links.URL(n.DashboardURL, actionlink.Ack, n.Alert.ID, exp)
		}
		n.Links.Silence = p.Links.URL(n.DashboardURL, actionlink.Silence, n.Alert.ID, exp)
	}
	return n
}
