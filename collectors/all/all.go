// Package all registers every collector type. The program imports it for
// its side effects:
//
//	import _ "github.com/mentionwatch/mentionwatch/collectors/all"
package all

import (
	_ "github.com/mentionwatch/mentionwatch/collectors/appstore"
	_ "github.com/mentionwatch/mentionwatch/collectors/bluesky"
	_ "github.com/mentionwatch/mentionwatch/collectors/hackernews"
	_ "github.com/mentionwatch/mentionwatch/collectors/mastodon"
	_ "github.com/mentionwatch/mentionwatch/collectors/reddit"
	_ "github.com/mentionwatch/mentionwatch/collectors/reviews"
	_ "github.com/mentionwatch/mentionwatch/collectors/rss"
	_ "github.com/mentionwatch/mentionwatch/collectors/x"
	_ "github.com/mentionwatch/mentionwatch/collectors/youtube"
)
