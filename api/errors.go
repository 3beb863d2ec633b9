package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
)

// Error is an error with a status code and a message that is safe to show
// to the caller. Handlers return it for bad input; anything else becomes 500.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// badRequest builds a 400 with a message for the caller.
func badRequest(format string, args ...any) error {
	return &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: fmt.Sprintf(format, args...)}
}

var (
	errUnauthenticated = &Error{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: "missing or invalid bearer token"}
	errForbidden       = &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "your role may not do this"}
	errNotFound        = &Error{Status: http.StatusNotFound, Code: "not_found", Message: "not found"}
)

// errorMapping turns a package's sentinel error into an HTTP answer. This one
// table is the only place where domain errors meet status codes.
type errorMapping struct {
	err     error
	status  int
	code    string
	message string
}

// errorTable is extended by each area's file in its init, next to the
// handlers that can produce those errors.
var errorTable []errorMapping

func mapError(err error, status int, code, message string) {
	errorTable = append(errorTable, errorMapping{err, status, code, message})
}

// writeError answers with the safe form of err and logs the cause for 5xx.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	status, code, msg := http.StatusInternalServerError, "internal", "internal error; the team has been told (request id "+RequestID(r.Context())+")"
	var apiErr *Error
	var maxErr *http.MaxBytesError
	switch {
	case errors.As(err, &apiErr):
		status, code, msg = apiErr.Status, apiErr.Code, apiErr.Message
	case errors.As(err, &maxErr):
		status, code, msg = http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("request body over %d bytes", maxErr.Limit)
	case errors.Is(err, context.DeadlineExceeded):
		status, code, msg = http.StatusServiceUnavailable, "timeout", "the service is busy, try again shortly"
	default:
		for _, m := range errorTable {
			if errors.Is(err, m.err) {
				status, code, msg = m.status, m.code, m.message
				break
			}
		}
	}
	if status >= 500 {
		log.ErrorContext(r.Context(), "request failed", "request_id", RequestID(r.Context()), "route", r.Pattern, "err", err)
	}
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

// readJSON decodes a bounded JSON body into v with a clear 400 on bad input.
func (s *Server) readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return err
		}
		if errors.Is(err, io.EOF) {
			return badRequest("request body is empty; send a JSON object")
		}
		return badRequest("request body is not valid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}
