package triage

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
)

// Input limits. They are generous for people and stop abuse; anything over
// is refused with a message that says which field.
const (
	maxNameRunes        = 50
	maxDescriptionRunes = 20000
	maxShortTextRunes   = 2000
	maxInstitutionRunes = 100
	maxTranscriptLines  = 500
	maxTranscriptRunes  = 4000
	maxKeyLen           = 200
)

// File files a complaint in one transaction: the case (which is also its
// queue entry), its first audit event and the new-case notification. The
// same IdempotencyKey always returns the same case, also when two filings
// race, so a retried or double-clicked confirm never files twice.
func (s *Service) File(ctx context.Context, in CaseInput) (Case, error) {
	in, err := s.normalizeInput(in)
	if err != nil {
		return Case{}, err
	}
	now := s.now()
	var out Case
	err = s.tx(ctx, func(tx pgx.Tx) error {
		c, err := s.fileTx(ctx, tx, in, now)
		out = c
		return err
	})
	if err != nil {
		return Case{}, wrap("filing complaint", err)
	}
	return out, nil
}

func (s *Service) fileTx(ctx context.Context, tx pgx.Tx, in CaseInput, now time.Time) (Case, error) {
	cl := in.Classification
	institution, _ := s.cfg.Routing.Canonical(in.Institution)

	var repeat bool
	var duplicateOf *int64
	err := tx.QueryRow(ctx, sqlCaseHistory, pgx.NamedArgs{
		"repeat_since": now.Add(-s.cfg.RepeatWindow), "now": now,
		"phone": in.Phone, "name": in.Name, "institution": institution, "product": cl.Product,
	}).Scan(&repeat, &duplicateOf)
	if err != nil {
		return Case{}, fmt.Errorf("checking earlier complaints: %w", err)
	}

	flags := s.caseFlags(cl.Flags, in.AmountYuan, repeat, in.Handoff)
	route := s.cfg.Routing.Route(institution, cl.Product, flags)
	days := s.cfg.Deadlines.Days
	deadline := s.cfg.Deadlines.Deadline(Clock{StartedAt: now, Days: days})

	var key *string
	if in.IdempotencyKey != "" {
		key = &in.IdempotencyKey
	}
	args := pgx.NamedArgs{
		"idempotency_key": key, "session_id": in.SessionID, "channel": in.Channel,
		"name": in.Name, "phone": in.Phone, "institution": route.Institution, "institution_raw": in.Institution,
		"request": in.Request, "description": in.Description, "basis": in.Basis,
		"occurred_at": in.OccurredAt, "amount_yuan": in.AmountYuan, "demands": in.Demands,
		"transcript": in.Transcript,
		"intent":     cl.Intent, "product": cl.Product, "product_confidence": cl.ProductConfidence,
		"reason": cl.Reason, "reason_confidence": cl.ReasonConfidence, "engine": cl.Engine,
		"needs_review": cl.NeedsReview || in.Handoff, "flags": flags,
		"team": route.Team, "priority": route.Priority, "duplicate_of": duplicateOf,
		"deadline_days": days, "deadline_at": deadline, "now": now,
	}
	var c Case
	for attempt := 0; ; attempt++ {
		no, err := newTrackingNo(now, 4+attempt/8)
		if err != nil {
			return Case{}, err
		}
		args["tracking_no"] = no
		c, err = collectCase(tx.Query(ctx, sqlCaseInsert, args))
		if err == nil {
			break
		}
		if !errors.Is(err, ErrNotFound) {
			return Case{}, fmt.Errorf("inserting case: %w", err)
		}
		// Nothing inserted: either this key was filed before (return that
		// case; a concurrent filer has committed by now, the unique index
		// made us wait for it) or the random tracking number was taken.
		if key != nil {
			prev, err := collectCase(tx.Query(ctx, sqlCaseByKey, *key))
			if err == nil {
				return prev, nil
			}
			if !errors.Is(err, ErrNotFound) {
				return Case{}, err
			}
		}
		if attempt >= 32 {
			return Case{}, errors.New("could not find a free tracking number")
		}
	}

	actor := "consumer"
	if in.Channel == ChannelAPI {
		actor = "api"
	}
	detail := map[string]any{
		"channel": in.Channel, "team": c.Team, "priority": c.Priority, "flags": c.Flags,
		"rules": route.Rules, "product": c.Product, "reason": c.Reason,
	}
	if duplicateOf != nil {
		detail["duplicate_of"] = *duplicateOf
	}
	ev, err := json.Marshal(NewCaseEvent{ID: c.ID, TrackingNo: c.TrackingNo, Institution: c.Institution,
		Team: c.Team, Priority: c.Priority, Flags: c.Flags, DeadlineAt: c.DeadlineAt})
	if err != nil {
		return Case{}, err
	}
	// The audit event and the notification share a round trip: filing is
	// the hot path (the benchmark target is 300 cases/s).
	if _, err := tx.Exec(ctx, sqlFileRecord, c.ID, actor, "case."+ActionFile, StatusNew, detail, now,
		ChannelNewCase, string(ev)); err != nil {
		return Case{}, fmt.Errorf("recording filing: %w", err)
	}
	return c, nil
}

// caseFlags combines the classifier's flags with those the service owns:
// large_amount from the configured threshold, repeat from the database and
// handoff from the consumer's request. The order follows the taxonomy.
func (s *Service) caseFlags(fromModel []string, amount *float64, repeat, handoff bool) []string {
	set := map[string]bool{}
	for _, f := range fromModel {
		switch f {
		case "large_amount", "repeat", "handoff":
		default:
			set[f] = true
		}
	}
	set["large_amount"] = amount != nil && *amount >= s.cfg.LargeAmountYuan
	set["repeat"] = repeat
	set["handoff"] = handoff
	out := []string{}
	for _, f := range Flags {
		if set[f.Code] {
			out = append(out, f.Code)
		}
	}
	return out
}

// newTrackingNo returns TSYYYYMMDD-NNNN with digits random digits (crypto
// random, so numbers filed the same day cannot be listed by counting).
func newTrackingNo(now time.Time, digits int) (string, error) {
	digits = min(digits, 8)
	n, err := rand.Int(rand.Reader, big.NewInt(int64(math.Pow10(digits))))
	if err != nil {
		return "", fmt.Errorf("drawing tracking number: %w", err)
	}
	return fmt.Sprintf("TS%s-%0*d", now.In(ChinaTime).Format("20060102"), digits, n.Int64()), nil
}

// normalizeInput validates and cleans a filing. Missing facts fall back to
// what the classifier extracted from the story.
func (s *Service) normalizeInput(in CaseInput) (CaseInput, error) {
	in.Channel = strings.TrimSpace(in.Channel)
	if in.Channel == "" {
		in.Channel = ChannelChat
	}
	if in.Channel != ChannelChat && in.Channel != ChannelAPI {
		return in, invalidf("channel 只能是 chat 或 api")
	}
	in.IdempotencyKey = strings.TrimSpace(in.IdempotencyKey)
	if len(in.IdempotencyKey) > maxKeyLen {
		return in, invalidf("幂等键过长（最多 %d 个字符）", maxKeyLen)
	}
	in.SessionID = sanitizeText(in.SessionID)
	if len(in.SessionID) > maxKeyLen {
		return in, invalidf("会话编号过长")
	}
	// A consumer who asks for a person may not have given a name or phone
	// yet; the handler then answers through the chat session.
	contactOptional := in.Handoff && in.SessionID != ""
	var err error
	if in.Name, err = limitText("姓名", in.Name, maxNameRunes, !contactOptional); err != nil {
		return in, err
	}
	if !contactOptional || strings.TrimSpace(in.Phone) != "" {
		if in.Phone, err = NormalizePhone(in.Phone); err != nil {
			return in, err
		}
	}
	if in.Description, err = limitText("投诉事实", in.Description, maxDescriptionRunes, true); err != nil {
		return in, err
	}
	if in.Request, err = limitText("投诉请求", in.Request, maxShortTextRunes, false); err != nil {
		return in, err
	}
	if in.Basis, err = limitText("相关依据", in.Basis, maxShortTextRunes, false); err != nil {
		return in, err
	}
	cl := in.Classification
	if strings.TrimSpace(in.Institution) == "" {
		in.Institution = cl.Institution
	}
	if in.Institution, err = limitText("被投诉机构", in.Institution, maxInstitutionRunes, false); err != nil {
		return in, err
	}
	if in.AmountYuan == nil {
		in.AmountYuan = cl.AmountYuan
	}
	if a := in.AmountYuan; a != nil && (math.IsNaN(*a) || math.IsInf(*a, 0) || *a < 0 || *a >= 1e15) {
		return in, invalidf("金额不正确")
	}
	if in.OccurredAt == nil {
		in.OccurredAt = cl.OccurredAt
	}
	if len(in.Demands) == 0 {
		in.Demands = cl.Demands
	}
	in.Demands = validCodes(Demands, in.Demands)
	if len(in.Transcript) > maxTranscriptLines {
		in.Transcript = in.Transcript[len(in.Transcript)-maxTranscriptLines:]
	}
	lines := make([]TranscriptLine, 0, len(in.Transcript))
	for _, l := range in.Transcript {
		switch l.Role {
		case "consumer", "bot", "handler":
		default:
			return in, invalidf("对话记录的角色 %q 无效（应为 consumer、bot 或 handler）", l.Role)
		}
		l.Text = truncateText(sanitizeText(l.Text), maxTranscriptRunes)
		lines = append(lines, l)
	}
	in.Transcript = lines

	// The classification is stored as given, but only with taxonomy codes:
	// anything else becomes "other" and the case needs a person's review.
	if cl.Intent == "" || !Valid(Intents, cl.Intent) {
		cl.Intent = "complaint"
	}
	if !Valid(Products, cl.Product) {
		cl.Product, cl.ProductConfidence, cl.NeedsReview = "other", 0, true
	}
	if !Valid(Reasons, cl.Reason) {
		cl.Reason, cl.ReasonConfidence, cl.NeedsReview = "other", 0, true
	}
	cl.ProductConfidence = clamp01(cl.ProductConfidence)
	cl.ReasonConfidence = clamp01(cl.ReasonConfidence)
	cl.Flags = validCodes(Flags, cl.Flags)
	in.Classification = cl
	return in, nil
}

// NormalizePhone reduces a phone number to its digits (dropping a +86
// prefix and separators) and checks it is a plausible mainland number.
func NormalizePhone(p string) (string, error) {
	var b strings.Builder
	for _, r := range p {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		}
	}
	d := b.String()
	if len(d) == 13 && strings.HasPrefix(d, "86") && d[2] == '1' {
		d = d[2:]
	}
	if len(d) < 7 || len(d) > 15 {
		return "", invalidf("请填写正确的联系电话")
	}
	if len(d) == 11 && d[0] == '1' && (d[1] < '3' || d[1] > '9') {
		return "", invalidf("请填写正确的手机号码")
	}
	return d, nil
}

// sanitizeText drops what PostgreSQL cannot store (NUL, invalid UTF-8) and
// surrounding space.
func sanitizeText(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\x00", "")
	return strings.TrimSpace(s)
}

func limitText(field, s string, maxRunes int, required bool) (string, error) {
	s = sanitizeText(s)
	if required && s == "" {
		return "", invalidf("请填写%s", field)
	}
	if utf8.RuneCountInString(s) > maxRunes {
		return "", invalidf("%s太长（最多 %d 个字）", field, maxRunes)
	}
	return s, nil
}

func truncateText(s string, maxRunes int) string {
	if utf8.RuneCountInString(s) <= maxRunes {
		return s
	}
	return string([]rune(s)[:maxRunes])
}

// validCodes keeps the codes of list that appear in codes, once each, in
// the list's order. It never returns nil: the columns are NOT NULL arrays.
func validCodes(list []Code, codes []string) []string {
	out := []string{}
	for _, c := range list {
		if slices.Contains(codes, c.Code) {
			out = append(out, c.Code)
		}
	}
	return out
}

func clamp01(f float64) float64 {
	if math.IsNaN(f) || f < 0 {
		return 0
	}
	return min(f, 1)
}

// collectCase reads exactly one case from rows; no row is ErrNotFound.
func collectCase(rows pgx.Rows, err error) (Case, error) {
	if err != nil {
		return Case{}, err
	}
	c, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Case])
	return c, interpretError(err)
}
