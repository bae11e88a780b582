package alerts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/cenkalti/backoff/v5"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/internal/redact"
)

// Notification is what a notifier sends: the alert and its evidence. The
// loop fills Alert, Top, History and DashboardURL; a notifier fills the
// presentation fields it leaves zero (Location, Bucket, Links) from its
// Presentation before rendering, so renderers are pure functions of it.
type Notification struct {
	Alert        mw.Alert
	Top          []mw.Mention            // the top mentions, by negativity × reach; up to EvidenceLimit, near-copies included
	History      map[string][]mw.Mention // critical alerts: the author's earlier mentions, by author
	DashboardURL string

	Location *time.Location // times are shown in it; nil = UTC
	Bucket   time.Duration  // the detector's bucket ("40 negative in 5 min"); 0 = 5 min
	Links    ActionLinks    // the dashboard deep link and signed action links
}

// EvidenceLimit is how many top mentions a notification wants: renderers
// group near-copies (GroupSimilar) and show the first groups, so the loop
// should fetch more than it shows.
const EvidenceLimit = 50

// Notifier delivers notifications. Send returns a *DeliveryError to say
// whether a retry can help.
type Notifier interface {
	Name() string
	Send(ctx context.Context, n Notification) error
}

// DeliveryError classifies a failed send.
type DeliveryError struct {
	Notifier   string
	Status     int           // HTTP status, 0 if none
	Permanent  bool          // a retry cannot help (4xx other than 408/429)
	RetryAfter time.Duration // from a 429
	Err        error
}

func (e *DeliveryError) Error() string {
	switch {
	case e.Status == http.StatusTooManyRequests && e.Err != nil && e.Err.Error() != http.StatusText(e.Status):
		return fmt.Sprintf("%s: rate limited (HTTP 429, retry after %s): %v", e.Notifier, e.RetryAfter, e.Err)
	case e.Status == http.StatusTooManyRequests:
		return fmt.Sprintf("%s: rate limited (HTTP 429, retry after %s)", e.Notifier, e.RetryAfter)
	case e.Permanent && e.Status == 0: // refused without an HTTP status (an API's ok:false, SMTP)
		return fmt.Sprintf("%s: refused (a retry will not help until this is fixed): %v", e.Notifier, e.Err)
	case e.Permanent && (e.Err == nil || e.Err.Error() == http.StatusText(e.Status)):
		// The channel gave no reason of its own: the usual ones.
		return fmt.Sprintf("%s: rejected with HTTP %d (a retry will not help until this is fixed): check the URL and credentials: %v", e.Notifier, e.Status, e.Err)
	case e.Permanent: // the channel's reason says what to check
		return fmt.Sprintf("%s: rejected with HTTP %d (a retry will not help until this is fixed): %v", e.Notifier, e.Status, e.Err)
	case e.Status != 0:
		return fmt.Sprintf("%s: HTTP %d: %v", e.Notifier, e.Status, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Notifier, e.Err)
}

func (e *DeliveryError) Unwrap() error { return e.Err }

// Resumer is a Notifier that keeps alive by itself the alerts it was told
// are firing (Alertmanager's channel re-posts them, or Alertmanager
// resolves them when their endsAt passes). At start the loop calls Resume
// for each alert still open whose last notification this receiver took
// was a firing one, so that a restart does not tell the receiver's users
// those alerts resolved. Resume sends nothing by itself now; it is called
// from the loop's goroutine before any delivery.
type Resumer interface {
	Notifier
	Resume(n Notification)
}

// PostClient returns a copy of c that does not follow a redirect that
// would turn a POST into a GET (301, 302, 303): Go's client follows those
// with a GET without the body, which many APIs answer 200 (Alertmanager
// lists its alerts), so a notification was lost and counted as delivered.
// The 3xx then comes back as the response. 307 and 308 keep the POST and
// its body, and are followed. Every notifier that POSTs uses it.
func PostClient(c *http.Client) *http.Client {
	if c == nil {
		c = http.DefaultClient
	}
	cc := *c
	next := c.CheckRedirect
	cc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.Method != via[0].Method {
			return http.ErrUseLastResponse
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &cc
}

// classify turns an HTTP status into a DeliveryError (nil for 2xx).
func classify(name string, status int, retryAfter time.Duration, err error) error {
	if err == nil && status/100 == 2 {
		return nil
	}
	if err == nil {
		err = errors.New(http.StatusText(status))
	}
	return &DeliveryError{
		Notifier: name, Status: status, RetryAfter: retryAfter, Err: err,
		Permanent: status/100 == 4 && status != http.StatusTooManyRequests && status != http.StatusRequestTimeout,
	}
}

// Deliver sends n with retries: exponential backoff on network errors, 5xx
// and 429 (honouring Retry-After), no retry on other 4xx. It gives up after
// maxElapsed; the loop keeps the alert pending and tries again next tick.
func Deliver(ctx context.Context, nt Notifier, n Notification, maxElapsed time.Duration, log *slog.Logger) error {
	return deliver(ctx, nt, n, maxElapsed, log, nil)
}

// deliver is Deliver that calls onAttempt (if not nil) after each
// attempt with its error, nil when it went through.
func deliver(ctx context.Context, nt Notifier, n Notification, maxElapsed time.Duration, log *slog.Logger, onAttempt func(error)) error {
	if maxElapsed > 0 {
		// The backoff checks maxElapsed only between attempts: a Send that
		// hangs (a server that accepts and never answers, a notifier
		// without its own timeout) is cut here, or it would hold its
		// receiver's worker, and a direct Tick, for ever.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, maxElapsed)
		defer cancel()
	}
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = 250 * time.Millisecond
	b.MaxInterval = 30 * time.Second
	attempt := 0
	_, err := backoff.Retry(ctx, func() (struct{}, error) {
		attempt++
		// Notifier errors embed the webhook URL (a *url.Error): redact here,
		// where they are produced, so neither the log lines below nor the
		// caller's see its secrets.
		err := redact.Error(nt.Send(ctx, n))
		if onAttempt != nil {
			onAttempt(err)
		}
		if err == nil {
			return struct{}{}, nil
		}
		var de *DeliveryError
		if errors.As(err, &de) {
			if de.Permanent {
				return struct{}{}, backoff.Permanent(err)
			}
			if de.RetryAfter > 0 {
				log.Warn("notifier rate limited; waiting", "notifier", nt.Name(), "alert", n.Alert.ID, "retry_after", de.RetryAfter)
				return struct{}{}, backoff.RetryAfter(int(max(1, de.RetryAfter.Round(time.Second)/time.Second)))
			}
		}
		log.Warn("alert delivery failed; retrying", "notifier", nt.Name(), "alert", n.Alert.ID, "attempt", attempt, "err", err)
		return struct{}{}, err
	}, backoff.WithBackOff(b), backoff.WithMaxElapsedTime(maxElapsed))
	return err
}

// Option configures the notifiers NewNotifiers builds.
type Option func(*Presentation)

// WithPresentation sets the time zone, bucket and action-link signer the
// notifiers render with.
func WithPresentation(p Presentation) Option { return func(dst *Presentation) { *dst = p } }

// NewNotifiers builds the configured notifiers; none is valid (alerts are
// then only stored and shown in the dashboard).
func NewNotifiers(cfg mw.NotifiersConfig, log *slog.Logger, opts ...Option) ([]Notifier, error) {
	var p Presentation
	for _, o := range opts {
		o(&p)
	}
	var ns []Notifier
	client := &http.Client{Timeout: 20 * time.Second}
	if c := cfg.Slack; c != nil {
		s, err := NewSlack(*c, client)
		if err != nil {
			return nil, err
		}
		if s != nil {
			s.Presentation = p
			ns = append(ns, s)
		}
	}
	if c := cfg.Webhook; c != nil && c.URL.Value() != "" {
		w, err := NewWebhook(*c, client)
		if err != nil {
			return nil, err
		}
		w.Presentation = p
		ns = append(ns, w)
	}
	if len(ns) == 0 && log != nil {
		log.Warn("no notifier configured: alerts are stored and shown in the dashboard only (set notifiers.slack.webhook_url)")
	}
	return ns, nil
}
