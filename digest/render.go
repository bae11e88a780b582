package digest

import "fmt"

// Rendered is a digest in every format, ready to deliver.
type Rendered struct {
	Report   *Report
	Subject  string
	Text     string   // the mail's plain-text part
	HTML     string   // the mail's HTML part; charts as cid: images
	Images   []Image  // the charts HTML refers to, attached inline
	Slack    string   // Slack mrkdwn
	Telegram []string // Telegram HTML messages, each within telegram.MaxRunes
}

// Render renders r in every format.
func Render(r *Report) (*Rendered, error) {
	imgs := Charts(r)
	html, err := HTML(r, imgs, CIDSrc)
	if err != nil {
		return nil, fmt.Errorf("rendering the %s digest of %s as HTML: %w", r.Window.Period, r.Brand, err)
	}
	return &Rendered{Report: r, Subject: r.Subject(), Text: Text(r), HTML: html, Images: imgs, Slack: Slack(r), Telegram: Telegram(r)}, nil
}

// File renders r as one self-contained HTML page (charts as data: URIs),
// for `mentionwatch digest --to FILE.html`.
func File(r *Report) (string, error) {
	return HTML(r, Charts(r), DataSrc)
}
