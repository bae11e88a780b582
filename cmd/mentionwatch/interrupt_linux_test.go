package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestUserAddInterruptedAtTerminalPrompt: Ctrl-C at the password prompt
// on a terminal was caught and ignored, with the echo off, until Enter. It
// now ends the command and gives the terminal its echo back.
func TestUserAddInterruptedAtTerminalPrompt(t *testing.T) {
	ptmx, tty := openPTY(t)
	defer ptmx.Close()
	defer tty.Close()
	dir := t.TempDir()
	cfg, _ := writeUsersConfig(t, dir, true)
	cmd := exec.Command(buildBinary(t), "-c", cfg, "user", "add", "ana", "--role", "admin")
	cmd.Stdin = tty
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The prompt is waiting once its echo is off.
	for i := 0; echoOn(t, tty); i++ {
		if i == 600 {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("the prompt never turned the echo off; stderr %q", stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGINT)
	err := waitExit(t, cmd, "user add at the terminal prompt")
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(stderr.String(), "reading the password from the terminal: interrupted") {
		t.Errorf("exit %v, stderr %q; want exit 1 naming the interruption", err, stderr.String())
	}
	if !echoOn(t, tty) {
		t.Error("the terminal's echo is still off after the interrupted prompt")
	}
}

// TestUserAddInterruptedAtPasswordPrompt: `user add` reading the password
// from a stdin that sends no line end ignored Ctrl-C; it now stops at once,
// adds nobody and says why.
func TestUserAddInterruptedAtPasswordPrompt(t *testing.T) {
	dir := t.TempDir()
	cfg, _ := writeUsersConfig(t, dir, true)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	cmd := exec.Command(buildBinary(t), "-c", cfg, "user", "add", "ana", "--role", "admin")
	cmd.Stdin = r
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r.Close()
	// Half a password, no line end: once the pipe is empty, the command
	// has read it and waits for the rest (its signal handler in place).
	fmt.Fprint(w, "half-a-passw")
	for i := 0; ; i++ {
		n, err := unix.IoctlGetInt(int(w.Fd()), unix.TIOCINQ) // FIONREAD: bytes not yet read
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if i == 600 {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("the password was never read; stderr %q", stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGINT)
	err = waitExit(t, cmd, "user add")
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(stderr.String(), "user add: reading the password from stdin: interrupted") {
		t.Errorf("exit %v, stderr %q; want exit 1 naming the interruption", err, stderr.String())
	}
	if out, _, err := userCLI(t, cfg, "", "user", "list"); err != nil || strings.Contains(out, "ana") {
		t.Errorf("user list after the interrupted add: %v\n%s", err, out)
	}
}

// openPTY opens a pseudo-terminal: its controlling side and its terminal.
func openPTY(t *testing.T) (ptmx, tty *os.File) {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(ptmx.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(ptmx.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ptmx, tty
}

func echoOn(t *testing.T, tty *os.File) bool {
	t.Helper()
	tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return tio.Lflag&unix.ECHO != 0
}
