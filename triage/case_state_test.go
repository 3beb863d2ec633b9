package triage

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestStateMachine checks every action in every state against a table
// written out by hand from the issue: new → claimed → in_progress ⇄
// awaiting_consumer → resolved → closed, plus transferred, extended and
// merged. Everything not listed must be refused.
func TestStateMachine(t *testing.T) {
	t.Parallel()
	open := "new transferred claimed in_progress awaiting_consumer extended"
	handlingStates := "claimed in_progress awaiting_consumer extended"
	all := "new transferred claimed in_progress awaiting_consumer extended resolved closed merged"
	legal := map[string]string{ // "action from" → to
		"claim new": "claimed", "claim transferred": "claimed",
		"release claimed": "new", "release in_progress": "new",
		"start claimed": "in_progress", "start awaiting_consumer": "in_progress", "start extended": "in_progress",
		"reply claimed": "in_progress", "reply in_progress": "in_progress",
		"reply awaiting_consumer": "awaiting_consumer", "reply extended": "extended",
		"ask claimed": "awaiting_consumer", "ask in_progress": "awaiting_consumer",
		"ask awaiting_consumer": "awaiting_consumer", "ask extended": "awaiting_consumer",
		"consumer_reply new": "new", "consumer_reply transferred": "transferred", "consumer_reply claimed": "claimed",
		"consumer_reply in_progress": "in_progress", "consumer_reply awaiting_consumer": "in_progress",
		"consumer_reply extended": "extended",
		"resolve claimed":         "resolved", "resolve in_progress": "resolved",
		"resolve awaiting_consumer": "resolved", "resolve extended": "resolved",
		"close resolved": "closed",
	}
	for _, from := range strings.Fields(handlingStates) {
		legal["extend "+from] = "extended"
		for _, a := range []string{"pause", "resume", "restart_clock"} {
			legal[a+" "+from] = from
		}
	}
	for _, from := range strings.Fields(open) {
		legal["transfer "+from] = "transferred"
		legal["merge "+from] = "merged"
		legal["reclassify "+from] = from
	}
	for _, from := range strings.Fields(all) {
		legal["note "+from] = from
		legal["reveal "+from] = from
	}
	actions := []string{ActionClaim, ActionRelease, ActionStart, ActionReply, ActionAsk, ActionConsumerReply,
		ActionExtend, ActionTransfer, ActionResolve, ActionClose, ActionMerge, ActionReclassify, ActionPause,
		ActionResume, ActionRestartClock, ActionNote, ActionReveal}
	eq(t, len(actions), len(stateMachine), "every action is tested")
	for _, action := range actions {
		for _, from := range strings.Fields(all) {
			got, err := NextState(action, from)
			want, ok := legal[action+" "+from]
			if ok {
				noErr(t, err, "%s from %s", action, from)
				eq(t, got, want, "%s from %s", action, from)
				isTrue(t, CanTransition(from, want), "CanTransition(%s, %s)", from, want)
				continue
			}
			errIs(t, err, ErrInvalidTransition, "%s from %s must be refused", action, from)
			isTrue(t, strings.Contains(err.Error(), StatusName(from)), "the error names the state: %v", err)
		}
	}
	// Terminal states go nowhere else.
	for _, to := range strings.Fields(all) {
		isTrue(t, !CanTransition(StatusClosed, to) || to == StatusClosed, "closed → %s", to)
		isTrue(t, !CanTransition(StatusMerged, to) || to == StatusMerged, "merged → %s", to)
	}
	isTrue(t, !CanTransition(StatusNew, StatusResolved), "a decision needs a handler")
}

// TestIllegalActionsThroughService checks that the service refuses what
// the table refuses, with the state unchanged and nothing written.
func TestIllegalActionsThroughService(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newTxService(t)
	h := handler("王芳", "")
	c := fileSample(t, s)

	_, err := s.Resolve(ctx, h, c.TrackingNo, ResolveInput{Outcome: "refund", Message: "已退"})
	isTrue(t, errors.Is(err, ErrInvalidTransition) || errors.Is(err, ErrNotAssignee), "resolve a new case: %v", err)
	_, err = s.Close(ctx, h, c.TrackingNo)
	errIs(t, err, ErrInvalidTransition, "close a new case")

	_, err = s.Claim(ctx, h, c.TrackingNo)
	noErr(t, err)
	_, err = s.Close(ctx, h, c.TrackingNo)
	errIs(t, err, ErrInvalidTransition, "close before a decision")
	_, err = s.Resolve(ctx, h, c.TrackingNo, ResolveInput{Outcome: "refund", Message: "已为您退还年费300元。"})
	noErr(t, err)
	_, err = s.Reply(ctx, h, c.TrackingNo, "还有问题吗？")
	errIs(t, err, ErrInvalidTransition, "reply after the decision")
	_, err = s.Claim(ctx, handler("李雷", ""), c.TrackingNo)
	errIs(t, err, ErrInvalidTransition, "claim a resolved case")
	got, err := s.Close(ctx, h, c.TrackingNo)
	noErr(t, err)
	eq(t, got.Status, StatusClosed)
	_, err = s.Transfer(ctx, h, c.TrackingNo, TransferInput{Institution: "中国工商银行", Note: "错了"})
	errIs(t, err, ErrInvalidTransition, "transfer a closed case")
	eq(t, countRows(t, s.db, `SELECT count(*) FROM case_events WHERE case_id = $1`, c.ID), 4, "file, claim, resolve, close")
}
