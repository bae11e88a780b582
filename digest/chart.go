package digest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
)

// Charts are PNG, drawn with the standard library: Gmail, Outlook and
// most webmail clients do not show SVG in mail, and a PNG attached inline
// (cid:) shows wherever images are allowed. They carry no text (no font
// to embed): every number they show is in the text next to them and in
// their alt text, so a client that blocks images loses nothing.

// Image is a chart: its content id for the mail, its alt text and PNG.
type Image struct {
	Name string // volume | journey; the mail's content id is Name + "@mentionwatch"
	Alt  string
	PNG  []byte
	W, H int
}

// CID is the image's content id, as referenced by src="cid:...".
func (i Image) CID() string { return i.Name + "@mentionwatch" }

var palette = color.Palette{
	color.RGBA{0xff, 0xff, 0xff, 0xff}, // 0 background
	color.RGBA{0xd9, 0x3f, 0x3f, 0xff}, // 1 negative
	color.RGBA{0xb8, 0xb8, 0xb8, 0xff}, // 2 neutral
	color.RGBA{0x2e, 0x9e, 0x5b, 0xff}, // 3 positive
	color.RGBA{0xf2, 0xb8, 0xb8, 0xff}, // 4 previous period (negative, pale)
	color.RGBA{0x61, 0x60, 0x61, 0xff}, // 5 axis
}

const (
	cBack, cNeg, cNeu, cPos, cPrev, cAxis = 0, 1, 2, 3, 4, 5
)

func fill(img *image.Paletted, r image.Rectangle, c uint8) {
	r = r.Intersect(img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetColorIndex(x, y, c)
		}
	}
}

func encode(img image.Image) []byte {
	var b bytes.Buffer
	// png.Encode only fails on a writer error; bytes.Buffer has none.
	_ = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&b, img)
	return b.Bytes()
}

// height scales v of max into h pixels; a non-zero value gets at least one.
func height(v, max uint64, h int) int {
	if v == 0 || max == 0 {
		return 0
	}
	return max1(int(float64(v)/float64(max)*float64(h)+0.5), 1)
}

func max1(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// VolumeChart stacks each bucket's negative (bottom), neutral and positive
// mentions.
func VolumeChart(r *Report) Image {
	const w, h, pad = 600, 160, 4
	img := image.NewPaletted(image.Rect(0, 0, w, h), palette)
	var top uint64
	for _, b := range r.Volume {
		top = max(top, b.Total())
	}
	n := max1(len(r.Volume), 1)
	slot := (w - 2*pad) / n
	gap := max1(slot/6, 1)
	base := h - pad - 1
	for i, b := range r.Volume {
		x0 := pad + i*slot + gap/2
		x1 := x0 + slot - gap
		y := base
		for _, part := range []struct {
			v uint64
			c uint8
		}{{b.Negative, cNeg}, {b.Neutral, cNeu}, {b.Positive, cPos}} {
			hh := height(part.v, top, base-pad)
			fill(img, image.Rect(x0, y-hh, x1, y), part.c)
			y -= hh
		}
	}
	fill(img, image.Rect(pad, base, w-pad, base+1), cAxis)
	unit := "hour"
	if r.Window.Period == Weekly {
		unit = "day"
	}
	alt := fmt.Sprintf("Mentions per %s: %s in all, %s negative, %s neutral, %s positive", unit,
		num(r.Now.Count), num(r.Now.Negative), num(r.Now.Neutral), num(r.Now.Positive))
	return Image{Name: "volume", Alt: alt, PNG: encode(img), W: w, H: h}
}

// JourneyChart draws, per stage, this period's negatives (dark) over the
// previous period's (pale).
func JourneyChart(r *Report) Image {
	const w, rowH, pad = 600, 24, 4
	h := pad*2 + rowH*len(r.Journey)
	img := image.NewPaletted(image.Rect(0, 0, w, max1(h, 1)), palette)
	var top uint64
	for _, s := range r.Journey {
		top = max(top, s.Negative, s.PrevNegative)
	}
	for i, s := range r.Journey {
		y := pad + i*rowH
		fill(img, image.Rect(pad, y+2, pad+height(s.PrevNegative, top, w-2*pad), y+rowH/2), cPrev)
		fill(img, image.Rect(pad, y+rowH/2, pad+height(s.Negative, top, w-2*pad), y+rowH-2), cNeg)
	}
	fill(img, image.Rect(pad, pad, pad+1, max1(h-pad, pad+1)), cAxis)
	alt := "Negative mentions by stage of the customer journey:"
	for i, s := range r.Journey {
		sep := ","
		if i == 0 {
			sep = ""
		}
		alt += fmt.Sprintf("%s %s %s (was %s)", sep, s.Words, num(s.Negative), num(s.PrevNegative))
	}
	return Image{Name: "journey", Alt: alt, PNG: encode(img), W: w, H: h}
}
