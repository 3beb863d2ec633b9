package triage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/xiaobao-cn/xiaobao/pii"
)

// ListFilter selects cases for a handler list. Empty fields do not filter.
type ListFilter struct {
	// Status is a status code, or "open" for every state awaiting a decision.
	Status      string
	Product     string
	Reason      string
	Flag        string
	Team        string
	Institution string
	Assignee    string
	// Q matches a tracking number, a phone number, the exact name or text
	// in the facts.
	Q           string
	Overdue     bool
	DueSoon     bool
	NeedsReview bool
	// Limit defaults to 50 and is at most 200.
	Limit  int
	Offset int
}

// CaseSummary is one row of a handler list, masked.
type CaseSummary struct {
	ID          int64     `json:"id" db:"id"`
	TrackingNo  string    `json:"tracking_no" db:"tracking_no"`
	Status      string    `json:"status" db:"status"`
	StatusName  string    `json:"status_name" db:"-"`
	Product     string    `json:"product" db:"product"`
	ProductName string    `json:"product_name" db:"-"`
	Reason      string    `json:"reason" db:"reason"`
	ReasonName  string    `json:"reason_name" db:"-"`
	Flags       []string  `json:"flags" db:"flags"`
	Institution string    `json:"institution" db:"institution"`
	Team        string    `json:"team" db:"team"`
	Priority    int       `json:"priority" db:"priority"`
	Assignee    string    `json:"assignee,omitempty" db:"assignee"`
	Name        string    `json:"name" db:"name"`
	Phone       string    `json:"phone" db:"phone"`
	Summary     string    `json:"summary" db:"description"`
	AmountYuan  *float64  `json:"amount_yuan,omitempty" db:"amount_yuan"`
	NeedsReview bool      `json:"needs_review" db:"needs_review"`
	Paused      bool      `json:"paused" db:"paused"`
	DeadlineAt  time.Time `json:"deadline_at" db:"deadline_at"`
	DueSoon     bool      `json:"due_soon" db:"due_soon"`
	Overdue     bool      `json:"overdue" db:"overdue"`
	CreatedAt   time.Time `json:"created_at" db:"created_at"`
}

// CaseList is a page of cases and the total that match.
type CaseList struct {
	Cases  []CaseSummary `json:"cases"`
	Total  int           `json:"total"`
	Limit  int           `json:"limit"`
	Offset int           `json:"offset"`
}

const summaryRunes = 120

// List returns a masked page of the cases in the actor's scope.
func (s *Service) List(ctx context.Context, actor Actor, f ListFilter) (CaseList, error) {
	if err := f.validate(); err != nil {
		return CaseList{}, err
	}
	f.Limit = min(max(f.Limit, 0), 200)
	if f.Limit == 0 {
		f.Limit = 50
	}
	f.Offset = max(f.Offset, 0)
	now := s.now()
	q := strings.TrimSpace(f.Q)
	tracking, _ := parseTrackingNo(q)
	digits, err := NormalizePhone(q)
	if err != nil {
		digits = ""
	}
	institution := ""
	if f.Institution != "" {
		institution = s.Scope(f.Institution)
	}
	args := pgx.NamedArgs{
		"scope": s.Scope(actor.Institution), "institution": institution, "status": f.Status,
		"open": openStatuses, "product": f.Product, "reason": f.Reason, "flag": f.Flag, "team": f.Team,
		"assignee": f.Assignee, "needs_review": f.NeedsReview, "overdue": f.Overdue, "due_soon": f.DueSoon,
		"now": now, "soon": now.Add(s.cfg.Deadlines.DueSoon),
		"q": q, "q_tracking": tracking, "q_digits": digits, "q_like": "%" + escapeLike(q) + "%",
		"limit": f.Limit, "offset": f.Offset,
	}
	out := CaseList{Limit: f.Limit, Offset: f.Offset}
	if err := s.db.QueryRow(ctx, sqlCaseCount, args).Scan(&out.Total); err != nil {
		return CaseList{}, fmt.Errorf("counting cases: %w", err)
	}
	rows, err := s.db.Query(ctx, sqlCaseList, args)
	if err != nil {
		return CaseList{}, fmt.Errorf("listing cases: %w", err)
	}
	out.Cases, err = pgx.CollectRows(rows, pgx.RowToStructByName[CaseSummary])
	if err != nil {
		return CaseList{}, fmt.Errorf("listing cases: %w", err)
	}
	for i := range out.Cases {
		c := &out.Cases[i]
		c.StatusName, c.ProductName, c.ReasonName = StatusName(c.Status), NameOf(Products, c.Product), NameOf(Reasons, c.Reason)
		c.Name, c.Phone = MaskName(c.Name), pii.MaskPhone(c.Phone)
		// Mask before cutting: a cut could leave half a phone number unmasked.
		c.Summary = truncateText(pii.Mask(c.Summary), summaryRunes)
	}
	return out, nil
}

func (f ListFilter) validate() error {
	switch {
	case f.Status != "" && f.Status != "open" && !Valid(Statuses, f.Status):
		return invalidf("未知的状态 %q", f.Status)
	case f.Product != "" && !Valid(Products, f.Product):
		return invalidf("未知的业务类别 %q", f.Product)
	case f.Reason != "" && !Valid(Reasons, f.Reason):
		return invalidf("未知的投诉原因 %q", f.Reason)
	case f.Flag != "" && !Valid(Flags, f.Flag):
		return invalidf("未知的标记 %q", f.Flag)
	case len(f.Q) > 200:
		return invalidf("搜索内容太长")
	}
	return nil
}

// escapeLike escapes LIKE wildcards so a search for "100%" means it.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
