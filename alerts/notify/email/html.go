package email

import (
	"html/template"
	"strings"

	"github.com/mentionwatch/mentionwatch/alerts"
)

// page is the HTML alert. html/template escapes every field for its
// context (text, attribute, URL), so mention text is inert; the
// channel only passes http(s) URLs (alerts.ContentOf), and the template
// would neutralise any other scheme.
var page = template.Must(template.New("alert").Funcs(template.FuncMap{"host": alerts.PostHost}).Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{.Headline}}</title></head>
<body style="font-family:sans-serif;line-height:1.4;color:#1d1c1d">
<h2 style="margin:0 0 8px">{{.Headline}}</h2>
<p style="margin:0">{{.Why}}</p>
<p style="margin:0;color:#616061">{{.When}}</p>
{{- if .Acked}}
<p style="margin:0">{{.Acked}}</p>
{{- end}}
{{- if .Evidence}}
<h3 style="margin:16px 0 4px">Evidence</h3>
<ul style="padding-left:20px">
{{- range .Evidence}}
<li style="margin-bottom:8px"><span style="color:#616061">{{.When}} on {{.Source}}{{if .Author}} by {{.Author}}{{end}}{{if .Similar}} (+{{.Similar}} similar){{end}}</span><br>
{{.Text}}{{if .URL}}<br><a href="{{.URL}}">Open the post</a>{{end}}
{{- if .Copies}}<br>{{.CopiesWords}}: {{range $i, $u := .Copies}}{{if $i}} · {{end}}<a href="{{$u}}">{{host $u}}</a>{{end}}{{end}}</li>
{{- end}}
</ul>
{{- end}}
{{- if .More}}
<p>and {{.More}} more in the dashboard</p>
{{- end}}
{{- if or .Open .Ack}}
<p>{{if .Open}}<a href="{{.Open}}">Open in the dashboard</a>{{end}}{{if .Ack}} · <a href="{{.Ack}}">Acknowledge</a>{{end}}{{if .Silence}} · <a href="{{.Silence}}">Silence 4 h</a>{{end}}</p>
{{- end}}
</body></html>
`))

// HTML renders content c as the mail's HTML part.
func HTML(c alerts.Content) (string, error) {
	var b strings.Builder
	if err := page.Execute(&b, c); err != nil {
		return "", err
	}
	return b.String(), nil
}
