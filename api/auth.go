package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Principal is the authenticated staff-side caller of a request.
type Principal struct {
	TokenID     int64
	Name        string
	Role        Role
	Institution string // handler scope; "" means all institutions
}

// Actor is how the principal appears in audit events.
func (p Principal) Actor() string { return fmt.Sprintf("%s:%s#%d", p.Role, p.Name, p.TokenID) }

// PrincipalFrom returns the caller stored by the auth middleware.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey).(Principal)
	return p, ok
}

// authed wraps h so that only bearer tokens with one of roles get through.
// Admin passes every check: it is the operator's break-glass role.
func (s *Server) authed(h http.HandlerFunc, roles ...Role) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || secret == "" {
			writeError(w, r, s.log, errUnauthenticated)
			return
		}
		t, err := AuthenticateToken(r.Context(), s.cfg.Pool, strings.TrimSpace(secret))
		if errors.Is(err, ErrTokenNotFound) {
			writeError(w, r, s.log, errUnauthenticated)
			return
		}
		if err != nil {
			writeError(w, r, s.log, err)
			return
		}
		if t.Role != RoleAdmin && !slices.Contains(roles, t.Role) {
			writeError(w, r, s.log, errForbidden)
			return
		}
		p := Principal{TokenID: t.ID, Name: t.Name, Role: t.Role, Institution: t.Institution}
		h(w, r.WithContext(context.WithValue(r.Context(), principalKey, p)))
	}
}

func (s *Server) registerTokens() {
	s.mux.HandleFunc("GET /api/v1/me", s.authed(s.handleMe, Roles...))
	s.mux.HandleFunc("GET /api/v1/admin/tokens", s.authed(s.handleTokenList, RoleAdmin))
	s.mux.HandleFunc("POST /api/v1/admin/tokens", s.authed(s.handleTokenCreate, RoleAdmin))
	s.mux.HandleFunc("DELETE /api/v1/admin/tokens/{id}", s.authed(s.handleTokenRevoke, RoleAdmin))
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	p, _ := PrincipalFrom(r.Context())
	writeJSON(w, http.StatusOK, map[string]any{"name": p.Name, "role": p.Role, "institution": p.Institution})
}

func (s *Server) handleTokenList(w http.ResponseWriter, r *http.Request) {
	tokens, err := ListTokens(r.Context(), s.cfg.Pool)
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": tokens})
}

func (s *Server) handleTokenCreate(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name        string `json:"name"`
		Role        string `json:"role"`
		Institution string `json:"institution"`
	}
	if err := s.readJSON(w, r, &in); err != nil {
		writeError(w, r, s.log, err)
		return
	}
	role, err := ParseRole(in.Role)
	if err != nil {
		writeError(w, r, s.log, badRequest("%s", err.Error()))
		return
	}
	secret, t, err := CreateToken(r.Context(), s.cfg.Pool, in.Name, role, in.Institution)
	if err != nil {
		writeError(w, r, s.log, badRequest("%s", err.Error()))
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": secret, "info": t})
}

func (s *Server) handleTokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeError(w, r, s.log, errNotFound)
		return
	}
	p, _ := PrincipalFrom(r.Context())
	if err := RevokeToken(r.Context(), s.cfg.Pool, id, p.Actor()); err != nil {
		if errors.Is(err, ErrTokenNotFound) {
			err = errNotFound
		}
		writeError(w, r, s.log, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
