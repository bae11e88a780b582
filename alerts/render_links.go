package alerts

// SlackLink is a mrkdwn link to an http(s) URL with an escaped label, or
// the escaped label alone when the URL is not http(s) or too long: the URL
// cannot break out of <url|label>. Digests use it.
func SlackLink(raw, label string) string { return slackLink(raw, label) }
