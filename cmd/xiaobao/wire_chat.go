package main

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/xiaobao-cn/xiaobao/chat"
	"github.com/xiaobao-cn/xiaobao/knowledge"
	"github.com/xiaobao-cn/xiaobao/triage"
)

// newChat builds the websocket hub on top of the knowledge base and triage.
func (m *Main) newChat(kb *knowledge.Store, tri *triage.Service, reg prometheus.Registerer) (*chat.Hub, error) {
	return chat.NewHub(chat.Config{
		Pool:           m.Pool,
		Knowledge:      kb,
		Triage:         tri,
		Logger:         m.Logger,
		AllowedOrigins: m.Config.AllowedOrigins,
		TurnTimeout:    m.Config.LLMTimeout + 12*time.Second,
		Registry:       reg,

		MaxConnsPerIP:       m.Config.WSConnsPerIP,
		MessagesPerMinute:   m.Config.WSMessagesPerMinute,
		IPMessagesPerMinute: m.Config.WSIPMessagesPerMinute,
	})
}
