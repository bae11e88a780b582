package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/store"
)

// Delivery is where one notification of an alert stands with one
// receiver (the list and /api/alerts), or one record of the delivery log
// (/api/alerts/{id}/deliveries and the focused alert).
type Delivery struct {
	Receiver     string     `json:"receiver"`
	Notification string     `json:"notification"` // "firing #1", "resolved #2"
	Key          string     `json:"key"`
	Status       string     `json:"status"`  // queued | delayed | retrying | sent | failed
	Attempt      int        `json:"attempt"` // sends tried so far
	Error        string     `json:"error,omitempty"`
	At           time.Time  `json:"at"`
	NextAt       *time.Time `json:"next_at,omitempty"` // delayed and retrying: the next attempt
	AtLocal      string     `json:"at_local"`          // At in the configured zone
}

func (h *Handler) deliveryView(d mw.Delivery) Delivery {
	loc := h.opt.Location // the API's times carry the configured zone's offset, as everywhere
	v := Delivery{Receiver: d.Receiver, Notification: notificationName(d.Key), Key: d.Key, Status: d.Status,
		Attempt: d.Attempt, Error: d.Error, At: d.At.In(loc), AtLocal: d.At.In(loc).Format("2006-01-02 15:04:05 MST")}
	if !d.Final() && !d.NextAt.IsZero() {
		v.NextAt = timePtr(d.NextAt.In(loc))
	}
	return v
}

// notificationName turns a delivery key (id:state:n) into "state #n".
func notificationName(key string) string {
	parts := strings.Split(key, ":")
	if len(parts) < 3 {
		return key
	}
	return parts[len(parts)-2] + " #" + parts[len(parts)-1]
}

// attachDeliveries gives each alert the current status of each of its
// notifications with each receiver, read in one query.
func (h *Handler) attachDeliveries(ctx context.Context, as []Alert) error {
	if len(as) == 0 {
		return nil
	}
	ids := make([]string, len(as))
	for i, a := range as {
		ids[i] = a.ID
	}
	ds, err := h.opt.Store.Deliveries(ctx, store.DeliveryQuery{AlertIDs: ids, Limit: 5000})
	if err != nil {
		return fmt.Errorf("reading the delivery log: %w", err)
	}
	cur := alerts.Latest(ds)
	by := map[string][]Delivery{}
	for _, d := range cur {
		by[d.AlertID] = append(by[d.AlertID], h.deliveryView(d))
	}
	for i := range as {
		ds := by[as[i].ID]
		if ds == nil {
			ds = []Delivery{} // [] in JSON, not null: nothing sent yet (silenced, or no receiver)
		}
		sort.SliceStable(ds, func(x, y int) bool { return ds[x].At.Before(ds[y].At) })
		as[i].Deliveries = ds
	}
	return nil
}

// alertDeliveries reads alert id's whole delivery log, oldest first.
func (h *Handler) alertDeliveries(ctx context.Context, id string) ([]Delivery, error) {
	ds, err := h.opt.Store.Deliveries(ctx, store.DeliveryQuery{AlertIDs: []string{id}, Limit: 1000})
	if err != nil {
		return nil, fmt.Errorf("reading the delivery log of alert %s: %w", id, err)
	}
	out := make([]Delivery, len(ds))
	for i, d := range ds {
		out[i] = h.deliveryView(d)
	}
	return out, nil
}

// apiAlertDeliveries: GET /api/alerts/{id}/deliveries, the alert's whole
// delivery log (every queueing, hold and attempt, with its outcome).
func (h *Handler) apiAlertDeliveries(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !alertIDPattern.MatchString(id) {
		h.fail(w, r, http.StatusBadRequest, errors.New("the path must name an alert id (letters, digits, - _ . :)"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	if _, err := h.opt.Store.Alert(ctx, id); errors.Is(err, store.ErrNotFound) {
		h.fail(w, r, http.StatusNotFound, fmt.Errorf("alert %q not found", id))
		return
	} else if err != nil {
		h.fail(w, r, http.StatusInternalServerError, fmt.Errorf("reading alert %s: %w", id, err))
		return
	}
	ds, err := h.alertDeliveries(ctx, id)
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, ds)
}
