package digest

import (
	"encoding/base64"
	"html/template"
	"strings"

	"github.com/mentionwatch/mentionwatch/alerts"
)

// HTMLPage is what the HTML template reads.
type htmlPage struct {
	*Report
	Title      string
	Note       string
	Highlights []string
	Noun       string
	Rows       [][4]string
	VolumeImg  htmlImage
	JourneyImg htmlImage
	Top        []htmlTop
	More       string
	Buckets    string
}

type htmlImage struct {
	Src  template.URL // cid: or data: built here, never from input
	Alt  string
	W, H int
}

type htmlTop struct {
	N      int
	Byline string
	Text   string
	URL    string
}

// page is the digest mail. html/template escapes every field for its
// context (text, attribute, URL), so mention text is inert and a link's
// scheme other than http(s) is neutralised; Top's URLs are http(s) only
// anyway. Styles are inline, tables for layout: mail clients drop <style>
// and most CSS layout.
var page = template.Must(template.New("digest").Funcs(template.FuncMap{
	"num":   num,
	"diff":  diff,
	"share": share,
	"line":  alerts.OneLine,
	"when":  when,
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.4;color:#1d1c1d;background:#ffffff">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:640px">
<tr><td>
<h1 style="font-size:20px;margin:0 0 4px">{{.Title}}</h1>
<p style="margin:0 0 12px;color:#616061">{{.Note}}</p>
<ul style="margin:0 0 16px;padding-left:20px">
{{- range .Highlights}}
<li>{{.}}</li>
{{- end}}
</ul>

<h2 style="font-size:16px;margin:16px 0 6px">Volume and sentiment</h2>
<img src="{{.VolumeImg.Src}}" alt="{{.VolumeImg.Alt}}" width="{{.VolumeImg.W}}" height="{{.VolumeImg.H}}" style="display:block;max-width:100%;height:auto;border:0">
<p style="margin:2px 0 8px;color:#616061;font-size:12px"><span style="color:#d93f3f">■</span> negative <span style="color:#b8b8b8">■</span> neutral <span style="color:#2e9e5b">■</span> positive</p>
<table cellpadding="4" cellspacing="0" style="border-collapse:collapse">
<tr style="color:#616061;text-align:right"><th></th><th>{{.Noun}}</th><th>previous</th><th>change</th></tr>
{{- range .Rows}}
<tr style="text-align:right;border-top:1px solid #e8e8e8"><td style="text-align:left">{{index . 0}}</td><td><b>{{index . 1}}</b></td><td>{{index . 2}}</td><td>{{index . 3}}</td></tr>
{{- end}}
</table>
<p style="margin:6px 0 0;color:#616061;font-size:12px">{{.Buckets}}</p>

<h2 style="font-size:16px;margin:16px 0 6px">Customer journey: negative mentions by stage</h2>
<img src="{{.JourneyImg.Src}}" alt="{{.JourneyImg.Alt}}" width="{{.JourneyImg.W}}" height="{{.JourneyImg.H}}" style="display:block;max-width:100%;height:auto;border:0">
<p style="margin:2px 0 8px;color:#616061;font-size:12px"><span style="color:#f2b8b8">■</span> previous {{.Noun}} <span style="color:#d93f3f">■</span> this {{.Noun}}, one pair of bars per stage in the order below</p>
<table cellpadding="4" cellspacing="0" style="border-collapse:collapse">
<tr style="color:#616061;text-align:right"><th style="text-align:left">stage</th><th>negative</th><th>of all</th><th>before</th><th>change</th></tr>
{{- range .Journey}}
<tr style="text-align:right;border-top:1px solid #e8e8e8"><td style="text-align:left"><b>{{.StageName}}</b> {{.Words}}</td><td><b>{{num .Negative}}</b></td><td>{{num .Count}}</td><td>{{num .PrevNegative}}</td><td>{{diff .Negative .PrevNegative}}</td></tr>
{{- end}}
</table>

<h2 style="font-size:16px;margin:16px 0 6px">Top aspects and what changed</h2>
{{- if .Aspects}}
<table cellpadding="4" cellspacing="0" style="border-collapse:collapse">
<tr style="color:#616061;text-align:right"><th style="text-align:left">aspect</th><th>negative</th><th>of all</th><th>share</th><th>before</th><th>change</th></tr>
{{- range .Aspects}}
<tr style="text-align:right;border-top:1px solid #e8e8e8"><td style="text-align:left">{{.Words}}</td><td><b>{{num .Negative}}</b></td><td>{{num .Count}}</td><td>{{share .Negative .Count}}</td><td>{{if .PrevCount}}{{num .PrevNegative}} of {{num .PrevCount}}{{else}}none{{end}}</td><td>{{diff .Negative .PrevNegative}}</td></tr>
{{- end}}
</table>
{{- else}}
<p>No aspect was mentioned.</p>
{{- end}}

{{- if .Voice}}
<h2 style="font-size:16px;margin:16px 0 6px">Share of voice</h2>
{{- if .NoVoice}}
<p>{{.NoVoice}}</p>
{{- else}}
<table cellpadding="4" cellspacing="0" style="border-collapse:collapse">
<tr style="color:#616061;text-align:right"><th style="text-align:left">brand</th><th>share</th><th>before</th><th>change</th><th>mentions</th><th>negative</th></tr>
{{- range .Voice}}
<tr style="text-align:right;border-top:1px solid #e8e8e8"><td style="text-align:left">{{.Name}}</td><td><b>{{.ShareWords}}</b></td><td>{{.PrevShareWords}}</td><td>{{.MoveWords}}</td><td>{{num .Count}}</td><td>{{.NegWords}}</td></tr>
{{- end}}
</table>
{{- end}}
{{- end}}

<h2 style="font-size:16px;margin:16px 0 6px">Top negative mentions</h2>
{{- if .Top}}
<ol style="padding-left:20px;margin:0">
{{- range .Top}}
<li style="margin-bottom:10px"><span style="color:#616061">{{.Byline}}</span><br>{{.Text}}{{if .URL}}<br><a href="{{.URL}}">Open the post</a>{{end}}</li>
{{- end}}
</ol>
{{- else}}
<p>No negative mention.</p>
{{- end}}

<h2 style="font-size:16px;margin:16px 0 6px">Alerts and time to first response</h2>
<p style="margin:0 0 6px">{{.AlertSummary}}</p>
{{- if .Alerts}}
<table cellpadding="4" cellspacing="0" style="border-collapse:collapse">
<tr style="color:#616061"><th style="text-align:left">started</th><th style="text-align:left">alert</th><th style="text-align:right">first response</th></tr>
{{- range .Alerts}}
<tr style="border-top:1px solid #e8e8e8"><td style="white-space:nowrap">{{when .StartedAt}}</td><td>{{if .Link}}<a href="{{.Link}}">{{line .Headline}}</a>{{else}}{{line .Headline}}{{end}}<br><span style="color:#616061">{{line .Why}}</span></td><td style="text-align:right">{{.ResponseWords}}{{if and .Acked (line .AckedBy)}} by {{line .AckedBy}}{{end}}</td></tr>
{{- end}}
</table>
{{- end}}
{{- if .More}}
<p>{{.More}}</p>
{{- end}}
{{- if .Dashboard}}
<p style="margin-top:16px"><a href="{{.Dashboard}}">Open the dashboard for this {{.Noun}}</a></p>
{{- end}}
</td></tr></table>
</body></html>
`))

// ImageSrc says how the HTML refers to a chart: CIDSrc for a mail whose
// images are attached inline, DataSrc for a standalone file.
type ImageSrc func(Image) template.URL

// CIDSrc refers to an inline attachment: cid:volume@mentionwatch.
func CIDSrc(i Image) template.URL { return template.URL("cid:" + i.CID()) }

// DataSrc embeds the PNG: data:image/png;base64,...
func DataSrc(i Image) template.URL {
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(i.PNG))
}

// HTML renders the digest with its charts, which src places.
func HTML(r *Report, charts []Image, src ImageSrc) (string, error) {
	p := htmlPage{Report: r, Title: r.title(), Note: r.zoneNote(), Highlights: r.Highlights(), Noun: r.Window.Period.Noun(),
		Rows: r.volumeRows(), More: r.moreAlerts(), Buckets: r.bucketsLine()}
	for _, c := range charts {
		img := htmlImage{Src: src(c), Alt: c.Alt, W: c.W, H: c.H}
		switch c.Name {
		case "volume":
			p.VolumeImg = img
		case "journey":
			p.JourneyImg = img
		}
	}
	for i, t := range r.Top {
		p.Top = append(p.Top, htmlTop{N: i + 1, Byline: t.byline(), Text: mentionText(t.Mention, mentionRunes), URL: t.link()})
	}
	var b strings.Builder
	if err := page.Execute(&b, p); err != nil {
		return "", err
	}
	return b.String(), nil
}

// Charts draws the digest's charts.
func Charts(r *Report) []Image { return []Image{VolumeChart(r), JourneyChart(r)} }
