package api

// registerChat mounts the consumer websocket. Consumers are anonymous: the
// chat session's resume token is their only credential.
func (s *Server) registerChat() {
	if s.cfg.Chat == nil {
		return
	}
	s.mux.Handle("GET /ws/chat", s.cfg.Chat)
}
