package mentionwatch

import "time"

// Delivery statuses: the outcome of one step of an alert notification's
// way to one receiver. Sent and failed are final; the others leave the
// delivery pending.
const (
	DeliveryQueued   = "queued"   // routed to the receiver, not tried yet
	DeliverySent     = "sent"     // the receiver took it (final)
	DeliveryRetrying = "retrying" // an attempt failed; the next is due at NextAt
	DeliveryDelayed  = "delayed"  // held by the receiver's quiet hours or rate limit until NextAt
	DeliveryFailed   = "failed"   // refused (a permanent error) for GiveUpAfter: not tried again (final)
)

// GiveUpAfter is how long a receiver's permanent refusals (a revoked
// webhook, an archived channel, a message refused as built) are retried,
// so that a config fixed meanwhile delivers what was queued, before the
// delivery is given up as failed. The alert stays in the store and on the
// dashboard.
const GiveUpAfter = 24 * time.Hour

// Delivery is one record of the delivery log: a notification of an alert
// (Key, alerts.DeliveryKey: id, state, notification number) on its way to
// one receiver. Each attempt and each hold is its own record; the latest
// of a (Key, Receiver) pair is its current status.
type Delivery struct {
	Key      string    // alert id:state:notification number
	AlertID  string    //
	Receiver string    // the notifier's name (slack, telegram, email...)
	Attempt  int       // 0 when queued or delayed before any attempt; 1, 2... per send
	Status   string    // Delivery* constant
	Error    string    // the failed attempt's error, redacted; the hold's reason
	At       time.Time // when this record was made
	NextAt   time.Time // retrying and delayed: when the next attempt is due
}

// Final reports whether nothing is left to do for the delivery.
func (d Delivery) Final() bool { return d.Status == DeliverySent || d.Status == DeliveryFailed }
