package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Role is what a staff-side token may do.
type Role string

// The roles, from narrowest to widest.
const (
	RoleHandler    Role = "handler"
	RoleStaff      Role = "staff"
	RoleSupervisor Role = "supervisor"
	RoleAdmin      Role = "admin"
)

// Roles lists every valid role.
var Roles = []Role{RoleHandler, RoleStaff, RoleSupervisor, RoleAdmin}

// ParseRole validates a role name.
func ParseRole(s string) (Role, error) {
	r := Role(strings.TrimSpace(s))
	if !slices.Contains(Roles, r) {
		return "", fmt.Errorf("unknown role %q (use handler, staff, supervisor or admin)", s)
	}
	return r, nil
}

// Token is a stored staff credential; the secret itself is never stored.
type Token struct {
	ID          int64      `json:"id"`
	Name        string     `json:"name"`
	Role        Role       `json:"role"`
	Institution string     `json:"institution,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	LastUsedAt  *time.Time `json:"last_used_at,omitempty"`
	RevokedAt   *time.Time `json:"revoked_at,omitempty"`
}

// DBTX is what the token functions need: a pool, a connection or a
// transaction, so callers decide the transaction.
type DBTX interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// ErrTokenNotFound is returned when revoking an unknown token id.
var ErrTokenNotFound = errors.New("token not found")

const tokenPrefix = "xb_"

const (
	sqlTokenInsert = `INSERT INTO api_tokens (name, role, institution, token_hash) VALUES ($1, $2, $3, $4)
RETURNING id, name, role, institution, created_at, last_used_at, revoked_at`
	sqlTokenByHash = `UPDATE api_tokens SET last_used_at = now()
WHERE token_hash = $1 AND revoked_at IS NULL
RETURNING id, name, role, institution, created_at, last_used_at, revoked_at`
	sqlTokenList   = `SELECT id, name, role, institution, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY id`
	sqlTokenRevoke = `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`
	sqlAuditInsert = `INSERT INTO audit_events (actor, action, subject_type, subject_id, from_state, to_state, detail)
VALUES ($1, $2, $3, $4, $5, $6, $7)`
)

func scanToken(row pgx.Row) (Token, error) {
	var t Token
	err := row.Scan(&t.ID, &t.Name, &t.Role, &t.Institution, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt)
	return t, err
}

// CreateToken stores a new token and returns its secret, which is shown once.
func CreateToken(ctx context.Context, db DBTX, name string, role Role, institution string) (string, Token, error) {
	name, institution = strings.TrimSpace(name), strings.TrimSpace(institution)
	if name == "" {
		return "", Token{}, errors.New("a token needs a name (--name)")
	}
	if _, err := ParseRole(string(role)); err != nil {
		return "", Token{}, err
	}
	if institution != "" && role != RoleHandler {
		return "", Token{}, errors.New("only handler tokens have an institution scope")
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", Token{}, err
	}
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	t, err := scanToken(db.QueryRow(ctx, sqlTokenInsert, name, role, institution, hashToken(secret)))
	if err != nil {
		return "", Token{}, fmt.Errorf("creating token: %w", err)
	}
	if err := Audit(ctx, db, "system", "token.create", "token", fmt.Sprint(t.ID), "", "active",
		map[string]any{"name": name, "role": role, "institution": institution}); err != nil {
		return "", Token{}, err
	}
	return secret, t, nil
}

// AuthenticateToken finds the live token for secret, or ErrTokenNotFound.
func AuthenticateToken(ctx context.Context, db DBTX, secret string) (Token, error) {
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 200 {
		return Token{}, ErrTokenNotFound
	}
	t, err := scanToken(db.QueryRow(ctx, sqlTokenByHash, hashToken(secret)))
	if errors.Is(err, pgx.ErrNoRows) {
		return Token{}, ErrTokenNotFound
	}
	if err != nil {
		return Token{}, fmt.Errorf("authenticating token: %w", err)
	}
	return t, nil
}

// ListTokens returns every token, revoked ones included.
func ListTokens(ctx context.Context, db DBTX) ([]Token, error) {
	rows, err := db.Query(ctx, sqlTokenList)
	if err != nil {
		return nil, fmt.Errorf("listing tokens: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Token, error) { return scanToken(r) })
}

// RevokeToken revokes a token by id; it takes effect on the next request.
func RevokeToken(ctx context.Context, db DBTX, id int64, actor string) error {
	tag, err := db.Exec(ctx, sqlTokenRevoke, id)
	if err != nil {
		return fmt.Errorf("revoking token: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrTokenNotFound
	}
	return Audit(ctx, db, actor, "token.revoke", "token", fmt.Sprint(id), "active", "revoked", nil)
}

// Audit appends an event to the audit log.
func Audit(ctx context.Context, db DBTX, actor, action, subjectType, subjectID, from, to string, detail map[string]any) error {
	if detail == nil {
		detail = map[string]any{}
	}
	if _, err := db.Exec(ctx, sqlAuditInsert, actor, action, subjectType, subjectID, from, to, detail); err != nil {
		return fmt.Errorf("writing audit event: %w", err)
	}
	return nil
}

func hashToken(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}
