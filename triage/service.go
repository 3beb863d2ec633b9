package triage

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DBTX is what the case functions need: a pool, a connection or a
// transaction, so the caller decides the transaction.
type DBTX interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// beginner is a DBTX that can start transactions: the pool, or in tests a
// transaction (whose Begin makes savepoints).
type beginner interface {
	DBTX
	Begin(ctx context.Context) (pgx.Tx, error)
}

// ServiceConfig configures a Service. Zero values take the documented defaults.
type ServiceConfig struct {
	// Pool is the database; required.
	Pool *pgxpool.Pool
	// Classifier classifies consumer text. Defaults to none: Classify then
	// returns an "other" classification that needs review.
	Classifier *Classifier
	// Logger receives operational logs, never personal data. Defaults to
	// slog.Default().
	Logger *slog.Logger
	// Deadlines is the legal clock; see DeadlineConfig for its defaults.
	Deadlines DeadlineConfig
	// Routing decides team and priority. Defaults to DefaultRouting().
	Routing *Routing
	// LargeAmountYuan is the large_amount threshold. Defaults to 50000.
	LargeAmountYuan float64
	// RepeatWindow is how far back a filing by the same phone, or the same
	// name at the same institution, makes a case a repeat. Defaults to 30 days.
	RepeatWindow time.Duration
	// AutoCloseAfter closes a resolved case nobody reopened. Defaults to 7 days.
	AutoCloseAfter time.Duration
	// TranscriptRetention is how long the chat transcript of a closed or
	// merged case is kept; the sweeper then empties it (data minimisation,
	// 个人信息保护法). The structured facts stay for the statutory record.
	// Defaults to 365 days.
	TranscriptRetention time.Duration
	// LookupMaxFailures is how many wrong phone suffixes a tracking number
	// tolerates per LookupWindow before lookups are refused. Defaults to 10.
	LookupMaxFailures int
	// LookupWindow is the period LookupMaxFailures counts. Defaults to 1h.
	LookupWindow time.Duration
	// Now is the clock. Defaults to time.Now.
	Now func() time.Time
}

func (c *ServiceConfig) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Routing == nil {
		c.Routing = DefaultRouting()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	c.LargeAmountYuan = cmp.Or(c.LargeAmountYuan, 50000)
	c.RepeatWindow = cmp.Or(c.RepeatWindow, 30*24*time.Hour)
	c.AutoCloseAfter = cmp.Or(c.AutoCloseAfter, 7*24*time.Hour)
	c.TranscriptRetention = cmp.Or(c.TranscriptRetention, 365*24*time.Hour)
	c.LookupMaxFailures = cmp.Or(c.LookupMaxFailures, 10)
	c.LookupWindow = cmp.Or(c.LookupWindow, time.Hour)
	c.Deadlines.setDefaults()
}

func (c *ServiceConfig) validate() error {
	if c.Pool == nil {
		return errors.New("triage: ServiceConfig.Pool is required")
	}
	if c.LargeAmountYuan <= 0 {
		return errors.New("triage: the large amount threshold must be positive")
	}
	if c.RepeatWindow < 0 || c.AutoCloseAfter < 0 || c.TranscriptRetention < 0 || c.LookupWindow < 0 || c.LookupMaxFailures < 0 {
		return errors.New("triage: windows and limits must not be negative")
	}
	return c.Deadlines.validate()
}

// Service files complaints and runs the handling queue: the chat files and
// looks up cases through it, the handler API works the queue through it.
// It is safe for concurrent use.
type Service struct {
	cfg  ServiceConfig
	pool *pgxpool.Pool // for dedicated LISTEN connections
	db   beginner      // for everything else
	log  *slog.Logger
	hub  *hub
}

// NewService checks cfg and returns a Service.
func NewService(cfg ServiceConfig) (*Service, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	s := &Service{cfg: cfg, pool: cfg.Pool, db: cfg.Pool, log: cfg.Logger}
	s.hub = newHub(s)
	return s, nil
}

// withDB returns a copy of s that runs its queries on db, which tests use
// to work inside a rolled-back transaction. Listening still uses the pool.
func (s *Service) withDB(db beginner) *Service {
	c := *s
	c.db = db
	c.hub = newHub(&c)
	return &c
}

// Classify runs the configured classifier on text written at now.
func (s *Service) Classify(ctx context.Context, text string, now time.Time) Classification {
	if s.cfg.Classifier == nil {
		return Classification{Intent: "complaint", Product: "other", Reason: "other",
			Flags: []string{}, Demands: []string{}, NeedsReview: true, Engine: "none"}
	}
	return s.cfg.Classifier.Classify(ctx, text, now)
}

// Deadlines returns the legal clock settings in force.
func (s *Service) Deadlines() DeadlineConfig { return s.cfg.Deadlines }

// Routing returns the routing table in force.
func (s *Service) Routing() *Routing { return s.cfg.Routing }

// Scope turns a handler's institution scope, however written, into the
// canonical institution name cases carry; "" stays "" (all institutions).
func (s *Service) Scope(institution string) string {
	if institution == "" {
		return ""
	}
	name, _ := s.cfg.Routing.Canonical(institution)
	return name
}

func (s *Service) now() time.Time { return s.cfg.Now() }

// tx runs fn in a transaction on the pool.
func (s *Service) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.db, fn)
}

// wrap adds context to err, leaving sentinel errors recognisable.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}
