// Package telegram sends alerts through the Telegram Bot API (sendMessage,
// parse_mode HTML), split at Telegram's 4,096-character limit.
package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/alerts"
	"github.com/mentionwatch/mentionwatch/alerts/notify"
	"github.com/mentionwatch/mentionwatch/internal/redact"
	"github.com/mentionwatch/mentionwatch/internal/retryafter"
)

func init() { notify.Register("telegram", func() notify.Channel { return &Telegram{} }) }

// Telegram is the channel and its config (notifiers.telegram).
type Telegram struct {
	BotToken mw.Secret `yaml:"bot_token"` // from @BotFather; it is part of every request's URL path
	ChatID   string    `yaml:"chat_id"`   // a numeric chat id ("-100…" for channels and supergroups) or "@channelname"
	APIURL   string    `yaml:"api_url"`   // default https://api.telegram.org (a local Bot API server, or tests)
	Silent   bool      `yaml:"silent"`    // disable_notification: deliver without sound

	env notify.Env
	// sent is how many parts of a split message each delivery key has
	// delivered, so a retry after part 2 failed does not send part 1
	// again.
	sent alerts.PartsSent
	// mu guards chat: ChatID, or the id Telegram moved the chat to
	// (migrate_to_chat_id).
	mu   sync.Mutex
	chat string
}

// tokenForm is a bot token's form, as @BotFather gives it: the bot's id,
// a colon and the secret. It is part of every request's URL path.
var tokenForm = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]+$`)

// Init implements notify.Channel.
func (t *Telegram) Init(env notify.Env) error {
	t.env = env
	if t.BotToken.Value() == "" {
		return errors.New("bot_token is required (create a bot with @BotFather and put its token here, or ${TELEGRAM_BOT_TOKEN})")
	}
	if !tokenForm.MatchString(t.BotToken.Value()) {
		return errors.New("bot_token is not a bot token (it looks like 123456:ABC-DEF…: the token alone, without \"bot\", quotes or the URL)")
	}
	if t.ChatID == "" {
		return errors.New("chat_id is required (a numeric chat id, or @channelname for a public channel)")
	}
	api, err := notify.APIURL(t.APIURL, "https://api.telegram.org")
	if err != nil {
		return err
	}
	t.APIURL = api
	t.chat = t.ChatID
	if t.env.Log == nil {
		t.env.Log = slog.Default()
	}
	redact.Register(t.BotToken.Value())
	return nil
}

// Name implements alerts.Notifier.
func (t *Telegram) Name() string { return "telegram" }

type sendMessage struct {
	ChatID              string `json:"chat_id"`
	Text                string `json:"text"`
	ParseMode           string `json:"parse_mode,omitempty"`
	DisableNotification bool   `json:"disable_notification,omitempty"`
	LinkPreview         struct {
		IsDisabled bool `json:"is_disabled"`
	} `json:"link_preview_options"`
}

// apiResponse is the Bot API's envelope, errors included:
// {"ok":false,"error_code":429,"description":"Too Many Requests: retry after 5","parameters":{"retry_after":5}}.
type apiResponse struct {
	OK          bool   `json:"ok"`
	ErrorCode   int    `json:"error_code"`
	Description string `json:"description"`
	Parameters  struct {
		RetryAfter      int   `json:"retry_after"`
		MigrateToChatID int64 `json:"migrate_to_chat_id"`
	} `json:"parameters"`
}

// Send implements alerts.Notifier: the message's parts in order, each
// part once per delivery however often Deliver retries.
func (t *Telegram) Send(ctx context.Context, n alerts.Notification) error {
	parts := split(render(alerts.ContentOf(t.env.Presentation, n)), MaxRunes)
	return t.sendParts(ctx, alerts.DeliveryKey(n.Alert), parts)
}

// sendParts posts parts in order, from the first that delivery key has
// not yet delivered (a retry after part 2 failed does not send part 1
// again), and forgets key once all are sent.
func (t *Telegram) sendParts(ctx context.Context, key string, parts []string) error {
	return t.sent.Send(ctx, key, parts, t.post)
}

// post sends one message. When Telegram answers that the group became a
// supergroup (400 with migrate_to_chat_id: the old id takes nothing
// any more), it sends to the new id, now and from then on, and warns that
// the config needs it. When Telegram refuses the message's HTML ("can't
// parse entities"), which a retry would send again, it sends the message
// as plain text (plainText) rather than lose the alert.
func (t *Telegram) post(ctx context.Context, text string) error {
	t.mu.Lock()
	chat := t.chat
	t.mu.Unlock()
	moved, err := t.postTo(ctx, chat, text, "HTML")
	if moved != 0 {
		to := strconv.FormatInt(moved, 10)
		t.mu.Lock()
		if t.chat == chat {
			t.chat = to
			t.env.Log.Warn("the Telegram group became a supergroup with a new chat id; sending there (set notifiers.telegram.chat_id to it, or a restart sends to the old id first again)",
				"old_chat_id", chat, "chat_id", to)
		}
		t.mu.Unlock()
		chat = to
		_, err = t.postTo(ctx, chat, text, "HTML")
	}
	if entityError(err) {
		t.env.Log.Warn("Telegram refused the message's HTML; sending it as plain text (please report it)", "err", err)
		_, err = t.postTo(ctx, chat, plainText(text), "")
	}
	return err
}

// entityError says whether err is Telegram's refusal of a message's
// markup: 400 "Bad Request: can't parse entities: …".
func entityError(err error) bool {
	var de *alerts.DeliveryError
	return errors.As(err, &de) && de.Status == http.StatusBadRequest && strings.Contains(strings.ToLower(err.Error()), "can't parse entities")
}

// chatRefusals are the Bot API's 400 and 403 descriptions that say why a
// chat takes nothing from the bot, with what to do about each.
var chatRefusals = []struct{ says, hint string }{
	{"bot was blocked by the user", "the user blocked the bot: they must open its chat and tap Restart (or unblock it), or set another notifiers.telegram.chat_id"},
	{"bot was kicked", "the bot was removed from the chat: add it again, or set another notifiers.telegram.chat_id"},
	{"user is deactivated", "the user deleted their Telegram account: set another notifiers.telegram.chat_id"},
	{"bot is not a member", "add the bot to the channel as an administrator allowed to post messages"},
	{"not enough rights", "give the bot the right to send messages in the chat (an administrator can, in the chat's permissions)"},
	{"chat not found", "check notifiers.telegram.chat_id (a number, -100… for a supergroup or channel, or @channelname), and that the bot was added to the chat or the user started it"},
}

// postTo sends one message to chat, in parseMode ("" for plain text);
// moved is the chat's new id when Telegram answers that it moved.
func (t *Telegram) postTo(ctx context.Context, chat, text, parseMode string) (moved int64, err error) {
	m := sendMessage{ChatID: chat, Text: text, ParseMode: parseMode, DisableNotification: t.Silent}
	m.LinkPreview.IsDisabled = true
	body, err := json.Marshal(m)
	if err != nil {
		return 0, &alerts.DeliveryError{Notifier: t.Name(), Permanent: true, Err: err}
	}
	resp, raw, err := notify.Post{Notifier: t.Name(), What: "POST sendMessage", URL: t.APIURL + "/bot" + t.BotToken.Value() + "/sendMessage",
		Hint: "check notifiers.telegram.api_url and the network", Limit: 64 << 10}.Send(ctx, t.env.HTTP, body)
	if err != nil {
		return 0, err
	}
	var r apiResponse
	if json.Unmarshal(raw, &r) == nil && r.OK && resp.StatusCode/100 == 2 {
		return 0, nil
	}
	desc := strings.TrimSpace(r.Description)
	if desc == "" {
		desc = http.StatusText(resp.StatusCode)
	}
	status := resp.StatusCode
	if r.ErrorCode != 0 {
		status = r.ErrorCode
	}
	var retry time.Duration
	if r.Parameters.RetryAfter > 0 {
		// bounded as a Retry-After header is; seconds first, or it overflows
		retry = time.Duration(min(r.Parameters.RetryAfter, int(retryafter.Max/time.Second))) * time.Second
	}
	hint := ""
	switch status {
	case http.StatusUnauthorized, http.StatusNotFound:
		hint = " (check notifiers.telegram.bot_token)"
	case http.StatusBadRequest, http.StatusForbidden:
		hint = " (check notifiers.telegram.chat_id, and that the bot is a member of the chat)"
		d := strings.ToLower(desc)
		for _, r := range chatRefusals {
			if strings.Contains(d, r.says) {
				hint = " (" + r.hint + ")"
				break
			}
		}
		if strings.Contains(d, "parse entities") || strings.Contains(d, "too long") || strings.Contains(d, "text is empty") {
			// The message as built, not the chat: a retry sends it again.
			hint = " (Telegram refused the message as built; please report it with the alert id)"
		}
	}
	if status/100 == 2 { // 200 with ok:false or an unreadable body
		status = http.StatusBadGateway
	}
	if r.Parameters.MigrateToChatID != 0 && strconv.FormatInt(r.Parameters.MigrateToChatID, 10) != chat {
		moved = r.Parameters.MigrateToChatID
		hint = fmt.Sprintf(" (set notifiers.telegram.chat_id to %d, the supergroup's id)", moved)
	}
	return moved, alerts.Classify(t.Name(), status, retry, redact.Error(fmt.Errorf("telegram: %s%s", desc, hint)))
}
