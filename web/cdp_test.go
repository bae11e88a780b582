package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// browser is one headless chromium driven over the DevTools protocol on
// --remote-debugging-pipe (the browser reads NUL-terminated JSON commands
// on fd 3 and writes replies and events on fd 4). It lets the test wait
// for a condition in the page instead of a time budget: with
// --virtual-time-budget the DOM was dumped whenever the budget ran out,
// and on a loaded machine that was sometimes before the charts' API
// fetches had answered (one failure in nine runs).
type browser struct {
	t       *testing.T
	cmd     *exec.Cmd
	in      io.WriteCloser
	out     *bufio.Reader
	next    int
	session string
}

// openBrowser starts chromium with a page of width × height CSS pixels.
func openBrowser(t *testing.T, bin string, width, height int) *browser {
	t.Helper()
	cmdR, cmdW, err := os.Pipe() // test → browser
	if err != nil {
		t.Fatal(err)
	}
	evR, evW, err := os.Pipe() // browser → test
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu",
		"--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars", "--user-data-dir="+t.TempDir(),
		"--remote-debugging-pipe", "about:blank")
	cmd.ExtraFiles = []*os.File{cmdR, evW}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	cmdR.Close()
	evW.Close()
	b := &browser{t: t, cmd: cmd, in: cmdW, out: bufio.NewReader(evR)}
	t.Cleanup(func() {
		b.in.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		evR.Close()
	})
	var target struct {
		TargetID string `json:"targetId"`
	}
	b.call("Target.createTarget", map[string]any{"url": "about:blank"}, &target)
	var attach struct {
		SessionID string `json:"sessionId"`
	}
	b.call("Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &attach)
	b.session = attach.SessionID
	b.call("Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}, nil)
	return b
}

// call sends one command (to the page's session once attached) and
// decodes its result into v, skipping events. Any error fails the test.
func (b *browser) call(method string, params any, v any) {
	b.t.Helper()
	if err := b.callErr(method, params, v); err != nil {
		b.t.Fatalf("chromium %s: %v", method, err)
	}
}

// navigating reports whether err is Chromium's answer to a command that
// raced a navigation of the page: the page it was sent to is gone.
func navigating(err error) bool {
	if err == nil {
		return false
	}
	m := err.Error()
	return strings.Contains(m, "Inspected target navigated or closed") ||
		strings.Contains(m, "Cannot find context with specified id") ||
		strings.Contains(m, "Execution context was destroyed")
}

// callErr is call that returns the protocol's error reply instead of
// failing; a broken pipe or a malformed reply still fails the test.
func (b *browser) callErr(method string, params any, v any) error {
	b.t.Helper()
	b.next++
	msg := map[string]any{"id": b.next, "method": method, "params": params}
	if b.session != "" {
		msg["sessionId"] = b.session
	}
	raw, err := json.Marshal(msg)
	if err != nil {
		b.t.Fatal(err)
	}
	if _, err := b.in.Write(append(raw, 0)); err != nil {
		b.t.Fatalf("chromium %s: %v", method, err)
	}
	for {
		line, err := b.out.ReadBytes(0)
		if err != nil {
			b.t.Fatalf("chromium %s: reading the reply: %v\n%s", method, err, tail(fmt.Sprint(b.cmd.Stderr), 2000))
		}
		var reply struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  *struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := json.Unmarshal(bytes.TrimSuffix(line, []byte{0}), &reply); err != nil {
			b.t.Fatalf("chromium %s: %v", method, err)
		}
		if reply.ID != b.next {
			continue // an event
		}
		if reply.Error != nil {
			return errors.New(reply.Error.Message)
		}
		if v != nil {
			if err := json.Unmarshal(reply.Result, v); err != nil {
				b.t.Fatalf("chromium %s result: %v", method, err)
			}
		}
		return nil
	}
}

// eval returns the value of a JavaScript expression in the page.
func (b *browser) eval(expr string, v any) {
	b.t.Helper()
	b.evaluate(expr, false, v)
}

// evalAsync is eval for an expression that returns a promise: it waits for
// the promise and returns its value.
func (b *browser) evalAsync(expr string, v any) {
	b.t.Helper()
	b.evaluate(expr, true, v)
}

func (b *browser) evaluate(expr string, await bool, v any) {
	b.t.Helper()
	if err := b.evaluateErr(expr, await, v); err != nil {
		b.t.Fatalf("chromium Runtime.evaluate: %v", err)
	}
}

// poll is eval for a condition checked again and again: a check that
// raced a navigation of the page is false, not a failure.
func (b *browser) poll(expr string) bool {
	b.t.Helper()
	var ok bool
	if err := b.evaluateErr(expr, false, &ok); err != nil {
		if navigating(err) {
			return false
		}
		b.t.Fatalf("chromium Runtime.evaluate: %v", err)
	}
	return ok
}

// act runs a statement that may navigate the page (a click on a link or
// a submit button): Chromium may then answer that the page is gone,
// after the statement ran. The caller waits for the page it expects.
func (b *browser) act(expr string) {
	b.t.Helper()
	if err := b.evaluateErr(expr, false, new(bool)); err != nil && !navigating(err) {
		b.t.Fatalf("chromium Runtime.evaluate: %v", err)
	}
}

// evaluateErr is evaluate that returns Chromium's error reply.
func (b *browser) evaluateErr(expr string, await bool, v any) error {
	b.t.Helper()
	var res struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	if err := b.callErr("Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": await}, &res); err != nil {
		return err
	}
	if res.ExceptionDetails != nil {
		b.t.Fatalf("evaluating %q: %s", expr, res.ExceptionDetails.Text)
	}
	if err := json.Unmarshal(res.Result.Value, v); err != nil {
		b.t.Fatalf("evaluating %q: %v", expr, err)
	}
	return nil
}

// load opens url and waits until it has loaded and cond (a JavaScript
// expression) is true, then returns the DOM. It fails after a minute.
func (b *browser) load(url, cond string) string {
	b.t.Helper()
	b.call("Page.navigate", map[string]any{"url": url}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	check := fmt.Sprintf("location.href.startsWith(%q) && document.readyState === 'complete' && !!(%s)", url, cond)
	for {
		if b.poll(check) {
			break
		}
		select {
		case <-ctx.Done():
			var dom string
			b.eval("document.documentElement.outerHTML", &dom)
			b.t.Fatalf("%s: still not true after a minute: %s\n%s", url, cond, tail(dom, 3000))
		case <-time.After(50 * time.Millisecond):
		}
	}
	var dom string
	b.eval("document.documentElement.outerHTML", &dom)
	return dom
}

// screenshot returns a PNG of the whole page.
func (b *browser) screenshot() []byte {
	b.t.Helper()
	var shot struct {
		Data string `json:"data"`
	}
	b.call("Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": true}, &shot)
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	return png
}
