package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/scoring"
)

func init() {
	var typ string
	cmd := &cobra.Command{
		Use:   "score",
		Short: "Score texts: one per line on stdin, one JSON object per line on stdout",
		Long: `Reads one text per line on stdin and writes, for each, a JSON object with
lang (en, id, other), sentiment (-1..1), label, stage, stage_confidence and
aspects. No config is needed: brand-specific aspects come from a config
only in collect and run. --type review (or a review source's type, such as
appstore) scores the texts as reviews: English sentiment in the review
register (docs/SCORING.md).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, ok := mw.SourceTypeTraits(typ); typ != "" && typ != mw.ReviewType && !ok {
				return fmt.Errorf("--type %q: not review or a source type (see `mentionwatch collectors`)", typ)
			}
			return scoreLines(interruptible(cmd.Context(), cmd.InOrStdin()), cmd.OutOrStdout(), typ)
		},
	}
	cmd.Flags().StringVar(&typ, "type", "", "source type the texts are scored as (\"review\": review register; default none)")
	rootCmd.AddCommand(cmd)
}

// scoreLines scores each line of r (without its "\n" or "\r\n") and
// writes one JSON object per line to w. A line of any length is read:
// the scorer reads its first scoring.MaxScoredBytes, so only those (and
// one byte more, where the cut falls) are kept. What was scored before a
// read error is written before the error returns, and each result is
// written as soon as the input has no further line waiting.
func scoreLines(r io.Reader, w io.Writer, typ string) error {
	sc := scoring.NewScorer(nil)
	in := bufio.NewReaderSize(r, 64*1024)
	out := bufio.NewWriter(w)
	enc := json.NewEncoder(out)
	const keep = scoring.MaxScoredBytes + 1
	var line []byte
	for n := 1; ; n++ {
		line = line[:0]
		total := 0 // bytes of the line, line holds the first keep
		var err error
		for {
			var chunk []byte
			chunk, err = in.ReadSlice('\n')
			total += len(chunk)
			if room := keep - len(line); room > 0 {
				line = append(line, chunk[:min(len(chunk), room)]...)
			}
			if !errors.Is(err, bufio.ErrBufferFull) {
				break
			}
		}
		if err != nil && !errors.Is(err, io.EOF) {
			out.Flush()
			return fmt.Errorf("reading stdin, line %d: %w", n, err)
		}
		if errors.Is(err, io.EOF) && len(line) == 0 {
			return out.Flush()
		}
		text := line
		if total <= keep { // else the scorer cuts the text before any line end
			text = bytes.TrimSuffix(bytes.TrimSuffix(text, []byte("\n")), []byte("\r"))
		}
		res := scoring.ScoreTextAs(sc, string(text), typ)
		if res.Aspects == nil {
			res.Aspects = []string{}
		}
		if err := enc.Encode(res); err != nil {
			return fmt.Errorf("writing line %d: %w", n, err)
		}
		if in.Buffered() == 0 { // the next line is not here yet (a person typing): show this one now
			if err := out.Flush(); err != nil {
				return fmt.Errorf("writing line %d: %w", n, err)
			}
		}
		if errors.Is(err, io.EOF) {
			return out.Flush()
		}
	}
}
