package triage

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestHandlingLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, clock := newTxService(t)
	h := handler("王芳", "招商银行")
	phone := uniquePhone()
	c, err := s.File(ctx, sampleInput(phone))
	noErr(t, err)
	filedAt := clock.Now()
	clock.Add(time.Minute)

	// Acting before claiming is refused; claiming tells the consumer.
	_, err = s.Reply(ctx, h, c.TrackingNo, "您好")
	errIs(t, err, ErrNotAssignee)
	c, err = s.Claim(ctx, h, c.TrackingNo)
	noErr(t, err)
	eq(t, c.Status, StatusClaimed)
	eq(t, c.Assignee, h.Name)
	again, err := s.Claim(ctx, h, c.TrackingNo)
	noErr(t, err, "re-claiming one's own case is a no-op")
	eq(t, again.ID, c.ID)
	_, err = s.Claim(ctx, handler("李雷", "招商银行"), c.TrackingNo)
	errIs(t, err, ErrAlreadyClaimed)
	_, err = s.Reply(ctx, handler("李雷", "招商银行"), c.TrackingNo, "我来")
	errIs(t, err, ErrAlreadyClaimed, "only the assignee acts")

	clock.Add(time.Hour)
	c, err = s.Reply(ctx, h, c.TrackingNo, "您好，我们已收到您的投诉，正在核实年费收取情况。")
	noErr(t, err)
	eq(t, c.Status, StatusInProgress)

	clock.Add(time.Hour)
	c, err = s.Ask(ctx, h, c.TrackingNo, "请提供办卡时的宣传材料或短信截图。")
	noErr(t, err)
	eq(t, c.Status, StatusAwaitingConsumer)
	st, err := s.Lookup(ctx, c.TrackingNo, last4(phone))
	noErr(t, err)
	eq(t, st.Status, StatusAwaitingConsumer)
	eq(t, st.LatestMessage, "请提供办卡时的宣传材料或短信截图。")

	// The consumer answers; a wrong suffix is refused.
	errIs(t, s.ConsumerReply(ctx, c.TrackingNo, "0000", "截图在这"), ErrNotFound)
	clock.Add(time.Hour)
	noErr(t, s.ConsumerReply(ctx, c.TrackingNo, last4(phone), "短信说刷满6次免年费，我刷了3次。"))
	c, err = s.Get(ctx, h, c.TrackingNo)
	noErr(t, err)
	eq(t, c.Status, StatusInProgress)

	// Extensions need a reason, stay within the budget and tell the consumer.
	_, err = s.Extend(ctx, h, c.TrackingNo, ExtendInput{Complex: true})
	errIs(t, err, ErrInvalidInput, "no reason")
	c, err = s.Extend(ctx, h, c.TrackingNo, ExtendInput{Complex: true, Reason: "需调取办卡录音核实", ApprovedBy: "张主任"})
	noErr(t, err)
	eq(t, c.Status, StatusExtended)
	eqTime(t, c.DeadlineAt, s.cfg.Deadlines.Deadline(Clock{StartedAt: filedAt, Days: 30}), "complex: 30 days")
	c, err = s.Extend(ctx, h, c.TrackingNo, ExtendInput{Days: 30, Reason: "情况特别复杂"})
	noErr(t, err)
	eqTime(t, c.DeadlineAt, s.cfg.Deadlines.Deadline(Clock{StartedAt: filedAt, Days: 30, ExtensionDays: 30}))
	_, err = s.Extend(ctx, h, c.TrackingNo, ExtendInput{Days: 1, Reason: "还要再延"})
	errIs(t, err, ErrExtensionExhausted)
	st, err = s.Lookup(ctx, c.TrackingNo, last4(phone))
	noErr(t, err)
	isTrue(t, strings.Contains(st.LatestMessage, "情况特别复杂") && strings.Contains(st.LatestMessage, chineseDate(c.DeadlineAt)),
		"the consumer is told the reason and the new deadline: %q", st.LatestMessage)

	// External appraisal stops the clock; the paused days extend the deadline.
	c, err = s.PauseClock(ctx, h, c.TrackingNo, "需第三方鉴定签名真伪")
	noErr(t, err)
	isTrue(t, c.PausedAt != nil)
	_, err = s.PauseClock(ctx, h, c.TrackingNo, "again")
	errIs(t, err, ErrInvalidInput, "already paused")
	clock.AddDays(10)
	c, err = s.ResumeClock(ctx, h, c.TrackingNo)
	noErr(t, err)
	eq(t, c.PausedDays, 10)
	eqTime(t, c.DeadlineAt, s.cfg.Deadlines.Deadline(Clock{StartedAt: filedAt, Days: 30, ExtensionDays: 30, PausedDays: 10}))

	// New facts restart the period from today.
	c, err = s.RestartClock(ctx, h, c.TrackingNo, "消费者补充了新的通话录音")
	noErr(t, err)
	eq(t, c.PausedDays, 0)
	eqTime(t, c.DeadlineAt, s.cfg.Deadlines.Deadline(Clock{StartedAt: clock.Now(), Days: 30, ExtensionDays: 30}))

	// The decision carries the outcome and the remedies (第十九条).
	_, err = s.Resolve(ctx, h, c.TrackingNo, ResolveInput{Outcome: "打钱", Message: "x"})
	errIs(t, err, ErrInvalidInput)
	c, err = s.Resolve(ctx, h, c.TrackingNo, ResolveInput{Outcome: "refund", Message: "经核实，已退还年费300元。"})
	noErr(t, err)
	eq(t, c.Status, StatusResolved)
	eq(t, c.Outcome, "refund")
	st, err = s.Lookup(ctx, c.TrackingNo, last4(phone))
	noErr(t, err)
	isTrue(t, strings.Contains(st.LatestMessage, "退费") && strings.Contains(st.LatestMessage, "申请核查"), st.LatestMessage)
	isTrue(t, st.CanRate)

	// Rating: 1–5, only after a decision, replaceable.
	errIs(t, s.Rate(ctx, c.TrackingNo, last4(phone), 6, ""), ErrInvalidInput)
	errIs(t, s.Rate(ctx, c.TrackingNo, "0000", 5, ""), ErrNotFound)
	noErr(t, s.Rate(ctx, c.TrackingNo, last4(phone), 4, "还行"))
	noErr(t, s.Rate(ctx, c.TrackingNo, last4(phone), 5, "退了，满意"))
	eq(t, countRows(t, s.db, `SELECT score FROM case_ratings WHERE case_id = $1`, c.ID), 5)
	st, err = s.Lookup(ctx, c.TrackingNo, last4(phone))
	noErr(t, err)
	isTrue(t, !st.CanRate, "already rated")

	clock.Add(time.Minute)
	c, err = s.Close(ctx, h, c.TrackingNo)
	noErr(t, err)
	eq(t, c.Status, StatusClosed)

	// The chat can replay everything the consumer was told, in order.
	updates, err := s.MessagesForSession(ctx, c.SessionID, filedAt)
	noErr(t, err)
	var statuses []string
	for _, u := range updates {
		eq(t, u.TrackingNo, c.TrackingNo)
		statuses = append(statuses, u.Status)
	}
	eq(t, statuses, []string{"claimed", "in_progress", "awaiting_consumer", "extended", "extended",
		"extended", "extended", "extended", "resolved", "closed"})
	later, err := s.MessagesForSession(ctx, c.SessionID, updates[len(updates)-2].At)
	noErr(t, err)
	eq(t, len(later), 1, "only updates after since")
	none, err := s.MessagesForSession(ctx, "", filedAt)
	noErr(t, err)
	eq(t, len(none), 0, "an empty session matches nothing")

	events, err := s.Events(ctx, h, c.TrackingNo)
	noErr(t, err)
	var actions []string
	for _, e := range events {
		actions = append(actions, e.Action)
	}
	eq(t, actions, []string{"case.file", "case.claim", "case.reply", "case.ask", "case.consumer_reply",
		"case.extend", "case.extend", "case.pause", "case.resume", "case.restart_clock", "case.resolve",
		"case.rate", "case.rate", "case.close"})
	eq(t, events[1].FromState, StatusNew)
	eq(t, events[1].ToState, StatusClaimed)
	eq(t, events[1].Actor, h.Name)
}

func TestCaseEventsAreAppendOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newTxService(t)
	c := fileSample(t, s)
	// Savepoints keep the test transaction usable after the refused writes.
	for _, sql := range []string{
		`UPDATE case_events SET actor = 'someone else' WHERE case_id = $1`,
		`DELETE FROM case_events WHERE case_id = $1`,
	} {
		tx, err := s.db.Begin(ctx)
		noErr(t, err)
		_, err = tx.Exec(ctx, sql, c.ID)
		isTrue(t, err != nil && strings.Contains(err.Error(), "append-only"), "%s: %v", sql, err)
		noErr(t, tx.Rollback(ctx))
	}
}

func TestTransferReclassifyMergeReveal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newTxService(t)
	cmb := handler("王芳", "招行")
	icbc := handler("赵六", "中国工商银行")
	phone := uniquePhone()
	c, err := s.File(ctx, sampleInput(phone))
	noErr(t, err)
	_, err = s.Claim(ctx, cmb, c.TrackingNo)
	noErr(t, err)

	// Reclassification is stored as a correction for training.
	flags := []string{"escalation"}
	c, err = s.Reclassify(ctx, cmb, c.TrackingNo, ReclassifyInput{Product: "loan", Reason: "collection", Flags: &flags, Note: "其实是催收"})
	noErr(t, err)
	eq(t, c.Product, "loan")
	eq(t, c.Reason, "collection")
	eq(t, c.Flags, []string{"escalation"})
	eq(t, c.Priority, 2, "a new escalation flag raises priority")
	isTrue(t, !c.NeedsReview)
	var text, product, reason string
	noErr(t, s.db.QueryRow(ctx, `SELECT text, product, reason FROM case_corrections WHERE case_id = $1`, c.ID).Scan(&text, &product, &reason))
	eq(t, []string{text, product, reason}, []string{c.Description, "loan", "collection"})
	_, err = s.Reclassify(ctx, cmb, c.TrackingNo, ReclassifyInput{Product: "spaceships"})
	errIs(t, err, ErrInvalidInput)

	// Transfer to another institution: out of the old scope, into the new queue.
	_, err = s.Transfer(ctx, cmb, c.TrackingNo, TransferInput{Institution: "工行"})
	errIs(t, err, ErrInvalidInput, "a transfer needs a note")
	c, err = s.Transfer(ctx, cmb, c.TrackingNo, TransferInput{Institution: "工行", Note: "卡是工行的"})
	noErr(t, err)
	eq(t, c.Status, StatusTransferred)
	eq(t, c.Institution, "中国工商银行")
	eq(t, c.Team, "bank-icbc")
	eq(t, c.Assignee, "")
	_, err = s.Get(ctx, cmb, c.TrackingNo)
	errIs(t, err, ErrNotFound, "the old institution no longer sees it")
	got, err := s.ClaimNext(ctx, icbc, "bank-icbc")
	noErr(t, err)
	eq(t, got.ID, c.ID)

	// Merging needs the same complainant and an open target.
	dup, err := s.File(ctx, func() CaseInput { in := sampleInput(phone); in.Institution = "工行"; return in }())
	noErr(t, err)
	stranger := fileSample(t, s, func(in *CaseInput) { in.Institution = "工行" })
	_, err = s.MergeInto(ctx, icbc, dup.TrackingNo, stranger.TrackingNo)
	errIs(t, err, ErrInvalidInput, "different complainant")
	_, err = s.MergeInto(ctx, icbc, dup.TrackingNo, dup.TrackingNo)
	errIs(t, err, ErrInvalidInput, "into itself")
	merged, err := s.MergeInto(ctx, icbc, dup.TrackingNo, c.TrackingNo)
	noErr(t, err)
	eq(t, merged.Status, StatusMerged)
	eq(t, *merged.MergedInto, c.ID)
	st, err := s.Lookup(ctx, dup.TrackingNo, last4(phone))
	noErr(t, err)
	isTrue(t, strings.Contains(st.LatestMessage, c.TrackingNo), "the consumer learns which number to follow")

	// Reveal returns everything and is audited; Masked hides it.
	masked := got.Masked()
	isTrue(t, !strings.Contains(masked.Phone, phone[3:7]) && strings.HasSuffix(masked.Phone, last4(phone)), masked.Phone)
	isTrue(t, !strings.Contains(masked.Description, phone), "phone numbers in the facts are masked")
	isTrue(t, masked.Name != got.Name && strings.HasPrefix(masked.Name, "张"), masked.Name)
	full, err := s.Reveal(ctx, icbc, c.TrackingNo, "回电核实")
	noErr(t, err)
	eq(t, full.Phone, phone)
	eq(t, countRows(t, s.db, `SELECT count(*) FROM case_events WHERE case_id = $1 AND action = 'case.reveal' AND actor = $2`, c.ID, icbc.Name), 1)
	_, err = s.Reveal(ctx, cmb, c.TrackingNo, "")
	errIs(t, err, ErrNotFound, "no reveal outside scope")

	// Release puts it back in the queue.
	c, err = s.Release(ctx, icbc, c.TrackingNo, "")
	noErr(t, err)
	eq(t, c.Status, StatusNew)
	eq(t, c.Assignee, "")
}

func TestMaskName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"": "", "张": "*", "张三": "张*", "张三丰": "张*丰", "欧阳娜娜": "欧**娜", "Li Lei": "L****i"} {
		eq(t, MaskName(in), want, in)
	}
}
