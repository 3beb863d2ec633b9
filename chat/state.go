package chat

import (
	"time"

	"github.com/xiaobao-cn/xiaobao/triage"
)

// Stages of a conversation.
const (
	stageIdle    = "idle"    // answering questions, waiting for a story
	stageIntake  = "intake"  // collecting the slots of a complaint
	stageConfirm = "confirm" // summary shown, waiting for 确认/修改/取消
	stageStatus  = "status"  // waiting for a tracking number and phone suffix
)

// Slot names, in the order they are asked. They are also the `expecting`
// values the widget adapts its input to.
const (
	slotInstitution = "institution"
	slotDescription = "description"
	slotOccurredAt  = "occurred_at"
	slotAmount      = "amount"
	slotDemand      = "demand"
	slotName        = "name"
	slotPhone       = "phone"
	slotConsent     = "consent"
)

var slotOrder = []string{slotInstitution, slotDescription, slotOccurredAt, slotAmount, slotDemand, slotName, slotPhone, slotConsent}

// State is a session's whole dialog state, stored as JSON in chat_sessions.
// Everything the next turn needs is here, so any replica can continue it.
type State struct {
	Stage string `json:"stage"`
	// Expecting is the slot (or "confirm") the last bot turn asked for.
	Expecting string `json:"expecting,omitempty"`
	// Form is the complaint being collected.
	Form Form `json:"form"`
	// Intake counts started complaints; it keys filing idempotency so that a
	// second complaint in the same session is a new case.
	Intake int `json:"intake"`
	// Retries counts friendly re-asks per slot, to change wording and
	// eventually let an optional slot go.
	Retries map[string]int `json:"retries,omitempty"`
	// Aside is the last message answered as a question in the middle of
	// the form; the same words again are taken as the form's answer.
	Aside string `json:"aside,omitempty"`
	// Alerted records which alerts were already shown, so a long fraud story
	// does not repeat the banner on every message (kind → turn number).
	Alerted map[string]int `json:"alerted,omitempty"`
	// Cases are the cases this session filed or looked up, by tracking
	// number, with the phone's last four digits to rate or follow them.
	Cases map[string]string `json:"cases,omitempty"`
	// FailedLookups and LookupWindow throttle status guessing.
	FailedLookups int       `json:"failed_lookups,omitempty"`
	LookupWindow  time.Time `json:"lookup_window,omitempty"`
	// Turns counts consumer messages.
	Turns int `json:"turns"`
	// Handoff is set once the consumer asked for a person.
	Handoff bool `json:"handoff,omitempty"`
}

// Form holds the complaint facts. Filled records which slots have an answer
// (an explicit "no amount" is an answer too).
type Form struct {
	Story       []string `json:"story,omitempty"`
	Institution string   `json:"institution,omitempty"`
	Description string   `json:"description,omitempty"`
	OccurredAt  string   `json:"occurred_at,omitempty"` // YYYY-MM-DD or "不详"
	AmountYuan  *float64 `json:"amount_yuan,omitempty"`
	// AmountForeign is an amount in a foreign currency, as written.
	AmountForeign string   `json:"amount_foreign,omitempty"`
	Request       string   `json:"request,omitempty"`
	Demands       []string `json:"demands,omitempty"`
	Name          string   `json:"name,omitempty"`
	// Surname is a surname given alone ("我姓林"), kept while the bot
	// asks 先生 or 女士.
	Surname string          `json:"surname,omitempty"`
	Phone   string          `json:"phone,omitempty"`
	Consent bool            `json:"consent,omitempty"`
	Filled  map[string]bool `json:"filled,omitempty"`
	Filed   string          `json:"filed,omitempty"` // tracking number once filed
	// Product and Reason are the consumer's own corrections of the
	// category shown in the summary ("类别不对，是理财"); they win over the
	// classifier.
	Product string `json:"product,omitempty"`
	Reason  string `json:"reason,omitempty"`
	// Shown is the classification the consumer confirmed in the summary.
	// Filing uses it as is: with an LLM engine a second call could label
	// the same story differently from what the consumer saw.
	Shown *triage.Classification `json:"shown,omitempty"`
}

func (f *Form) fill(slot string) {
	if f.Filled == nil {
		f.Filled = map[string]bool{}
	}
	f.Filled[slot] = true
}

func (f *Form) missing() string {
	for _, s := range slotOrder {
		if !f.Filled[s] {
			return s
		}
	}
	return ""
}

func newState() *State { return &State{Stage: stageIdle} }
