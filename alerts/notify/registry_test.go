package notify_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts/notify"
	_ "github.com/mentionwatch/mentionwatch/alerts/notify/all"
)

const head = "brands: [{name: A, keywords: [a]}]\nnotifiers:\n"

func parse(t *testing.T, notifiers string) (*mw.Config, error) {
	t.Helper()
	return mw.ParseConfig("c.yaml", []byte(head+notifiers), func(string) (string, bool) { return "", false })
}

func build(t *testing.T, notifiers string) ([]string, error) {
	t.Helper()
	cfg, err := parse(t, notifiers)
	if err != nil {
		return nil, err
	}
	ns, err := notify.Build(cfg, slog.New(slog.DiscardHandler), notify.Options{})
	var names []string
	for _, n := range ns {
		names = append(names, n.Name())
	}
	return names, err
}

func TestBuildStrictConfig(t *testing.T) {
	cases := []struct {
		yaml, want string
	}{
		{"  telegram:\n    bot_token: \"1:abcdefghij\"\n    chat_id: \"-100\"\n    chatid: x\n", `c.yaml:6: notifiers.telegram.chatid: unknown key (did you mean "chat_id"?)`},
		{"  telegram:\n    chat_id: \"-100\"\n", `c.yaml:4: notifiers.telegram: bot_token is required`},
		{"  telgram:\n    chat_id: x\n", `c.yaml:4: notifiers.telgram: unknown notifier "telgram" (did you mean "telegram"?)`},
		{"  telegram: yes\n", `c.yaml:3: notifiers.telegram: expected a mapping`},
		{"  slack:\n    webhok_url: x\n", `c.yaml:4: notifiers.slack.webhok_url: unknown key (did you mean "webhook_url"?)`},
	}
	for _, c := range cases {
		_, err := build(t, c.yaml)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant %s", c.yaml, err, c.want)
		}
	}
}

func TestBuildKeepsSlackAndWebhook(t *testing.T) {
	names, err := build(t, "  slack:\n    webhook_url: https://hooks.slack.com/services/T0/B0/xyzxyzxyz\n  webhook:\n    url: https://example.com/hook\n  telegram:\n    bot_token: \"123:abcdefghijk\"\n    chat_id: \"@ops\"\n")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(names) != "[slack webhook telegram]" {
		t.Errorf("notifiers %v", names)
	}
}

func TestChannelSecretsPrintMasked(t *testing.T) {
	cfg, err := parse(t, "  telegram:\n    bot_token: \"987654:SECRETtokenVALUE\"\n    chat_id: \"1\"\n")
	if err != nil {
		t.Fatal(err)
	}
	n, err := notify.BuildOne(cfg, "telegram", nil, notify.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%v %+v %s", n, n, n)
	if strings.Contains(buf.String(), "SECRETtoken") || !strings.Contains(buf.String(), "<secret>") {
		t.Errorf("printed config leaks or hides nothing: %s", buf.String())
	}
}

func TestNames(t *testing.T) {
	got := strings.Join(notify.Names(), " ")
	for _, want := range []string{"slack", "webhook", "telegram"} {
		if !strings.Contains(got, want) {
			t.Errorf("Names() = %s, missing %s", got, want)
		}
	}
}
