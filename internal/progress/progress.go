// Package progress reports the progress of long CLI work: a bar redrawn in
// place on a terminal, and a plain line every few seconds otherwise (CI,
// pipes, log files).
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// Bar reports progress of a job of known (total > 0) or unknown size.
// It is safe for concurrent use.
type Bar struct {
	mu       sync.Mutex
	w        io.Writer
	tty      bool
	label    string
	total    int64
	done     int64
	start    time.Time
	last     time.Time
	every    time.Duration
	finished bool
}

// New starts a bar on stderr. total may be 0 when unknown.
func New(label string, total int64) *Bar {
	return NewWriter(os.Stderr, label, total, term.IsTerminal(int(os.Stderr.Fd())))
}

// NewWriter starts a bar on w; tty selects the redrawn bar.
func NewWriter(w io.Writer, label string, total int64, tty bool) *Bar {
	every := 5 * time.Second
	if tty {
		every = 100 * time.Millisecond
	}
	now := time.Now()
	return &Bar{w: w, tty: tty, label: label, total: total, start: now, last: now, every: every}
}

// Add records n more units done.
func (b *Bar) Add(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done += n
	if now := time.Now(); now.Sub(b.last) >= b.every {
		b.last = now
		b.draw(now)
	}
}

// Finish prints the final state once.
func (b *Bar) Finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.finished {
		return
	}
	b.finished = true
	b.draw(time.Now())
	if b.tty {
		fmt.Fprintln(b.w)
	}
}

func (b *Bar) draw(now time.Time) {
	el := now.Sub(b.start).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(b.done) / el
	}
	var line string
	if b.total > 0 {
		frac := float64(b.done) / float64(b.total)
		if frac > 1 {
			frac = 1
		}
		eta := ""
		if rate > 0 && b.done < b.total {
			eta = fmt.Sprintf(" eta %s", (time.Duration(float64(b.total-b.done)/rate) * time.Second).Round(time.Second))
		}
		if b.tty {
			const width = 30
			n := int(frac * width)
			line = fmt.Sprintf("\r%s [%s%s] %3.0f%% %d/%d %.0f/s%s   ", b.label, strings.Repeat("=", n), strings.Repeat(" ", width-n), frac*100, b.done, b.total, rate, eta)
		} else {
			line = fmt.Sprintf("%s: %d/%d (%.0f%%) %.0f/s%s\n", b.label, b.done, b.total, frac*100, rate, eta)
		}
	} else {
		if b.tty {
			line = fmt.Sprintf("\r%s: %d %.0f/s   ", b.label, b.done, rate)
		} else {
			line = fmt.Sprintf("%s: %d %.0f/s\n", b.label, b.done, rate)
		}
	}
	io.WriteString(b.w, line)
}
