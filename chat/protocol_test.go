package chat

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeInbound(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		code string // "" = ok
	}{
		{`{"type":"hello"}`, ""},
		{`{"type":"hello","resume_token":"rs_abc"}`, ""},
		{`{"type":"message","text":"  招行乱扣年费  ","client_msg_id":"c1"}`, ""},
		{`{"type":"message","text":"   "}`, "empty"},
		{`{"type":"message","text":"` + strings.Repeat("钱", MaxTextRunes+1) + `"}`, "too_long"},
		{`{"type":"message","text":"` + strings.Repeat("钱", MaxTextRunes) + `"}`, ""},
		{`{"type":"action","name":"confirm"}`, ""},
		{`{"type":"action","name":"delete_everything"}`, "bad_action"},
		{`{"type":"launch"}`, "unknown_type"},
		{`not json`, "bad_json"},
		{`{"type":"message","text":` + "\"\xff\xfe\"}", "bad_json"},
		{`[]`, "bad_json"},
		{``, "bad_json"},
	}
	for _, c := range cases {
		got, err := DecodeInbound([]byte(c.in))
		var fe *FrameError
		switch {
		case c.code == "" && err != nil:
			t.Errorf("DecodeInbound(%.40q) error %v, want ok", c.in, err)
		case c.code != "" && (!errors.As(err, &fe) || fe.Code != c.code):
			t.Errorf("DecodeInbound(%.40q) = %v, want code %s", c.in, err, c.code)
		}
		if c.code == "" && got.Type == "message" && got.Text != strings.TrimSpace(got.Text) {
			t.Errorf("text not trimmed: %q", got.Text)
		}
	}
}

func TestErrorFramesAreChinese(t *testing.T) {
	t.Parallel()
	for _, e := range []*FrameError{errBadJSON, errUnknownType, errEmptyText, errTooLong, errBadAction, errRateLimited, errUnavailable} {
		o := errorFrame(e)
		if o.Type != "error" || o.Code == "" || !strings.ContainsFunc(o.Message, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
			t.Errorf("error frame %+v lacks a Chinese message", o)
		}
	}
	if o := errorFrame(errors.New("pq: connection reset")); strings.Contains(o.Message, "pq") {
		t.Errorf("internal error leaked to consumer: %q", o.Message)
	}
}

func FuzzDecodeInbound(f *testing.F) {
	for _, s := range []string{`{"type":"hello"}`, `{"type":"message","text":"你好","client_msg_id":"1"}`,
		`{"type":"action","name":"rate","score":5}`, `{"type":"message","text":null}`, `{"type":1}`, "\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := DecodeInbound(data)
		if err != nil {
			var fe *FrameError
			if !errors.As(err, &fe) || fe.Message == "" {
				t.Fatalf("error %v is not a FrameError with a message", err)
			}
			return
		}
		if in.Type == "message" && (in.Text == "" || len([]rune(in.Text)) > MaxTextRunes) {
			t.Fatalf("accepted bad text %q", in.Text)
		}
	})
}

func TestCommandWords(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"确认", "是的", "对", "确定！", "OK"} {
		if !isConfirm(normalize(s)) {
			t.Errorf("%q should confirm", s)
		}
	}
	for _, s := range []string{"不对", "确认一下年费是多少", "是不是诈骗"} {
		if isConfirm(normalize(s)) {
			t.Errorf("%q must not confirm", s)
		}
	}
	for _, s := range []string{"算了", "不投诉了", "算了算了不想投诉了"} {
		if !isCancel(normalize(s)) {
			t.Errorf("%q should cancel", s)
		}
	}
	if isCancel(normalize("我本来想算了，但是银行一直不退钱，这次一定要投诉到底，你们帮帮我")) {
		t.Error("a long story mentioning 算了 must not cancel")
	}
	if got := maskName("欧阳娜娜"); got != "欧**娜" {
		t.Errorf("maskName = %q", got)
	}
}
