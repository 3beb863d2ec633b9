package api

// routes registers every area's handlers. Each area lives in its own file
// and registers its own patterns, so this list is the map of the API.
func (s *Server) routes() {
	s.registerHealth()
	s.registerTokens()
	s.registerWeb()
	s.registerChat()
	s.registerCases()
	s.registerClassify()
	s.registerKB()
	s.registerPrivacy()
}
