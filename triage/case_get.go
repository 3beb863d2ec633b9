package triage

import (
	"context"
	"strconv"
	"strings"
)

// Actor is who acts on a case from the handler side: the name written to
// the audit trail and the institution scope of their token.
type Actor struct {
	// Name identifies the person in the audit trail and as assignee, e.g.
	// "handler:王芳#12". Required for actions.
	Name string
	// Institution limits what the actor sees to one institution's cases;
	// "" means all. Any alias works (工行 = 中国工商银行).
	Institution string
}

// Get returns a case the actor may see, unmasked; callers show Masked()
// unless the actor revealed it. ref is the numeric id or the tracking
// number. Cases outside the actor's scope are ErrNotFound.
func (s *Service) Get(ctx context.Context, actor Actor, ref string) (Case, error) {
	c, err := findRef(ctx, s.db, ref, false)
	if err != nil {
		return Case{}, err
	}
	if err := s.checkScope(actor, c); err != nil {
		return Case{}, err
	}
	return c, nil
}

// checkScope refuses a case outside the actor's institution scope with
// ErrOutOfScope, which is an ErrNotFound: existence never leaks.
func (s *Service) checkScope(actor Actor, c Case) error {
	if scope := s.Scope(actor.Institution); scope != "" && c.Institution != scope {
		return ErrOutOfScope
	}
	return nil
}

// findRef loads a case by id or tracking number, locking it for update
// when lock is set. Malformed references are simply not found.
func findRef(ctx context.Context, db DBTX, ref string, lock bool) (Case, error) {
	ref = strings.TrimSpace(ref)
	if no, ok := parseTrackingNo(ref); ok {
		q := sqlCaseByTracking
		if lock {
			q = sqlCaseLockTracking
		}
		return collectCase(db.Query(ctx, q, no))
	}
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil || id <= 0 {
		return Case{}, ErrNotFound
	}
	q := sqlCaseByID
	if lock {
		q = sqlCaseLockByID
	}
	return collectCase(db.Query(ctx, q, id))
}

// parseTrackingNo accepts a tracking number however a person types it
// (lower case, spaces, full-width characters, a missing dash) and returns
// the canonical TSYYYYMMDD-NNNN form.
func parseTrackingNo(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'Ａ' && r <= 'Ｚ':
			r = r - 'Ａ' + 'A'
		case r >= 'ａ' && r <= 'ｚ':
			r = r - 'ａ' + 'a'
		case r >= '０' && r <= '９':
			r = r - '０' + '0'
		case r == '－' || r == '—' || r == '–':
			r = '-'
		}
		if r == ' ' || r == '\u3000' || r == '-' {
			continue
		}
		b.WriteRune(r)
	}
	t := strings.ToUpper(b.String())
	if len(t) < 14 || len(t) > 18 || !strings.HasPrefix(t, "TS") {
		return "", false
	}
	for _, r := range t[2:] {
		if r < '0' || r > '9' {
			return "", false
		}
	}
	return t[:10] + "-" + t[10:], true
}
