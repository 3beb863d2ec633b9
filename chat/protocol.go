package chat

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxTextRunes bounds one consumer message; longer text gets an error frame,
// not a disconnect, so nothing typed is lost.
const MaxTextRunes = 2000

// Inbound is a frame from the consumer's widget. Which fields matter
// depends on Type; see docs/protocol.md.
type Inbound struct {
	Type         string `json:"type"`
	ResumeToken  string `json:"resume_token,omitempty"`
	Text         string `json:"text,omitempty"`
	ClientMsgID  string `json:"client_msg_id,omitempty"`
	Name         string `json:"name,omitempty"`
	MessageID    string `json:"message_id,omitempty"`
	Helpful      *bool  `json:"helpful,omitempty"`
	TrackingNo   string `json:"tracking_no,omitempty"`
	PhoneLast4   string `json:"phone_last4,omitempty"`
	Score        int    `json:"score,omitempty"`
	Comment      string `json:"comment,omitempty"`
	LastSeenID   int64  `json:"last_seen_id,omitempty"`
	ExpectsReply bool   `json:"-"`
}

// Frame errors, each with a Chinese message for people.
var (
	errBadJSON     = &FrameError{Code: "bad_json", Message: "消息格式不正确，请刷新页面后重试。"}
	errUnknownType = &FrameError{Code: "unknown_type", Message: "无法识别的消息类型。"}
	errEmptyText   = &FrameError{Code: "empty", Message: "请输入内容后再发送。"}
	errTooLong     = &FrameError{Code: "too_long", Message: fmt.Sprintf("消息太长了（最多 %d 个字），请分几次发送。", MaxTextRunes)}
	errBadAction   = &FrameError{Code: "bad_action", Message: "无法识别的操作。"}
	errRateLimited = &FrameError{Code: "rate_limited", Message: "发送太快了，请稍等几秒再发。"}
	errUnavailable = &FrameError{Code: "unavailable", Message: "暂时无法提交，请稍后再试。您填写的内容已保留。"}
	errNoSession   = &FrameError{Code: "no_session", Message: "会话尚未建立，请稍候。"}
)

// FrameError is sent to the client as an error frame; the connection stays.
type FrameError struct {
	Code    string
	Message string
}

func (e *FrameError) Error() string { return e.Code + ": " + e.Message }

var actions = map[string]bool{
	"confirm": true, "edit": true, "cancel": true, "handoff": true,
	"rate": true, "feedback": true, "status": true,
}

// DecodeInbound parses and validates one client frame. It never panics on
// hostile input; every failure is a FrameError with a Chinese message.
func DecodeInbound(data []byte) (Inbound, error) {
	var in Inbound
	if !utf8.Valid(data) {
		return in, errBadJSON
	}
	if err := json.Unmarshal(data, &in); err != nil {
		return in, errBadJSON
	}
	switch in.Type {
	case "hello":
	case "message":
		in.Text = strings.TrimSpace(in.Text)
		if in.Text == "" {
			return in, errEmptyText
		}
		if utf8.RuneCountInString(in.Text) > MaxTextRunes {
			return in, errTooLong
		}
		if len(in.ClientMsgID) > 100 {
			in.ClientMsgID = in.ClientMsgID[:100]
		}
	case "action":
		if !actions[in.Name] {
			return in, errBadAction
		}
		if utf8.RuneCountInString(in.Comment) > 500 {
			return in, errTooLong
		}
	default:
		return in, errUnknownType
	}
	return in, nil
}

// Outbound is a frame to the widget. Only the fields for its Type are set.
type Outbound struct {
	Type string `json:"type"`

	// session
	SessionID   string `json:"session_id,omitempty"`
	ResumeToken string `json:"resume_token,omitempty"`

	// reply, reply_delta, reply_end
	ID           string     `json:"id,omitempty"`
	Text         string     `json:"text,omitempty"`
	Delta        string     `json:"delta,omitempty"`
	Citations    []Citation `json:"citations,omitempty"`
	QuickReplies []string   `json:"quick_replies,omitempty"`
	Expecting    string     `json:"expecting,omitempty"`
	Summary      *Summary   `json:"summary,omitempty"`
	Answer       bool       `json:"answer,omitempty"`

	// alert
	Kind     string    `json:"kind,omitempty"`
	Hotlines []Hotline `json:"hotlines,omitempty"`

	// filed, case_update, status
	TrackingNo    string     `json:"tracking_no,omitempty"`
	Deadline      string     `json:"deadline,omitempty"`
	Case          *FiledCase `json:"case,omitempty"`
	Status        string     `json:"status,omitempty"`
	StatusName    string     `json:"status_name,omitempty"`
	Message       string     `json:"message,omitempty"`
	LatestMessage string     `json:"latest_message,omitempty"`
	CanRate       bool       `json:"can_rate,omitempty"`

	// history
	Messages []HistoryItem `json:"messages,omitempty"`

	// error
	Code string `json:"code,omitempty"`
}

// Citation points an answer at the passage it came from.
type Citation struct {
	Title      string `json:"title"`
	Citation   string `json:"citation"`
	DocumentID int64  `json:"document_id"`
}

// Hotline is a number shown with an alert, tappable on a phone.
type Hotline struct {
	Name   string `json:"name"`
	Number string `json:"number"`
}

// Summary is the complaint as the consumer is asked to confirm it.
type Summary struct {
	Product     string   `json:"product"`
	ProductName string   `json:"product_name"`
	Reason      string   `json:"reason"`
	ReasonName  string   `json:"reason_name"`
	Institution string   `json:"institution"`
	Description string   `json:"description"`
	OccurredAt  string   `json:"occurred_at,omitempty"`
	AmountYuan  *float64 `json:"amount_yuan,omitempty"`
	// AmountForeign is an amount in a foreign currency, as written
	// ("两万英镑"), shown instead of a number of yuan.
	AmountForeign string   `json:"amount_foreign,omitempty"`
	Demands       []string `json:"demands"`
	DemandNames   []string `json:"demand_names"`
	Request       string   `json:"request"`
	Name          string   `json:"name"`
	Phone         string   `json:"phone"`
}

// FiledCase is the classification the consumer sees after filing.
type FiledCase struct {
	Product     string   `json:"product"`
	Reason      string   `json:"reason"`
	Flags       []string `json:"flags"`
	Demands     []string `json:"demands"`
	Institution string   `json:"institution"`
	AmountYuan  *float64 `json:"amount_yuan,omitempty"`
}

// HistoryItem is one transcript line replayed after a resume.
type HistoryItem struct {
	Role  string    `json:"role"`
	Text  string    `json:"text"`
	At    string    `json:"at"`
	Reply *Outbound `json:"reply,omitempty"`
}

func errorFrame(err error) Outbound {
	var fe *FrameError
	if errors.As(err, &fe) {
		return Outbound{Type: "error", Code: fe.Code, Message: fe.Message}
	}
	return Outbound{Type: "error", Code: "internal", Message: "系统开小差了，请稍后再试。"}
}
