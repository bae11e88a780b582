// Package digest builds the daily and weekly summary of a brand (volume and
// sentiment against the previous period, the customer journey, aspects,
// share of voice, the top mentions, alerts and response times) from the
// store, renders it as HTML email, plain text, Slack mrkdwn and Telegram
// HTML, and schedules it at a local time.
//
// Nothing here reads the clock: Build takes the period's end, and the
// Scheduler takes now on every Tick.
package digest

import (
	"fmt"
	"strings"
	"time"
)

// Period is how long a digest looks back.
type Period string

// Periods.
const (
	Daily  Period = "daily"
	Weekly Period = "weekly"
)

// ParsePeriod reads daily|day and weekly|week.
func ParsePeriod(s string) (Period, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "daily", "day":
		return Daily, nil
	case "weekly", "week":
		return Weekly, nil
	}
	return "", fmt.Errorf("period %q: want daily (day) or weekly (week)", s)
}

// Days is the period's length in calendar days.
func (p Period) Days() int {
	if p == Weekly {
		return 7
	}
	return 1
}

// Noun is "day" or "week".
func (p Period) Noun() string {
	if p == Weekly {
		return "week"
	}
	return "day"
}

// Window is a period in local calendar days: [From, To), with the previous
// period [PrevFrom, From) of the same number of days. Across a daylight
// saving change a day has 23 or 25 hours.
type Window struct {
	Period   Period
	PrevFrom time.Time
	From     time.Time
	To       time.Time
}

// WindowEnding returns the period that ends at local midnight of end's day
// in loc: yesterday for Daily, the seven days before for Weekly.
func WindowEnding(p Period, end time.Time, loc *time.Location) Window {
	if loc == nil {
		loc = time.UTC
	}
	e := end.In(loc)
	y, m, d := e.Date()
	return Window{Period: p, PrevFrom: wallTime(y, m, d-2*p.Days(), 0, 0, loc), From: wallTime(y, m, d-p.Days(), 0, 0, loc), To: wallTime(y, m, d, 0, 0, loc)}
}

// Title is "Tue 1 Dec 2026" for a day, "23 – 29 Nov 2026" for a week.
func (w Window) Title() string {
	last := w.To.Add(-time.Second) // the last day's date (its midnight may be skipped)
	if w.Period == Daily {
		return w.From.Format("Mon 2 Jan 2006")
	}
	if w.From.Year() != last.Year() {
		return w.From.Format("2 Jan 2006") + " – " + last.Format("2 Jan 2006")
	}
	if w.From.Month() != last.Month() {
		return w.From.Format("2 Jan") + " – " + last.Format("2 Jan 2006")
	}
	return w.From.Format("2") + " – " + last.Format("2 Jan 2006")
}
