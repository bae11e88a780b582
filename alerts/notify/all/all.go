// Package all imports every alert channel, so each registers itself.
package all

import (
	_ "github.com/mentionwatch/mentionwatch/alerts/notify/alertmanager" // Prometheus Alertmanager API v2
	_ "github.com/mentionwatch/mentionwatch/alerts/notify/email"        // SMTP, wneessen/go-mail
	_ "github.com/mentionwatch/mentionwatch/alerts/notify/teams"        // Microsoft Teams workflow webhook, Adaptive Card
	_ "github.com/mentionwatch/mentionwatch/alerts/notify/telegram"     // Telegram Bot API
	_ "github.com/mentionwatch/mentionwatch/alerts/notify/whatsapp"     // Meta WhatsApp Cloud API, template messages
)
