package collectors

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/mentionwatch/mentionwatch/store"
)

// savedState is one source's state as the scheduler keeps it: what the
// store holds (cursor and health) plus the dedup window, which only the
// local file holds.
type savedState struct {
	State  store.SourceState `json:"state"`
	Window Window            `json:"window"`
}

// StateDir keeps each source's state in a file of its own, so collection
// goes on while the store is down and resumes where it was after a
// restart. The daemon puts it in the spool's directory (spool/sources).
// Each write goes to a temporary file that is fsynced and renamed over the
// old one, then the directory is fsynced: a file is always a whole state.
// Calls for one source come from its scheduler goroutine only.
type StateDir struct{ Dir string }

// File is where the state of source is kept (for `source reset`).
func (d StateDir) File(source string) string { return d.path(source) }

func (d StateDir) path(source string) string {
	return filepath.Join(d.Dir, url.PathEscape(source)+".json")
}

// maxStateFile bounds a state file: far above what a window of
// MaxWindowIDs ids and a cursor make, it keeps a damaged file from being
// read into memory whole.
const maxStateFile = 512 << 20

// load returns the saved state of source; ok is false when there is none.
// A file that does not decode is kept aside (the run's save would
// overwrite it) and reported.
func (d StateDir) load(source string) (st savedState, ok bool, err error) {
	path := d.path(source)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, false, nil
	}
	if err != nil {
		return st, false, fmt.Errorf("reading state of source %s: %w", source, err)
	}
	defer f.Close()
	info, err := f.Stat()
	switch {
	case err != nil:
		return st, false, fmt.Errorf("reading state of source %s: %w", source, err)
	case !info.Mode().IsRegular():
		return st, false, fmt.Errorf("reading state of source %s: %s is not a regular file (remove it)", source, path)
	}
	if err := decodeState(f, info.Size(), &st); err != nil {
		aside := fmt.Sprintf("%s.%s.bad", path, time.Now().UTC().Format("20060102T150405.000000000Z"))
		if rerr := os.Rename(path, aside); rerr != nil {
			return savedState{}, false, fmt.Errorf("reading state of source %s from %s: %w (moving it aside failed: %v; the source goes on from the store's state)", source, path, err, rerr)
		}
		return savedState{}, false, fmt.Errorf("reading state of source %s from %s: %w (the file is kept as %s; the source goes on from the store's state)", source, path, err, aside)
	}
	return st, true, nil
}

// decodeState decodes a state file of size bytes as it reads it, so that
// one of zeros or garbage fails at its first bytes.
func decodeState(r io.Reader, size int64, st *savedState) error {
	switch {
	case size == 0:
		return errors.New("empty file")
	case size > maxStateFile:
		return fmt.Errorf("%d bytes, more than any state (%d)", size, maxStateFile)
	}
	dec := json.NewDecoder(io.LimitReader(r, maxStateFile))
	if err := dec.Decode(st); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the state")
	}
	return nil
}

// save writes the state of source atomically.
func (d StateDir) save(st savedState) error {
	if err := os.MkdirAll(d.Dir, 0o750); err != nil {
		return fmt.Errorf("saving state of source %s: %w", st.State.Source, err)
	}
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("saving state of source %s: %w", st.State.Source, err)
	}
	tmp, err := os.CreateTemp(d.Dir, stateTemp)
	if err != nil {
		return fmt.Errorf("saving state of source %s: %w", st.State.Source, err)
	}
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), d.path(st.State.Source))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("saving state of source %s in %s: %w", st.State.Source, d.Dir, err)
	}
	dir, err := os.Open(d.Dir)
	if err != nil {
		return fmt.Errorf("saving state of source %s: %w", st.State.Source, err)
	}
	defer dir.Close()
	if err := dir.Sync(); err != nil {
		return fmt.Errorf("saving state of source %s: syncing %s: %w", st.State.Source, d.Dir, err)
	}
	return nil
}

// stateTemp is the pattern of save's temporary files.
const stateTemp = ".state-*.tmp"

// removeTemps removes the temporary files of saves that a crash cut off
// before their rename. One younger than a minute is spared: it may be
// another process's save in progress.
func (d StateDir) removeTemps(log *slog.Logger) {
	temps, _ := filepath.Glob(filepath.Join(d.Dir, stateTemp))
	for _, f := range temps {
		if info, err := os.Lstat(f); err != nil || time.Since(info.ModTime()) < time.Minute {
			continue
		}
		if err := os.Remove(f); err != nil {
			log.Warn("removing a state file's leftover temporary copy", "file", f, "err", err)
		}
	}
}

// Reset deletes the saved state of source (with the store's, it makes the
// source start from scratch).
func (d StateDir) Reset(source string) error {
	if err := os.Remove(d.path(source)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("resetting state of source %s: %w", source, err)
	}
	return nil
}
