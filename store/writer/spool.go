package writer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// ErrSpoolFull is returned when a batch does not fit in the spool.
var ErrSpoolFull = errors.New("spool full")

// spool is a directory of batch files named by a growing sequence number.
// A batch is written to a temporary file, fsynced, then renamed, so a file
// with the final name is always complete. Replay goes in name order.
type spool struct {
	dir string
	max int64
	// create opens a new temporary segment file; os.CreateTemp except in
	// tests, which inject write and fsync failures through it.
	create func(dir, pattern string) (segmentFile, error)

	mu    sync.Mutex
	segs  []segment // oldest first
	bytes int64
	next  uint64
}

// segmentFile is what push needs of a new segment file.
type segmentFile interface {
	Write(p []byte) (int, error)
	Sync() error
	Stat() (os.FileInfo, error)
	Close() error
	Name() string
}

func createTemp(dir, pattern string) (segmentFile, error) { return os.CreateTemp(dir, pattern) }

type segment struct {
	name string
	size int64
}

const segSuffix = ".batch"

// staleTemp is the age past which a segment's temporary file is a crash's
// leftover: writing one batch takes well under a second.
const staleTemp = 10 * time.Minute

func openSpool(dir string, limit int64) (*spool, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("spool %s: %w (set store.spool_dir to a writable directory)", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("spool %s: %w", dir, err)
	}
	s := &spool{dir: dir, max: limit, next: 1, create: createTemp}
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, ".tmp") {
			// An interrupted write, whose batch was never acknowledged, or
			// one another process (`collect --once` beside the daemon) is
			// writing now: only an old one is a leftover.
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleTemp {
				os.Remove(filepath.Join(dir, name))
			}
			continue
		}
		if kept, ok := strings.CutSuffix(name, segSuffix+".bad"); ok {
			// Kept aside for an operator: new segments number past it, so
			// that their own .bad files do not overwrite it.
			if seq, err := strconv.ParseUint(kept, 10, 64); err == nil {
				s.next = max(s.next, seq+1)
			}
			continue
		}
		if !strings.HasSuffix(name, segSuffix) {
			continue
		}
		seq, err := strconv.ParseUint(strings.TrimSuffix(name, segSuffix), 10, 64)
		if err != nil {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return nil, fmt.Errorf("spool %s: %w", dir, err)
		}
		s.segs = append(s.segs, segment{name: name, size: info.Size()})
		s.bytes += info.Size()
		s.next = max(s.next, seq+1)
	}
	sort.Slice(s.segs, func(i, j int) bool { return s.segs[i].name < s.segs[j].name })
	return s, nil
}

func (s *spool) empty() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.segs) == 0
}

func (s *spool) depth() (int, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.segs), s.bytes
}

// push writes batch as a new segment, durably.
func (s *spool) push(batch []mw.Mention) error {
	tmp, err := s.create(s.dir, "batch-*.tmp")
	if err != nil {
		return fmt.Errorf("spool %s: %w", s.dir, err)
	}
	bw := bufio.NewWriterSize(tmp, 1<<16)
	enc := json.NewEncoder(bw)
	for i := range batch {
		// As the store keeps it: encoding/json refuses NaN and ±Inf, and
		// one such score would keep the whole batch out of the spool.
		m := store.Clean(batch[i])
		if err := enc.Encode(&m); err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			return fmt.Errorf("spool %s: encoding: %w", s.dir, err)
		}
	}
	// err is assigned, not declared: a Flush or fsync error must reach the
	// check below, or a batch that is not on disk would be acknowledged.
	err = bw.Flush()
	if err == nil {
		err = tmp.Sync()
	}
	info, serr := tmp.Stat()
	cerr := tmp.Close()
	if err = errors.Join(err, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("spool %s: writing batch: %w", s.dir, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bytes+info.Size() > s.max {
		os.Remove(tmp.Name())
		return fmt.Errorf("%w: %d bytes in %d batches at %s (limit store.spool_max_bytes=%d); the store has been failing for a while: fix it, or raise the limit",
			ErrSpoolFull, s.bytes, len(s.segs), s.dir, s.max)
	}
	name, err := s.place(tmp.Name())
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("spool %s: %w", s.dir, err)
	}
	if err := syncDir(s.dir); err != nil {
		return fmt.Errorf("spool %s: %w", s.dir, err)
	}
	s.next++
	s.segs = append(s.segs, segment{name: name, size: info.Size()})
	s.bytes += info.Size()
	return nil
}

// place gives the written batch file tmp the next free segment name.
// Another process may spool here too (`collect --once` beside the
// daemon): a name it took is skipped, never replaced. Called with mu held.
func (s *spool) place(tmp string) (string, error) {
	for ; ; s.next++ {
		name := fmt.Sprintf("%020d%s", s.next, segSuffix)
		path := filepath.Join(s.dir, name)
		err := os.Link(tmp, path)
		if err == nil {
			os.Remove(tmp) // left behind, openSpool removes it
			return name, nil
		}
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		// A file system without hard links: rename, if the name is free.
		if _, err := os.Lstat(path); err == nil {
			continue
		}
		return name, os.Rename(tmp, path)
	}
}

// peek reads the oldest segment. A segment that cannot be read at all is
// moved aside (renamed .bad) and dropped from the queue, with an error
// naming it. Lines of it that do not decode (a disk that corrupted a few
// bytes) are copied to the segment's name + ".bad" and counted in bad;
// the rest of the batch is returned, so one damaged mention does not cost
// the others.
func (s *spool) peek() (name string, batch []mw.Mention, bad int, err error) {
	s.mu.Lock()
	seg := s.segs[0]
	s.mu.Unlock()
	path := filepath.Join(s.dir, seg.name)
	batch, bad, err = readSegment(path)
	if err != nil {
		s.mu.Lock()
		s.segs = s.segs[1:]
		s.bytes -= seg.size
		s.mu.Unlock()
		os.Rename(path, path+".bad")
		return path, nil, 0, err
	}
	return seg.name, batch, bad, nil
}

// maxLine bounds a line read from a segment: far above any mention push
// writes (the scheduler cuts a mention's text to 64 KiB and its title and
// author below that; JSON escapes at most sextuple them), it keeps a
// damaged segment with no newline in it (zeroed or garbled blocks) from
// being read into memory whole. A longer line is damage.
const maxLine = 4 << 20

// readSegment decodes a segment, one mention per line (as push writes
// them). Lines that do not decode as a mention are copied, as they are
// read, to path + ".bad" (created at the first one) and counted in bad.
func readSegment(path string) (batch []mw.Mention, bad int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	var aside *os.File
	defer func() {
		if aside == nil {
			return
		}
		if serr := errors.Join(aside.Sync(), aside.Close()); err == nil && serr != nil {
			err = fmt.Errorf("keeping %d undecodable lines aside: %w", bad, serr)
		}
	}()
	var last byte // of what was kept aside
	keep := func(p []byte) error {
		if len(p) == 0 {
			return nil
		}
		if aside == nil {
			var err error
			if aside, err = os.OpenFile(path+".bad", os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600); err != nil {
				return err
			}
		}
		last = p[len(p)-1]
		_, err := aside.Write(p)
		return err
	}
	r := bufio.NewReaderSize(f, 1<<16)
	var line []byte
	damaged := false // line goes aside: past maxLine (the rest of it is kept as it is read), or not a mention
	for {
		frag, rerr := r.ReadSlice('\n')
		var kerr error
		switch {
		case damaged:
			kerr = keep(frag)
		case len(line)+len(frag) > maxLine:
			damaged = true
			kerr = errors.Join(keep(line), keep(frag))
		default:
			line = append(line, frag...)
		}
		if errors.Is(rerr, bufio.ErrBufferFull) && kerr == nil {
			continue
		}
		if kerr == nil && !damaged && len(bytes.TrimSpace(line)) > 0 {
			var m mw.Mention
			// push writes every mention with its id: a line without one
			// (null, {}, other keys) is damage too.
			if json.Unmarshal(line, &m) == nil && m.ID != "" {
				batch = append(batch, m)
			} else {
				damaged = true
				kerr = keep(line)
			}
		}
		if kerr == nil && damaged {
			bad++
			if last != '\n' {
				kerr = keep([]byte{'\n'})
			}
		}
		line, damaged = line[:0], false
		switch {
		case kerr != nil:
			return nil, 0, fmt.Errorf("keeping undecodable lines aside in %s.bad: %w", path, kerr)
		case errors.Is(rerr, io.EOF):
			return batch, bad, nil
		case rerr != nil:
			return nil, 0, fmt.Errorf("reading after mention %d: %w", len(batch)+bad, rerr)
		}
	}
}

// pop removes the oldest segment once it is stored.
func (s *spool) pop(name string) error {
	s.mu.Lock()
	if len(s.segs) > 0 && s.segs[0].name == name {
		s.bytes -= s.segs[0].size
		s.segs = s.segs[1:]
	}
	s.mu.Unlock()
	if err := os.Remove(filepath.Join(s.dir, name)); err != nil {
		return err
	}
	return syncDir(s.dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
