package triage

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// privacyFixture files two cases of one consumer (one worked to a rated
// decision, with a correction and an internal note) and one case of
// somebody else, all at an institution no other test uses, so statistics
// can be compared exactly.
type privacyFixture struct {
	s                *Service
	phone, other     string
	institution      string
	decided, open    Case
	bystander        Case
	storyID, storyCC string
}

func newPrivacyFixture(t *testing.T) *privacyFixture {
	t.Helper()
	ctx := context.Background()
	s, clock := newTxService(t)
	f := &privacyFixture{s: s, phone: uniquePhone(), other: uniquePhone(),
		institution: fmt.Sprintf("隐私测试小贷%d", phoneSeq.Add(1)),
		storyID:     "110101199003071234", storyCC: "6222021234567890123"}
	mod := func(phone string) func(*CaseInput) {
		return func(in *CaseInput) {
			*in = sampleInput(phone)
			in.Institution = f.institution
			in.Name = "欧阳娜娜"
			in.Basis = "办卡合同第3条"
			in.Description = "身份证" + f.storyID + "，卡号" + f.storyCC + "，被扣了年费，电话" + phone
			// Chat session ids are random; the sample's embeds the phone.
			in.SessionID = fmt.Sprintf("sess-privacy-%d", phoneSeq.Add(1))
		}
	}
	f.decided = fileSample(t, s, mod(f.phone))
	f.open = fileSample(t, s, mod(f.phone))
	f.bystander = fileSample(t, s, mod(f.other))

	h := handler("王芳", "")
	clock.Add(time.Minute)
	_, err := s.Claim(ctx, h, f.decided.TrackingNo)
	noErr(t, err)
	_, err = s.Ask(ctx, h, f.decided.TrackingNo, "欧阳女士您好，请提供扣费短信。")
	noErr(t, err)
	noErr(t, s.ConsumerReply(ctx, f.decided.TrackingNo, last4(f.phone), "短信截图已发，我的卡号"+f.storyCC))
	_, err = s.Note(ctx, h, f.decided.TrackingNo, "已联系发卡行")
	noErr(t, err)
	_, err = s.Reclassify(ctx, h, f.decided.TrackingNo, ReclassifyInput{Product: "loan", Reason: "fees"})
	noErr(t, err)
	_, err = s.Extend(ctx, h, f.decided.TrackingNo, ExtendInput{Complex: true, Reason: "需调取卡号" + f.storyCC + "的流水"})
	noErr(t, err)
	_, err = s.Resolve(ctx, h, f.decided.TrackingNo, ResolveInput{Outcome: "refund", Message: "已退还年费。"})
	noErr(t, err)
	noErr(t, s.Rate(ctx, f.decided.TrackingNo, last4(f.phone), 4, "欧阳娜娜很满意"))
	return f
}

func TestExportConsumer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newPrivacyFixture(t)

	// However the administrator writes the number, it is the same person.
	ex, err := f.s.ExportConsumer(ctx, "+86 "+f.phone[:3]+"-"+f.phone[3:7]+"-"+f.phone[7:])
	noErr(t, err)
	eq(t, ex.Phone, f.phone)
	eq(t, len(ex.Cases), 2, "both of the consumer's cases, not the bystander's")
	eq(t, ex.Cases[0].Case.ID, f.decided.ID, "oldest first")
	eq(t, ex.Cases[1].Case.ID, f.open.ID)

	got := ex.Cases[0]
	eq(t, got.Case.Phone, f.phone, "the export is unmasked")
	eq(t, got.Case.Name, "欧阳娜娜")
	isTrue(t, strings.Contains(got.Case.Description, f.storyID), "facts unmasked: %q", got.Case.Description)
	eq(t, len(got.Case.Transcript), 2)
	isTrue(t, got.Rating != nil && got.Rating.Score == 4 && got.Rating.Comment == "欧阳娜娜很满意", "rating: %+v", got.Rating)
	var bodies []string
	for _, m := range got.Messages {
		bodies = append(bodies, m.Body)
	}
	all := strings.Join(bodies, "|")
	isTrue(t, strings.Contains(all, "请提供扣费短信") && strings.Contains(all, f.storyCC), "messages: %v", bodies)
	var actions []string
	for _, e := range got.Events {
		actions = append(actions, e.Action)
	}
	isTrue(t, len(actions) >= 6 && actions[0] == "case.file" && strings.Contains(strings.Join(actions, ","), "case.rate"),
		"audit trail: %v", actions)
	eq(t, ex.Cases[1].Rating == nil, true, "the open case has no rating")

	// It marshals to JSON the administrator can hand over.
	b, err := json.Marshal(ex)
	noErr(t, err)
	isTrue(t, strings.Contains(string(b), f.storyCC) && !strings.Contains(string(b), f.other))

	// Nobody filed with this number: an empty export, not an error.
	ex, err = f.s.ExportConsumer(ctx, uniquePhone())
	noErr(t, err)
	eq(t, len(ex.Cases), 0)

	for _, bad := range []string{"", "   ", "12345", "12012345678", "abc"} {
		_, err := f.s.ExportConsumer(ctx, bad)
		errIs(t, err, ErrInvalidInput, "phone %q", bad)
	}
}

func TestDeleteConsumer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newPrivacyFixture(t)
	s := f.s
	period := StatsQuery{From: testStart.AddDate(0, 0, -1), To: testStart.AddDate(0, 0, 2), Institution: f.institution}
	before, err := s.Stats(ctx, period)
	noErr(t, err)
	eq(t, before.Total, 3)
	msgsBefore := countRows(t, s.db, `SELECT count(*) FROM case_messages WHERE case_id = $1`, f.decided.ID)

	_, err = s.DeleteConsumer(ctx, f.phone, "admin:root#1", "")
	errIs(t, err, ErrInvalidInput, "a reason is required")
	_, err = s.DeleteConsumer(ctx, "", "admin:root#1", "本人申请")
	errIs(t, err, ErrInvalidInput, "an empty phone must never match the cases without one")
	_, err = s.DeleteConsumer(ctx, f.phone, "", "本人申请")
	isTrue(t, err != nil, "an actor is required")

	prior := map[int64]Case{}
	for _, id := range []int64{f.decided.ID, f.open.ID} {
		prior[id], err = s.Get(ctx, Actor{}, fmt.Sprint(id))
		noErr(t, err)
	}
	n, err := s.DeleteConsumer(ctx, f.phone, "admin:root#1", "本人来电申请删除，手机"+f.phone)
	noErr(t, err)
	eq(t, n, 2)

	for _, id := range []int64{f.decided.ID, f.open.ID} {
		c, err := s.Get(ctx, Actor{}, fmt.Sprint(id))
		noErr(t, err)
		eq(t, c.Name, Erased)
		eq(t, c.Phone, "")
		eq(t, c.Description, Erased)
		eq(t, c.Request, Erased)
		eq(t, c.Basis, Erased)
		if id == f.decided.ID {
			eq(t, c.ExtensionReason, "需调取卡号**** **** **** "+f.storyCC[len(f.storyCC)-4:]+"的流水",
				"the handler's reason stays, with the card masked")
		}
		eq(t, len(c.Transcript), 2, "transcript keeps its length")
		for _, l := range c.Transcript {
			eq(t, l.Text, Erased)
			isTrue(t, l.Role != "" && !l.At.IsZero(), "line keeps role and time: %+v", l)
		}
		b, err := json.Marshal(c)
		noErr(t, err)
		for _, raw := range []string{f.phone, f.storyID, f.storyCC, "欧阳娜娜", "年费"} {
			isTrue(t, !strings.Contains(string(b), raw), "case %d still holds %q: %s", id, raw, b)
		}
		// The structure statistics need is untouched.
		orig := prior[id]
		eq(t, c.Status, orig.Status)
		eq(t, c.Product, orig.Product)
		eq(t, c.Outcome, orig.Outcome)
		eq(t, c.Institution, orig.Institution)
		eqTime(t, c.CreatedAt, orig.CreatedAt)
		eqTime(t, c.DeadlineAt, orig.DeadlineAt)
		isTrue(t, c.AmountYuan != nil && *c.AmountYuan == *orig.AmountYuan)

		events, err := s.Events(ctx, Actor{}, fmt.Sprint(id))
		noErr(t, err)
		ev := events[len(events)-1]
		eq(t, ev.Action, "privacy.erase")
		eq(t, ev.Actor, "admin:root#1")
		eq(t, ev.FromState, c.Status)
		d, _ := json.Marshal(ev.Detail)
		isTrue(t, strings.Contains(string(d), "本人来电申请删除") && !strings.Contains(string(d), f.phone),
			"audit detail keeps the reason, masked: %s", d)
	}
	msgs, err := s.Messages(ctx, Actor{}, fmt.Sprint(f.decided.ID))
	noErr(t, err)
	eq(t, len(msgs), msgsBefore, "messages are blanked, not deleted")
	for _, m := range msgs {
		eq(t, m.Body, Erased)
	}
	var comment string
	var score int
	noErr(t, s.db.QueryRow(ctx, `SELECT score, comment FROM case_ratings WHERE case_id = $1`, f.decided.ID).Scan(&score, &comment))
	eq(t, score, 4)
	eq(t, comment, Erased)
	eq(t, countRows(t, s.db, `SELECT count(*) FROM case_corrections WHERE case_id = $1`, f.decided.ID), 0)

	// Statistics read the same before and after.
	after, err := s.Stats(ctx, period)
	noErr(t, err)
	before.Daily, after.Daily = nil, nil // computed at a different now
	bj, _ := json.Marshal(before)
	aj, _ := json.Marshal(after)
	eq(t, string(aj), string(bj))

	// The consumer can no longer be found by phone, and the bystander
	// lost nothing.
	_, err = s.Lookup(ctx, f.decided.TrackingNo, last4(f.phone))
	errIs(t, err, ErrNotFound)
	by, err := s.Get(ctx, Actor{}, f.bystander.TrackingNo)
	noErr(t, err)
	eq(t, by.Phone, f.other)
	isTrue(t, strings.Contains(by.Description, f.storyID))
	list, err := s.List(ctx, Actor{}, ListFilter{Q: f.phone})
	noErr(t, err)
	eq(t, list.Total, 0)

	// Erasing again finds nothing to erase.
	n, err = s.DeleteConsumer(ctx, f.phone, "admin:root#1", "重复申请")
	noErr(t, err)
	eq(t, n, 0)
	ex, err := s.ExportConsumer(ctx, f.phone)
	noErr(t, err)
	eq(t, len(ex.Cases), 0)
}
