package triage

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Sentinel errors of the case and queue side of triage. The api package maps
// each to one HTTP status in its error table; messages built around them
// never contain personal data, so they are safe to show to staff.
var (
	// ErrNotFound means no case matches, or the caller may not know it
	// exists: a case outside a handler's institution scope and a wrong
	// phone suffix on a consumer lookup both look exactly like a missing case.
	ErrNotFound = errors.New("case not found")
	// ErrOutOfScope is a case the actor may not see. It wraps ErrNotFound so
	// that every layer answers it as "not found" (404, never 403).
	ErrOutOfScope = fmt.Errorf("%w: outside the handler's institution scope", ErrNotFound)
	// ErrAlreadyClaimed means another handler holds the case.
	ErrAlreadyClaimed = errors.New("case is already claimed by another handler")
	// ErrNotAssignee means the actor must claim the case before acting on it.
	ErrNotAssignee = errors.New("claim the case before acting on it")
	// ErrInvalidTransition means the case's state does not allow the action;
	// the wrapping error names both.
	ErrInvalidTransition = errors.New("invalid case state transition")
	// ErrQueueEmpty means there is no claimable case in the actor's scope.
	ErrQueueEmpty = errors.New("no case waiting in the queue")
	// ErrInvalidInput wraps validation failures; the wrapping message says
	// what to fix and is safe to show.
	ErrInvalidInput = errors.New("invalid input")
	// ErrNotRatable means a rating came before the case was resolved.
	ErrNotRatable = errors.New("case is not resolved yet")
	// ErrExtensionExhausted means the legal extension budget is used up.
	ErrExtensionExhausted = errors.New("deadline extension limit reached")
)

// invalidf builds an ErrInvalidInput with a message that says what to fix.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidInput, fmt.Sprintf(format, args...))
}

// interpretError maps pgx.ErrNoRows to ErrNotFound in one place (river's
// interpretError), so callers never test for driver errors.
func interpretError(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
