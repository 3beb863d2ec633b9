package triage

import (
	"fmt"
	"slices"
)

// Case states. The main path is new → claimed → in_progress ⇄
// awaiting_consumer → resolved → closed; transferred (转办) puts a case back
// in another queue, extended marks a lengthened deadline, merged ends a
// duplicate.
const (
	StatusNew              = "new"
	StatusClaimed          = "claimed"
	StatusInProgress       = "in_progress"
	StatusAwaitingConsumer = "awaiting_consumer"
	StatusExtended         = "extended"
	StatusTransferred      = "transferred"
	StatusResolved         = "resolved"
	StatusClosed           = "closed"
	StatusMerged           = "merged"
)

// Statuses are the case states with the Chinese names consumers and
// handlers see.
var Statuses = []Code{
	{StatusNew, "已受理，待处理"}, {StatusClaimed, "处理中"}, {StatusInProgress, "处理中"},
	{StatusAwaitingConsumer, "待您补充信息"}, {StatusExtended, "已延长处理期限"},
	{StatusTransferred, "已转办"}, {StatusResolved, "已作出处理决定"}, {StatusClosed, "已办结"},
	{StatusMerged, "已合并处理"},
}

// StatusName returns the Chinese name of a status.
func StatusName(status string) string { return NameOf(Statuses, status) }

// openStatuses are the states in which the legal clock runs.
var openStatuses = []string{StatusNew, StatusClaimed, StatusInProgress, StatusAwaitingConsumer, StatusExtended, StatusTransferred}

func isOpen(status string) bool { return slices.Contains(openStatuses, status) }

// Actions a case can undergo. Each is also the audit action "case.<action>".
const (
	ActionFile          = "file"
	ActionClaim         = "claim"
	ActionRelease       = "release"
	ActionStart         = "start"
	ActionReply         = "reply"
	ActionAsk           = "ask"
	ActionConsumerReply = "consumer_reply"
	ActionExtend        = "extend"
	ActionTransfer      = "transfer"
	ActionResolve       = "resolve"
	ActionClose         = "close"
	ActionMerge         = "merge"
	ActionReclassify    = "reclassify"
	ActionPause         = "pause"
	ActionResume        = "resume"
	ActionRestartClock  = "restart_clock"
	ActionNote          = "note"
	ActionReveal        = "reveal"
)

// actionNames are the Chinese names used in error messages.
var actionNames = map[string]string{
	ActionClaim: "领取", ActionRelease: "退回队列", ActionStart: "开始处理", ActionReply: "回复",
	ActionAsk: "请消费者补充信息", ActionConsumerReply: "消费者补充信息", ActionExtend: "延长期限",
	ActionTransfer: "转办", ActionResolve: "作出处理决定", ActionClose: "办结", ActionMerge: "合并",
	ActionReclassify: "重新分类", ActionPause: "暂停计时", ActionResume: "恢复计时",
	ActionRestartClock: "重新计算期限", ActionNote: "添加备注", ActionReveal: "查看完整信息",
}

// handling are the states in which a claimed case is being worked.
var handling = []string{StatusClaimed, StatusInProgress, StatusAwaitingConsumer, StatusExtended}

// stateMachine says, for each action, which state it leads to from each
// state it is allowed in. An action missing a state is refused there. This
// table is the whole state machine; case_state_test.go walks it.
var stateMachine = map[string]map[string]string{
	ActionClaim:   {StatusNew: StatusClaimed, StatusTransferred: StatusClaimed},
	ActionRelease: {StatusClaimed: StatusNew, StatusInProgress: StatusNew},
	ActionStart: {
		StatusClaimed: StatusInProgress, StatusAwaitingConsumer: StatusInProgress,
		StatusExtended: StatusInProgress,
	},
	ActionReply: {
		StatusClaimed: StatusInProgress, StatusInProgress: StatusInProgress,
		StatusAwaitingConsumer: StatusAwaitingConsumer, StatusExtended: StatusExtended,
	},
	ActionAsk: {
		StatusClaimed: StatusAwaitingConsumer, StatusInProgress: StatusAwaitingConsumer,
		StatusAwaitingConsumer: StatusAwaitingConsumer, StatusExtended: StatusAwaitingConsumer,
	},
	ActionConsumerReply: {
		StatusNew: StatusNew, StatusTransferred: StatusTransferred, StatusClaimed: StatusClaimed,
		StatusInProgress: StatusInProgress, StatusAwaitingConsumer: StatusInProgress,
		StatusExtended: StatusExtended,
	},
	ActionExtend: {
		StatusClaimed: StatusExtended, StatusInProgress: StatusExtended,
		StatusAwaitingConsumer: StatusExtended, StatusExtended: StatusExtended,
	},
	ActionTransfer: {
		StatusNew: StatusTransferred, StatusTransferred: StatusTransferred, StatusClaimed: StatusTransferred,
		StatusInProgress: StatusTransferred, StatusAwaitingConsumer: StatusTransferred,
		StatusExtended: StatusTransferred,
	},
	ActionResolve: {
		StatusClaimed: StatusResolved, StatusInProgress: StatusResolved,
		StatusAwaitingConsumer: StatusResolved, StatusExtended: StatusResolved,
	},
	ActionClose: {StatusResolved: StatusClosed},
	ActionMerge: {
		StatusNew: StatusMerged, StatusTransferred: StatusMerged, StatusClaimed: StatusMerged,
		StatusInProgress: StatusMerged, StatusAwaitingConsumer: StatusMerged, StatusExtended: StatusMerged,
	},
	ActionReclassify:   sameState(openStatuses...),
	ActionPause:        sameState(handling...),
	ActionResume:       sameState(handling...),
	ActionRestartClock: sameState(handling...),
	ActionNote:         sameState(StatusNew, StatusTransferred, StatusClaimed, StatusInProgress, StatusAwaitingConsumer, StatusExtended, StatusResolved, StatusClosed, StatusMerged),
	ActionReveal:       sameState(StatusNew, StatusTransferred, StatusClaimed, StatusInProgress, StatusAwaitingConsumer, StatusExtended, StatusResolved, StatusClosed, StatusMerged),
}

func sameState(states ...string) map[string]string {
	m := make(map[string]string, len(states))
	for _, s := range states {
		m[s] = s
	}
	return m
}

// NextState returns the state action leads to from state, or an error
// wrapping ErrInvalidTransition that names both in Chinese.
func NextState(action, state string) (string, error) {
	to, ok := stateMachine[action][state]
	if !ok {
		name := actionNames[action]
		if name == "" {
			name = action
		}
		return "", fmt.Errorf("%w: 案件当前状态为“%s”，不能%s", ErrInvalidTransition, StatusName(state), name)
	}
	return to, nil
}

// CanTransition reports whether some action moves a case from one state to
// another (staying put counts only if an action allows it).
func CanTransition(from, to string) bool {
	for _, m := range stateMachine {
		if next, ok := m[from]; ok && next == to {
			return true
		}
	}
	return false
}

// needsAssignee lists the actions only the handler holding the case may
// take; others act without claiming (a reclassification, a note, a reveal,
// a transfer of an unclaimed case, the consumer's own reply).
func needsAssignee(action, state string) bool {
	switch action {
	case ActionClaim, ActionConsumerReply, ActionReclassify, ActionNote, ActionReveal, ActionFile:
		return false
	case ActionTransfer, ActionMerge:
		return state != StatusNew && state != StatusTransferred
	}
	return true
}
