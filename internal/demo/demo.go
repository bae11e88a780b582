// Package demo serves realistic sample feeds for `mentionwatch demo` and for
// end-to-end tests: a day of English and Indonesian mentions of the sample
// brand Acme (and its competitor Roboclean), with a burst of complaints
// about late deliveries three hours before now.
package demo

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Post is one sample mention as a feed carries it.
type Post struct {
	ID        string
	Feed      string // news | community | ulasan
	Author    string
	Title     string
	Text      string
	URL       string
	Published time.Time
	Burst     bool // part of the delivery-complaint burst
}

// Burst describes where the complaint burst sits relative to now.
const (
	BurstAgo    = 3 * time.Hour
	BurstLength = 20 * time.Minute
	BurstPosts  = 45
	History     = 24 * time.Hour
)

// BurstStart returns the start of the complaint burst for a given now.
func BurstStart(now time.Time) time.Time { return now.Add(-BurstAgo).Truncate(5 * time.Minute) }

var (
	enPositive = []string{
		"Just got my Acme X2 and it is brilliant, cleans the whole flat in 40 minutes.",
		"Highly recommend the Acme X2, best vacuum I've owned.",
		"Acme support sorted my issue in ten minutes. Impressed!",
		"The Acme app update is great, scheduling finally works.",
		"Unboxed the Acme X2 today, first impression: premium and quiet.",
	}
	enNeutral = []string{
		"Anyone here tried the Acme X2? Thinking of buying one.",
		"Acme X2 vs Roboclean S7, which one is worth the money?",
		"Acme opens a new service centre in Surabaya next month.",
		"Is the Acme X2 on sale anywhere this weekend?",
		"Acme announced its Q3 results this morning.",
	}
	enNegative = []string{
		"Acme X2 battery died after two weeks of use. Disappointed.",
		"The Acme app keeps crashing after the latest update.",
		"Acme X2 is too expensive for what it does.",
	}
	idPositive = []string{
		"Acme X2 mantul bgt, rumah jadi bersih tiap hari!",
		"Recommended banget Acme X2, gak nyesel beli.",
		"CS Acme ramah dan cepat tanggap, mantap.",
		"Kesan pertama pakai Acme X2: keren dan senyap.",
	}
	idNeutral = []string{
		"Ada yang pernah pakai Acme X2? Bagus gak?",
		"Rekomendasi robot vacuum dong, Acme atau Roboclean?",
		"Acme buka toko baru di Bandung minggu depan.",
	}
	idNegative = []string{
		"Aplikasi Acme lemot banget, kecewa.",
		"Harga Acme X2 kemahalan buat fiturnya.",
	}
	burstEN = []string{
		"My Acme order is two weeks late and tracking hasn't moved. Where is my parcel?",
		"Still no delivery from Acme, the courier says the package is lost. Terrible.",
		"Acme delivery is a joke. Paid 10 days ago, parcel still hasn't arrived.",
		"Third time asking Acme where my order is. No shipping update, no reply.",
		"Acme shipping delays are insane, my package has been 'in transit' for a week.",
	}
	burstID = []string{
		"Paket Acme belum sampai juga padahal udah dua minggu, kecewa banget.",
		"Resi Acme gak update dari minggu lalu, kurirnya ke mana sih?",
		"Pesanan Acme telat parah, kapok belanja di sini.",
		"Udah bayar seminggu lalu, paket Acme masih belum dikirim. Parah.",
		"Kurir Acme bilang paket hilang, gimana ini Acme?!",
	}
	competitor = []string{
		"Roboclean S7 has been flawless for a year.",
		"Roboclean S7 kemahalan, tapi bagus.",
		"Roboclean app is clunky compared to others.",
	}
	authors = []string{"rina_k", "budi.s", "techmom", "dewi88", "mark_h", "sari_p", "joko_w", "lee.c", "putri", "agus_r", "nina.z", "tom_b"}
)

// Posts returns the deterministic sample posts for now, oldest first.
func Posts(now time.Time) []Post {
	now = now.UTC().Truncate(time.Minute)
	r := rand.New(rand.NewPCG(42, 7))
	var out []Post
	pick := func(l []string) string { return l[r.IntN(len(l))] }
	feeds := []string{"news", "community", "ulasan"}
	// Background: about one mention every 12 minutes over the last day.
	for t := now.Add(-History); t.Before(now); t = t.Add(time.Duration(6+r.IntN(12)) * time.Minute) {
		var text string
		switch x := r.Float64(); {
		case x < 0.22:
			text = pick(enPositive)
		case x < 0.40:
			text = pick(enNeutral)
		case x < 0.48:
			text = pick(enNegative)
		case x < 0.66:
			text = pick(idPositive)
		case x < 0.80:
			text = pick(idNeutral)
		case x < 0.88:
			text = pick(idNegative)
		default:
			text = pick(competitor)
		}
		out = append(out, Post{Feed: feeds[r.IntN(len(feeds))], Author: pick(authors), Text: text, Published: t})
	}
	// The burst: delivery complaints, English and Indonesian.
	start := BurstStart(now)
	for i := 0; i < BurstPosts; i++ {
		t := start.Add(time.Duration(r.Int64N(int64(BurstLength))))
		text := pick(burstEN)
		if i%2 == 1 {
			text = pick(burstID)
		}
		out = append(out, Post{Feed: feeds[i%2+1], Author: fmt.Sprintf("%s%d", pick(authors), i), Text: text, Published: t, Burst: true})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Published.Before(out[j].Published) })
	for i := range out {
		out[i].ID = fmt.Sprintf("%s-%05d", out[i].Feed, i)
		out[i].URL = fmt.Sprintf("https://%s.example.org/p/%05d", out[i].Feed, i)
		title := out[i].Text
		if len(title) > 60 {
			title = title[:strings.LastIndex(title[:60], " ")] + "…"
		}
		out[i].Title = title
	}
	return out
}

// Handler serves the sample feeds: /news.rss (RSS 2.0), /ulasan.atom (Atom)
// and /community.json (JSON Feed). Each carries its posts published up to
// the clock's now.
func Handler(clock func() time.Time, posts []Post) http.Handler {
	mux := http.NewServeMux()
	by := func(feed string) []Post {
		now := clock()
		var out []Post
		for _, p := range posts {
			if p.Feed == feed && !p.Published.After(now) {
				out = append(out, p)
			}
		}
		return out
	}
	mux.HandleFunc("/news.rss", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		writeRSS(w, by("news"))
	})
	mux.HandleFunc("/ulasan.atom", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
		writeAtom(w, by("ulasan"))
	})
	mux.HandleFunc("/community.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/feed+json")
		writeJSONFeed(w, by("community"))
	})
	return mux
}

func writeRSS(w http.ResponseWriter, posts []Post) {
	type item struct {
		Title   string `xml:"title"`
		Link    string `xml:"link"`
		GUID    string `xml:"guid"`
		PubDate string `xml:"pubDate"`
		Creator string `xml:"http://purl.org/dc/elements/1.1/ creator"`
		Desc    string `xml:"description"`
	}
	type channel struct {
		Title string `xml:"title"`
		Link  string `xml:"link"`
		Desc  string `xml:"description"`
		Items []item `xml:"item"`
	}
	type rss struct {
		XMLName xml.Name `xml:"rss"`
		Version string   `xml:"version,attr"`
		Channel channel  `xml:"channel"`
	}
	doc := rss{Version: "2.0", Channel: channel{Title: "Acme in the news", Link: "https://news.example.org/", Desc: "Sample news feed"}}
	for i := len(posts) - 1; i >= 0; i-- {
		p := posts[i]
		doc.Channel.Items = append(doc.Channel.Items, item{Title: p.Title, Link: p.URL, GUID: p.ID, PubDate: p.Published.Format(time.RFC1123Z), Creator: p.Author, Desc: "<p>" + xmlEscape(p.Text) + "</p>"})
	}
	w.Write([]byte(xml.Header))
	xml.NewEncoder(w).Encode(doc)
}

func writeAtom(w http.ResponseWriter, posts []Post) {
	type link struct {
		Href string `xml:"href,attr"`
	}
	type author struct {
		Name string `xml:"name"`
	}
	type entry struct {
		ID        string `xml:"id"`
		Title     string `xml:"title"`
		Link      link   `xml:"link"`
		Published string `xml:"published"`
		Updated   string `xml:"updated"`
		Author    author `xml:"author"`
		Content   string `xml:"content"`
	}
	type feed struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		ID      string   `xml:"id"`
		Title   string   `xml:"title"`
		Updated string   `xml:"updated"`
		Entries []entry  `xml:"entry"`
	}
	doc := feed{ID: "urn:demo:ulasan", Title: "Ulasan Acme", Updated: time.Now().UTC().Format(time.RFC3339)}
	for i := len(posts) - 1; i >= 0; i-- {
		p := posts[i]
		ts := p.Published.Format(time.RFC3339)
		doc.Entries = append(doc.Entries, entry{ID: p.ID, Title: p.Title, Link: link{p.URL}, Published: ts, Updated: ts, Author: author{p.Author}, Content: p.Text})
	}
	w.Write([]byte(xml.Header))
	xml.NewEncoder(w).Encode(doc)
}

func writeJSONFeed(w http.ResponseWriter, posts []Post) {
	type author struct {
		Name string `json:"name"`
	}
	type item struct {
		ID            string   `json:"id"`
		URL           string   `json:"url"`
		Title         string   `json:"title,omitempty"`
		ContentText   string   `json:"content_text"`
		DatePublished string   `json:"date_published"`
		Authors       []author `json:"authors"`
	}
	doc := struct {
		Version string `json:"version"`
		Title   string `json:"title"`
		Items   []item `json:"items"`
	}{Version: "https://jsonfeed.org/version/1.1", Title: "Acme community"}
	for i := len(posts) - 1; i >= 0; i-- {
		p := posts[i]
		doc.Items = append(doc.Items, item{ID: p.ID, URL: p.URL, ContentText: p.Text, DatePublished: p.Published.Format(time.RFC3339), Authors: []author{{p.Author}}})
	}
	json.NewEncoder(w).Encode(doc)
}

func xmlEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// ConfigYAML is the demo's config for feeds served at base.
func ConfigYAML(base, dbPath string) string {
	return fmt.Sprintf(`brands:
  - name: Acme
    keywords: [acme, "@acme_id", "#acmeid"]
    languages: [en, id]
    competitors:
      - name: Roboclean
        keywords: [roboclean]
sources:
  - {name: demo-news, type: rss, url: "%[1]s/news.rss", interval: 5m}
  - {name: demo-ulasan, type: rss, url: "%[1]s/ulasan.atom", interval: 5m}
  - {name: demo-community, type: rss, url: "%[1]s/community.json", interval: 5m}
http:
  allow_loopback: true   # the demo feeds are served from this machine
  per_host_rps: 50
  per_host_burst: 10
store:
  type: embedded
  path: %[2]q
alerts:
  bucket: 5m
  min_count: 5
  warmup: 2h      # the demo has a day of history; production default is 24h
  repeat_interval: 4h
`, base, dbPath)
}
