package triage

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestConcurrentClaimsNeverDoubleClaim has 20 handlers drain one queue at
// once: every case is claimed exactly once and the audit trail agrees.
func TestConcurrentClaimsNeverDoubleClaim(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool, _ := newDBService(t)
	const cases, handlers = 120, 20
	for range cases {
		fileSample(t, s)
	}
	claimed := make([][]int64, handlers)
	var wg sync.WaitGroup
	for i := range handlers {
		wg.Go(func() {
			h := handler(fmt.Sprintf("h%02d", i), "")
			for {
				c, err := s.ClaimNext(ctx, h, "")
				if errors.Is(err, ErrQueueEmpty) {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				if c.Assignee != h.Name || c.Status != StatusClaimed {
					t.Errorf("claimed case %d has assignee %q status %s", c.ID, c.Assignee, c.Status)
				}
				claimed[i] = append(claimed[i], c.ID)
			}
		})
	}
	wg.Wait()
	seen := map[int64]int{}
	busy := 0
	for _, ids := range claimed {
		if len(ids) > 0 {
			busy++
		}
		for _, id := range ids {
			seen[id]++
		}
	}
	eq(t, len(seen), cases, "every case claimed")
	for id, n := range seen {
		eq(t, n, 1, "case %d claimed %d times", id, n)
	}
	isTrue(t, busy > 1, "work was spread over handlers (%d busy)", busy)
	eq(t, countRows(t, pool, `SELECT count(*) FROM case_events WHERE action = 'case.claim'`), cases)
	eq(t, countRows(t, pool, `SELECT count(*) FROM cases WHERE status <> 'claimed'`), 0)
}

func TestClaimOrderPriorityThenDeadline(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, clock := newTxService(t)
	inst := fmt.Sprintf("测试机构%d", time.Now().UnixNano()) // a scope of its own in the shared database
	h := handler("王芳", inst)
	normalOld := fileSample(t, s, func(in *CaseInput) { in.Institution = inst })
	clock.AddDays(1)
	normalNew := fileSample(t, s, func(in *CaseInput) { in.Institution = inst })
	urgent := fileSample(t, s, func(in *CaseInput) {
		in.Institution = inst
		in.Classification.Flags = []string{"crisis"}
	})
	big := 80000.0
	large := fileSample(t, s, func(in *CaseInput) { in.Institution, in.AmountYuan = inst, &big })

	var order []int64
	for {
		c, err := s.ClaimNext(ctx, h, "")
		if errors.Is(err, ErrQueueEmpty) {
			break
		}
		noErr(t, err)
		order = append(order, c.ID)
	}
	eq(t, order, []int64{urgent.ID, large.ID, normalOld.ID, normalNew.ID})
}

// TestScope checks that a handler of one institution can neither list,
// read nor act on another's cases, and gets "not found", never "forbidden".
func TestScope(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newTxService(t)
	instA := fmt.Sprintf("甲银行%d", time.Now().UnixNano())
	instB := instA + "乙"
	a := fileSample(t, s, func(in *CaseInput) { in.Institution = instA })
	handlerA, handlerB := handler("甲", instA), handler("乙", instB)
	supervisor := Actor{Name: "supervisor:丙"}

	list, err := s.List(ctx, handlerB, ListFilter{})
	noErr(t, err)
	for _, c := range list.Cases {
		isTrue(t, c.Institution == instB, "handler B listed a case of %s", c.Institution)
	}
	list, err = s.List(ctx, handlerA, ListFilter{})
	noErr(t, err)
	eq(t, list.Total, 1)
	eq(t, list.Cases[0].ID, a.ID)
	list, err = s.List(ctx, supervisor, ListFilter{Institution: instA})
	noErr(t, err)
	eq(t, list.Total, 1, "an unscoped actor sees every institution")

	_, err = s.Get(ctx, handlerB, a.TrackingNo)
	errIs(t, err, ErrNotFound)
	_, err = s.Get(ctx, handlerB, fmt.Sprint(a.ID))
	errIs(t, err, ErrNotFound)
	_, err = s.Events(ctx, handlerB, a.TrackingNo)
	errIs(t, err, ErrNotFound)
	_, err = s.Claim(ctx, handlerB, a.TrackingNo)
	errIs(t, err, ErrNotFound)
	_, err = s.ClaimNext(ctx, handlerB, "")
	errIs(t, err, ErrQueueEmpty)
	_, err = s.Reveal(ctx, handlerB, a.TrackingNo, "")
	errIs(t, err, ErrNotFound)
	_, err = s.Transfer(ctx, handlerB, a.TrackingNo, TransferInput{Institution: instB, Note: "抢过来"})
	errIs(t, err, ErrNotFound)

	_, err = s.Claim(ctx, handlerA, a.TrackingNo)
	noErr(t, err)
	for name, act := range map[string]func() error{
		"reply": func() error { _, err := s.Reply(ctx, handlerB, a.TrackingNo, "x"); return err },
		"ask":   func() error { _, err := s.Ask(ctx, handlerB, a.TrackingNo, "x"); return err },
		"extend": func() error {
			_, err := s.Extend(ctx, handlerB, a.TrackingNo, ExtendInput{Days: 1, Reason: "x"})
			return err
		},
		"resolve": func() error {
			_, err := s.Resolve(ctx, handlerB, a.TrackingNo, ResolveInput{Outcome: "other", Message: "x"})
			return err
		},
		"reclassify": func() error {
			_, err := s.Reclassify(ctx, handlerB, a.TrackingNo, ReclassifyInput{Product: "loan"})
			return err
		},
		"merge": func() error { _, err := s.MergeInto(ctx, handlerB, a.TrackingNo, "1"); return err },
		"note":  func() error { _, err := s.Note(ctx, handlerB, a.TrackingNo, "x"); return err },
	} {
		errIs(t, act(), ErrNotFound, name)
	}
	c, err := s.Get(ctx, handlerA, a.TrackingNo)
	noErr(t, err)
	eq(t, c.Status, StatusClaimed, "nothing changed")
}

func TestListFilters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, clock := newTxService(t)
	inst := fmt.Sprintf("筛选银行%d", time.Now().UnixNano())
	h := handler("王芳", inst)
	in := func(mod func(*CaseInput)) func(*CaseInput) {
		return func(ci *CaseInput) { ci.Institution = inst; mod(ci) }
	}
	phone := uniquePhone()
	card := fileSample(t, s, in(func(ci *CaseInput) { ci.Phone = phone }))
	loan := fileSample(t, s, in(func(ci *CaseInput) {
		ci.Classification.Product, ci.Classification.Reason = "loan", "collection"
		ci.Classification.Flags = []string{"vulnerable"}
		ci.Description = "催收电话100%打到我单位_领导都知道了"
	}))
	clock.AddDays(13) // card and loan are due in 2 days
	fresh := fileSample(t, s, in(func(ci *CaseInput) {}))

	ids := func(f ListFilter) []int64 {
		t.Helper()
		l, err := s.List(ctx, h, f)
		noErr(t, err)
		var out []int64
		for _, c := range l.Cases {
			out = append(out, c.ID)
		}
		return out
	}
	eq(t, ids(ListFilter{Product: "loan"}), []int64{loan.ID})
	eq(t, ids(ListFilter{Reason: "fees"}), []int64{card.ID, fresh.ID})
	eq(t, ids(ListFilter{Flag: "vulnerable"}), []int64{loan.ID})
	eq(t, ids(ListFilter{DueSoon: true}), []int64{loan.ID, card.ID})
	eq(t, ids(ListFilter{Overdue: true}), []int64(nil))
	eq(t, ids(ListFilter{Q: card.TrackingNo}), []int64{card.ID})
	eq(t, ids(ListFilter{Q: phone}), []int64{card.ID})
	eq(t, ids(ListFilter{Q: "100%"}), []int64{loan.ID}, "wildcards are literal")
	eq(t, ids(ListFilter{Q: "_"}), []int64{loan.ID})
	eq(t, ids(ListFilter{Status: "open", Limit: 1, Offset: 1}), []int64{card.ID})

	clock.AddDays(3)
	eq(t, ids(ListFilter{Overdue: true}), []int64{loan.ID, card.ID})
	l, err := s.List(ctx, h, ListFilter{Overdue: true})
	noErr(t, err)
	isTrue(t, l.Cases[0].Overdue && !l.Cases[0].DueSoon)
	isTrue(t, l.Cases[0].Phone != phone && l.Cases[1].Phone == "139****"+last4(phone), "phones are masked: %s", l.Cases[1].Phone)

	for _, bad := range []ListFilter{{Status: "lost"}, {Product: "x"}, {Reason: "x"}, {Flag: "x"}} {
		_, err := s.List(ctx, h, bad)
		errIs(t, err, ErrInvalidInput, "%+v", bad)
	}
}
