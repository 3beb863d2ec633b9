package evals

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/xiaobao-cn/xiaobao/chat"
	"github.com/xiaobao-cn/xiaobao/triage"
)

// DialogResult is how one persona's conversation went.
type DialogResult struct {
	Persona       string         `json:"persona"`
	Filed         bool           `json:"filed"`
	TrackingNo    string         `json:"tracking_no,omitempty"`
	Turns         int            `json:"turns"`
	Repeated      []string       `json:"repeated,omitempty"`
	ProductOK     bool           `json:"product_ok"`
	ReasonOK      bool           `json:"reason_ok"`
	InstitutionOK bool           `json:"institution_ok"`
	DemandsOK     bool           `json:"demands_ok"`
	Got           chat.FiledCase `json:"got"`
	Error         string         `json:"error,omitempty"`
	// TurnLatencies are the times from sending a frame to the bot's
	// answer (reply with expecting, or filed), as the consumer feels them.
	TurnLatencies []time.Duration `json:"-"`
	Transcript    []string        `json:"transcript,omitempty"`
}

// Correct reports whether the case was filed with every expected label.
func (r DialogResult) Correct() bool {
	return r.Filed && r.ProductOK && r.ReasonOK && r.InstitutionOK && r.DemandsOK
}

// maxTurns ends a conversation that goes nowhere.
const maxTurns = 16

// RunPersona drives one persona over a websocket at wsURL, answering each
// `expecting` slot from the fact sheet the way a person would.
func RunPersona(ctx context.Context, wsURL string, p Persona) DialogResult {
	return RunPersonaThinking(ctx, wsURL, p, 0)
}

// RunPersonaThinking is RunPersona with a person's pause before each
// message (uniform between half and one and a half times think).
func RunPersonaThinking(ctx context.Context, wsURL string, p Persona, think time.Duration) DialogResult {
	res := DialogResult{Persona: p.ID}
	dialer := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	conn, _, err := dialer.DialContext(ctx, wsURL, nil)
	if err != nil {
		res.Error = "dial: " + err.Error()
		return res
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	send := func(v any) error { return conn.WriteJSON(v) }
	msgN := 0
	pause := func() {
		if think > 0 {
			time.Sleep(think/2 + time.Duration(rand.Int64N(int64(think))))
		}
	}
	var sent time.Time
	say := func(text string) error {
		pause()
		sent = time.Now() // latency counts from when the message leaves
		msgN++
		res.Turns++
		res.Transcript = append(res.Transcript, "> "+text)
		return send(map[string]any{"type": "message", "text": text, "client_msg_id": fmt.Sprintf("%s-%d", p.ID, msgN)})
	}
	if err := send(map[string]any{"type": "hello"}); err != nil {
		res.Error = err.Error()
		return res
	}
	asked := map[string]int{}
	interrupted := p.Interrupt == ""
	rephrased := false
	if err := readUntil(conn, func(o chat.Outbound) bool { return o.Type == "reply" }); err != nil {
		res.Error = "greeting: " + err.Error()
		return res
	}
	sent = time.Now()
	if err := say(p.Opening); err != nil {
		res.Error = err.Error()
		return res
	}
	for res.Turns <= maxTurns {
		var o chat.Outbound
		if err := conn.SetReadDeadline(time.Now().Add(30 * time.Second)); err != nil {
			res.Error = err.Error()
			return res
		}
		if err := conn.ReadJSON(&o); err != nil {
			res.Error = "read: " + err.Error()
			return res
		}
		switch o.Type {
		case "error":
			res.Error = "server error: " + o.Code + " " + o.Message
			return res
		case "filed":
			res.TurnLatencies = append(res.TurnLatencies, time.Since(sent))
			res.Filed, res.TrackingNo = true, o.TrackingNo
			if o.Case != nil {
				res.Got = *o.Case
				res.ProductOK = o.Case.Product == p.Expect.Product
				res.ReasonOK = o.Case.Reason == p.Expect.Reason
				res.InstitutionOK = SameInstitution(o.Case.Institution, p.Expect.Institution)
				res.DemandsOK = subset(p.Expect.Demands, o.Case.Demands)
			}
			return res
		case "reply", "reply_end":
			res.Transcript = append(res.Transcript, "< "+o.Text)
			if o.Expecting == "" {
				if len(o.QuickReplies) == 0 {
					continue // an answer inside the form; its question follows
				}
				// The bot did not take it as a complaint: say so, like a person.
				if rephrased {
					res.Error = "bot never started the complaint"
					return res
				}
				rephrased = true
				res.TurnLatencies = append(res.TurnLatencies, time.Since(sent))
				sent = time.Now()
				if err := say("我要投诉。" + p.Opening); err != nil {
					res.Error = err.Error()
					return res
				}
				continue
			}
			res.TurnLatencies = append(res.TurnLatencies, time.Since(sent))
			asked[o.Expecting]++
			if asked[o.Expecting] == 2 {
				res.Repeated = append(res.Repeated, o.Expecting)
			}
			if asked[o.Expecting] > 3 {
				res.Error = "stuck on " + o.Expecting
				return res
			}
			sent = time.Now()
			if !interrupted && res.Turns >= 2 && o.Expecting != "confirm" {
				interrupted = true
				if err := say(p.Interrupt); err != nil {
					res.Error = err.Error()
					return res
				}
				asked[o.Expecting]-- // the re-ask after an interruption is expected
				continue
			}
			if o.Expecting == "confirm" {
				pause()
				sent = time.Now()
				res.Turns++
				err = send(map[string]any{"type": "action", "name": "confirm"})
			} else {
				answer, ok := p.Facts[o.Expecting]
				if !ok {
					answer = "不清楚"
				}
				err = say(answer)
			}
			if err != nil {
				res.Error = err.Error()
				return res
			}
		}
	}
	res.Error = "too many turns"
	return res
}

// SameInstitution compares institutions by identity, not spelling: both
// names are normalised through the alias table, and a short form contained
// in the full name ("捷信" in "捷信消费金融") is the same institution.
func SameInstitution(got, want string) bool {
	g, _ := triage.NormalizeInstitution(got)
	w, _ := triage.NormalizeInstitution(want)
	if g == "" || w == "" {
		return g == w
	}
	// A kind of bank is not the bank: "农村商业银行" is no answer for
	// "武汉农村商业银行".
	if triage.GenericInstitution(g) || triage.GenericInstitution(w) {
		return g == w
	}
	g, w = ruralFull.Replace(g), ruralFull.Replace(w)
	return g == w || strings.Contains(g, w) || strings.Contains(w, g)
}

// ruralFull writes a rural bank's kind out in full, so that "仪陇农商行"
// and "四川仪陇农村商业银行" compare as the same bank; names are kept as
// written elsewhere.
var ruralFull = strings.NewReplacer("农村商业银行", "农村商业银行", "农村信用社", "农村信用社", "农商银行", "农村商业银行", "农商行", "农村商业银行", "农信社", "农村信用社", "信用社", "农村信用社")

func readUntil(conn *websocket.Conn, done func(chat.Outbound) bool) error {
	for {
		_ = conn.SetReadDeadline(time.Now().Add(15 * time.Second))
		var o chat.Outbound
		if err := conn.ReadJSON(&o); err != nil {
			return err
		}
		if done(o) {
			return nil
		}
	}
}

func subset(want, got []string) bool {
	for _, w := range want {
		if !slices.Contains(got, w) {
			return false
		}
	}
	return len(want) > 0 || len(got) > 0
}

// DialogReport summarises a run over many personas.
type DialogReport struct {
	Personas      int            `json:"personas"`
	Filed         int            `json:"filed"`
	Correct       int            `json:"correct"`
	ProductOK     int            `json:"product_ok"`
	ReasonOK      int            `json:"reason_ok"`
	InstitutionOK int            `json:"institution_ok"`
	DemandsOK     int            `json:"demands_ok"`
	AvgTurns      float64        `json:"avg_turns"`
	Repeated      int            `json:"repeated_questions"`
	Errors        int            `json:"errors"`
	Results       []DialogResult `json:"results"`
}

// RunDialogs runs every persona, `parallel` at a time.
func RunDialogs(ctx context.Context, wsURL string, personas []Persona, parallel int) DialogReport {
	results := make([]DialogResult, len(personas))
	sem := make(chan struct{}, max(parallel, 1))
	var wg sync.WaitGroup
	for i, p := range personas {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			results[i] = RunPersona(ctx, wsURL, p)
		}()
	}
	wg.Wait()
	rep := DialogReport{Personas: len(personas), Results: results}
	turns := 0
	for _, r := range results {
		if r.Filed {
			rep.Filed++
			turns += r.Turns
		}
		if r.Correct() {
			rep.Correct++
		}
		for _, ok := range []struct {
			b bool
			n *int
		}{{r.ProductOK, &rep.ProductOK}, {r.ReasonOK, &rep.ReasonOK}, {r.InstitutionOK, &rep.InstitutionOK}, {r.DemandsOK, &rep.DemandsOK}} {
			if ok.b {
				*ok.n++
			}
		}
		rep.Repeated += len(r.Repeated)
		if r.Error != "" {
			rep.Errors++
		}
	}
	if rep.Filed > 0 {
		rep.AvgTurns = float64(turns) / float64(rep.Filed)
	}
	return rep
}

// Print writes the report as a table, with the failures spelled out.
func (rep DialogReport) Print(w io.Writer) {
	pct := func(n int) string {
		return fmt.Sprintf("%d/%d (%.0f%%)", n, rep.Personas, 100*float64(n)/float64(max(rep.Personas, 1)))
	}
	fmt.Fprintf(w, "personas            %d\n", rep.Personas)
	fmt.Fprintf(w, "filed               %s\n", pct(rep.Filed))
	fmt.Fprintf(w, "filed and correct   %s\n", pct(rep.Correct))
	fmt.Fprintf(w, "  product           %s\n", pct(rep.ProductOK))
	fmt.Fprintf(w, "  reason            %s\n", pct(rep.ReasonOK))
	fmt.Fprintf(w, "  institution       %s\n", pct(rep.InstitutionOK))
	fmt.Fprintf(w, "  demands           %s\n", pct(rep.DemandsOK))
	fmt.Fprintf(w, "avg consumer turns  %.1f\n", rep.AvgTurns)
	fmt.Fprintf(w, "repeated questions  %d\n", rep.Repeated)
	fmt.Fprintf(w, "errors              %d\n", rep.Errors)
	var bad []DialogResult
	for _, r := range rep.Results {
		if !r.Correct() {
			bad = append(bad, r)
		}
	}
	sort.Slice(bad, func(i, j int) bool { return bad[i].Persona < bad[j].Persona })
	for _, r := range bad {
		var miss []string
		if !r.ProductOK {
			miss = append(miss, "product="+r.Got.Product)
		}
		if !r.ReasonOK {
			miss = append(miss, "reason="+r.Got.Reason)
		}
		if !r.InstitutionOK {
			miss = append(miss, "institution="+r.Got.Institution)
		}
		if !r.DemandsOK {
			miss = append(miss, "demands="+strings.Join(r.Got.Demands, ","))
		}
		fmt.Fprintf(w, "  ✗ %-28s filed=%v %s %s\n", r.Persona, r.Filed, strings.Join(miss, " "), r.Error)
	}
}

// JSON writes the report as JSON.
func (rep DialogReport) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}
