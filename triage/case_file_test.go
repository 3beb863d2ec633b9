package triage

import (
	"context"
	"regexp"
	"sync"
	"testing"
	"time"
)

var trackingNoPattern = regexp.MustCompile(`^TS\d{8}-\d{4,8}$`)

func TestFileAndLookup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newTxService(t)
	phone := uniquePhone()
	c, err := s.File(ctx, sampleInput(phone))
	noErr(t, err)

	isTrue(t, trackingNoPattern.MatchString(c.TrackingNo), c.TrackingNo)
	eq(t, "TS20260302-", c.TrackingNo[:11], "the date part is the filing day in China")
	eq(t, StatusNew, c.Status)
	eq(t, "招商银行", c.Institution, "alias normalised by routing")
	eq(t, "招行", c.InstitutionRaw)
	eq(t, "bank-cmb", c.Team)
	eq(t, 3, c.Priority)
	eq(t, phone, c.Phone, "the full phone is stored for the handler")
	eq(t, []string{"refund"}, c.Demands)
	eq(t, len(c.Transcript), 2)
	eq(t, "credit_card", c.Product)
	isTrue(t, c.ProductConfidence > 0.929 && c.ProductConfidence < 0.931, c.ProductConfidence)
	// 15 calendar days from the day after receipt: 2 March → 17 March, end of day.
	eqTime(t, time.Date(2026, 3, 17, 23, 59, 59, 0, ChinaTime), c.DeadlineAt)
	eq(t, 1, countRows(t, s.db, `SELECT count(*) FROM case_events WHERE case_id = $1 AND action = 'case.file'`, c.ID))

	st, err := s.Lookup(ctx, c.TrackingNo, last4(phone))
	noErr(t, err)
	eq(t, CaseStatus{TrackingNo: c.TrackingNo, Status: StatusNew, StatusName: "已受理，待处理",
		DeadlineAt: c.DeadlineAt, Product: "credit_card", Institution: "招商银行"}, st)

	// People type tracking numbers loosely.
	_, err = s.Lookup(ctx, " ts"+c.TrackingNo[2:10]+c.TrackingNo[11:]+" ", last4(phone))
	noErr(t, err)

	for name, try := range map[string][2]string{
		"wrong suffix":     {c.TrackingNo, "0000"},
		"suffix too short": {c.TrackingNo, last4(phone)[1:]},
		"unknown number":   {"TS20260302-0000000", last4(phone)},
		"garbage":          {"'; DROP TABLE cases; --", last4(phone)},
		"empty":            {"", ""},
	} {
		_, err := s.Lookup(ctx, try[0], try[1])
		errIs(t, err, ErrNotFound, name)
	}
}

func TestFileIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newTxService(t)
	in := sampleInput(uniquePhone())
	in.IdempotencyKey = "sess-1#confirm"
	first, err := s.File(ctx, in)
	noErr(t, err)
	in.Description = "a retry must not change or duplicate the case"
	second, err := s.File(ctx, in)
	noErr(t, err)
	eq(t, first.ID, second.ID)
	eq(t, first.TrackingNo, second.TrackingNo)
	eq(t, first.Description, second.Description)
	eq(t, 1, countRows(t, s.db, `SELECT count(*) FROM cases WHERE idempotency_key = $1`, in.IdempotencyKey))
	eq(t, 1, countRows(t, s.db, `SELECT count(*) FROM case_events WHERE case_id = $1`, first.ID))

	// No key: every filing is its own case.
	in.IdempotencyKey = ""
	a, err := s.File(ctx, in)
	noErr(t, err)
	b, err := s.File(ctx, in)
	noErr(t, err)
	isTrue(t, a.ID != b.ID)
}

func TestFileConcurrentSameKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool, _ := newDBService(t)
	in := sampleInput(uniquePhone())
	in.IdempotencyKey = "double-click"
	const n = 12
	ids := make([]int64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			c, err := s.File(ctx, in)
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = c.ID
		})
	}
	wg.Wait()
	for _, id := range ids {
		eq(t, ids[0], id)
	}
	eq(t, 1, countRows(t, pool, `SELECT count(*) FROM cases`))
}

func TestFileValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newTxService(t)
	long := make([]rune, maxDescriptionRunes+1)
	for i := range long {
		long[i] = '字'
	}
	for name, mod := range map[string]func(*CaseInput){
		"no phone":          func(in *CaseInput) { in.Phone = "" },
		"bad phone":         func(in *CaseInput) { in.Phone = "12345" },
		"landline-ish junk": func(in *CaseInput) { in.Phone = "10012345678" },
		"no name":           func(in *CaseInput) { in.Name = "  " },
		"no description":    func(in *CaseInput) { in.Description = "\x00 " },
		"huge description":  func(in *CaseInput) { in.Description = string(long) },
		"bad channel":       func(in *CaseInput) { in.Channel = "fax" },
		"negative amount":   func(in *CaseInput) { a := -1.0; in.AmountYuan = &a },
		"bad role":          func(in *CaseInput) { in.Transcript = []TranscriptLine{{Role: "assistant", Text: "hi"}} },
	} {
		in := sampleInput(uniquePhone())
		mod(&in)
		_, err := s.File(ctx, in)
		errIs(t, err, ErrInvalidInput, name)
	}

	// Messy but valid input is cleaned, not refused.
	in := sampleInput("+86 138-0013-8000")
	in.Description = "扣款\x00两次\xff了"
	in.Classification.Product = "not-a-product"
	in.Demands = []string{"refund", "refund", "bogus"}
	c, err := s.File(ctx, in)
	noErr(t, err)
	eq(t, "13800138000", c.Phone)
	eq(t, "扣款两次了", c.Description)
	eq(t, "other", c.Product)
	isTrue(t, c.NeedsReview, "an invalid label needs a person")
	eq(t, []string{"refund"}, c.Demands)

	// A handoff from a chat session may come before name and phone.
	in = sampleInput("")
	in.Name, in.Handoff, in.SessionID = "", true, "sess-handoff"
	c, err = s.File(ctx, in)
	noErr(t, err)
	isTrue(t, c.HasFlag("handoff"))
	isTrue(t, c.NeedsReview)
	eq(t, 2, c.Priority, "handoff raises priority")
}

func TestFileFlagsAndRouting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, clock := newTxService(t, func(c *ServiceConfig) { c.LargeAmountYuan = 50000 })

	big := 50000.0
	c := fileSample(t, s, func(in *CaseInput) { in.AmountYuan = &big })
	eq(t, []string{"large_amount"}, c.Flags)
	eq(t, 2, c.Priority)

	// The model's large_amount is recomputed from the amount.
	small := 49999.99
	c = fileSample(t, s, func(in *CaseInput) {
		in.AmountYuan = &small
		in.Classification.Flags = []string{"large_amount", "vulnerable", "repeat"}
	})
	eq(t, []string{"vulnerable"}, c.Flags)

	// Fraud in progress goes to the urgent team first, whatever the institution.
	c = fileSample(t, s, func(in *CaseInput) { in.Classification.Flags = []string{"fraud_in_progress"} })
	eq(t, "urgent", c.Team)
	eq(t, 1, c.Priority)

	// Unknown institutions are kept as written and go to triage.
	c = fileSample(t, s, func(in *CaseInput) { in.Institution = "某某小额贷款公司" })
	eq(t, "某某小额贷款公司", c.Institution)
	eq(t, "triage", c.Team)

	// Missing facts come from the classifier's extraction.
	amt := 1200.0
	c = fileSample(t, s, func(in *CaseInput) {
		in.Institution, in.AmountYuan, in.Demands = "", nil, nil
		in.Classification.Institution, in.Classification.AmountYuan = "中国工商银行", &amt
		in.Classification.Demands = []string{"compensation"}
	})
	eq(t, "中国工商银行", c.Institution)
	eq(t, "bank-icbc", c.Team)
	eq(t, 1200.0, *c.AmountYuan)
	eq(t, []string{"compensation"}, c.Demands)

	// Repeat: same phone within 30 days, whatever the institution.
	phone := uniquePhone()
	first, err := s.File(ctx, sampleInput(phone))
	noErr(t, err)
	isTrue(t, !first.HasFlag("repeat"))
	other := sampleInput(phone)
	other.Institution = "中国建设银行"
	clock.AddDays(29)
	second, err := s.File(ctx, other)
	noErr(t, err)
	isTrue(t, second.HasFlag("repeat"))

	// Same name and institution with another phone is a repeat too.
	byName := sampleInput(uniquePhone())
	byName.Name, byName.Institution = "李四", "中国建设银行"
	prev := sampleInput(uniquePhone())
	prev.Name, prev.Institution = "李四", "建行"
	_, err = s.File(ctx, prev)
	noErr(t, err)
	third, err := s.File(ctx, byName)
	noErr(t, err)
	isTrue(t, third.HasFlag("repeat"))

	// After 30 days it is a new complaint.
	clock.AddDays(31)
	fourth, err := s.File(ctx, sampleInput(phone))
	noErr(t, err)
	isTrue(t, !fourth.HasFlag("repeat"))
}

func TestFileMarksDuplicateOfOpenCase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newTxService(t)
	phone := uniquePhone()
	first, err := s.File(ctx, sampleInput(phone))
	noErr(t, err)
	isTrue(t, first.DuplicateOf == nil)
	again, err := s.File(ctx, sampleInput(phone))
	noErr(t, err)
	isTrue(t, again.DuplicateOf != nil)
	eq(t, first.ID, *again.DuplicateOf)
	isTrue(t, again.HasFlag("repeat"))
}

func TestTrackingNumbersAreRandom(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 50 {
		no, err := newTrackingNo(testStart, 4)
		noErr(t, err)
		isTrue(t, trackingNoPattern.MatchString(no), no)
		seen[no] = true
	}
	// 50 draws from 10,000 collide rarely; a counter would give 50 in a row.
	isTrue(t, len(seen) > 40, len(seen))
	no, err := newTrackingNo(testStart, 12)
	noErr(t, err)
	eq(t, len(no), len("TS20260302-")+8, "digits are capped at 8")
}

func TestParseTrackingNo(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"TS20260302-1234": "TS20260302-1234",
		"ts20260302 1234": "TS20260302-1234",
		"ＴＳ２０２６０３０２－１２３４":    "TS20260302-1234",
		"TS2026030212345678": "TS20260302-12345678",
	} {
		got, ok := parseTrackingNo(in)
		isTrue(t, ok, in)
		eq(t, want, got)
	}
	for _, in := range []string{"", "TS2026", "XX20260302-1234", "TS20260302-12a4", "TS20260302-123456789"} {
		_, ok := parseTrackingNo(in)
		isTrue(t, !ok, in)
	}
}
