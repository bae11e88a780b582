package alerts

import mw "github.com/mentionwatch/mentionwatch"

// What the digest (package digest) shares with the alert renderers.

// SlackLink is a mrkdwn link to an http(s) URL with an escaped label, or
// the escaped label alone when the URL is not http(s) or too long: the URL
// cannot break out of <url|label>.
func SlackLink(raw, label string) string { return slackLink(raw, label) }

// Clip shortens plain text to n runes on a word boundary, ending in "…",
// with runs of white space folded to one space. It does not escape.
func Clip(s string, n int) string { return clip(s, n) }

// MentionBody is a mention's title and text, without a title that repeats
// the text's start (feeds make one from the other); its URL if both are
// empty.
func MentionBody(m mw.Mention) string { return mentionBody(m) }
