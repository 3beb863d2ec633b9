package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/xiaobao-cn/xiaobao/api"
	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
)

// The browser tests drive Debian's headless Chromium against the real
// server (the same wiring as `xiaobao serve`) and a database of their own.
// They save a screenshot of every step under screenshots/ at the repository
// root; the README links the latest set.

// chromiumFlags are the start flags every run uses, with a fresh profile.
var chromiumFlags = []string{"headless", "no-sandbox", "disable-gpu", "no-first-run",
	"disable-background-networking", "disable-component-update", "disable-sync"}

// widgetJS reaches into the widget's shadow root.
const widgetJS = `document.querySelector("xiaobao-widget").shadowRoot`

var trackingRE = regexp.MustCompile(`TS\d{8}-\d{4}`)

// findChromium fails, never skips: the browser tests are part of `make test`
// and scripts/browser-deps.sh installs the browser.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	t.Fatal("Chromium is not installed: run scripts/browser-deps.sh (installs Debian's chromium) or `make test`, which runs it")
	return ""
}

// browserEnv is one server (restartable on the same address and database)
// and one browser with as many tabs as the test needs.
type browserEnv struct {
	t       *testing.T
	dbURL   string
	addr    string
	base    string
	browser context.Context
	shotDir string

	mu      sync.Mutex
	shotN   int
	dialogs []string
	logs    bytes.Buffer

	m      *Main
	srv    *api.Server
	cancel context.CancelFunc

	// hostSite is another origin that embeds the widget with one tag.
	hostSite *httptest.Server
}

func newBrowserEnv(t *testing.T) *browserEnv {
	chromium := findChromium(t)
	dbURL, _ := dbtest.NewDB(t)
	env := &browserEnv{t: t, dbURL: dbURL, shotDir: filepath.Join("..", "..", "screenshots")}
	env.hostSite = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>某银行官网</title>
<style>div, button, p { color: red !important; font-size: 40px !important; display: block; }</style></head>
<body><h1>某银行</h1><script src="%s/widget.js" data-title="某银行在线服务" async></script></body></html>`, env.base)
	}))
	t.Cleanup(env.hostSite.Close)
	if err := os.MkdirAll(env.shotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(chromium), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 860)}
	for _, f := range chromiumFlags {
		opts = append(opts, chromedp.Flag(f, true))
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	// The first Run starts the browser; it must not carry a timeout.
	if err := chromedp.Do(bctx); err != nil {
		cancelAlloc()
		t.Fatalf("starting %s: %v", chromium, err)
	}
	env.browser = bctx
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		env.stopServer()
		if t.Failed() {
			env.mu.Lock()
			t.Logf("server log:\n%s", env.logs.String())
			env.mu.Unlock()
		}
	})
	return env
}

// Write collects the server's log lines, shown when a test fails.
func (env *browserEnv) Write(p []byte) (int, error) {
	env.mu.Lock()
	defer env.mu.Unlock()
	return env.logs.Write(p)
}

func (env *browserEnv) getenv(addr string) func(string) string {
	return func(k string) string {
		return map[string]string{"DATABASE_URL": env.dbURL, "XIAOBAO_LOG_FORMAT": "text", "XIAOBAO_LOG_LEVEL": "warn", "XIAOBAO_ADDR": addr,
			"XIAOBAO_ALLOWED_ORIGINS": env.hostSite.URL}[k]
	}
}

// seed loads the team's knowledge base, as `make run` does, so questions in
// the widget get real answers with citations.
func (env *browserEnv) seed() {
	env.t.Helper()
	m := NewMain(env, env)
	m.Getenv = env.getenv("")
	defer m.Close()
	if err := m.Run(context.Background(), []string{"kb", "seed"}); err != nil {
		env.t.Fatalf("xiaobao kb seed: %v", err)
	}
}

// startServer builds the server exactly as `xiaobao serve` does.
func (env *browserEnv) startServer(addr string) {
	t := env.t
	t.Helper()
	m := NewMain(env, env)
	m.Getenv = env.getenv(addr)
	ctx, cancel := context.WithCancel(context.Background())
	if err := m.loadConfig(); err != nil {
		t.Fatal(err)
	}
	if err := m.openDB(ctx, false); err != nil {
		t.Fatal(err)
	}
	srv, err := m.buildServer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	env.m, env.srv, env.cancel = m, srv, cancel
	env.addr = srv.Addr()
	env.base = "http://" + env.addr
}

func (env *browserEnv) stopServer() {
	if env.srv == nil {
		return
	}
	_ = env.srv.Close()
	env.cancel()
	env.m.Close()
	env.srv = nil
}

// tab opens a browser tab (its own sessionStorage) with the viewport given.
// JavaScript dialogs are recorded and dismissed, so a dialog opened by an
// injected script fails the test instead of hanging it.
func (env *browserEnv) tab(width, height int64) context.Context {
	t := env.t
	t.Helper()
	ctx, cancel := chromedp.NewContext(env.browser)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatal(err)
	}
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			env.mu.Lock()
			env.dialogs = append(env.dialogs, ev.Message)
			env.mu.Unlock()
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	// Record CSP violations from the very first script.
	_, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) (page.AddScriptToEvaluateOnNewDocumentResult, error) {
		return chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `window.__csp = []; document.addEventListener("securitypolicyviolation", function (e) { window.__csp.push(e.violatedDirective + " " + e.blockedURI); });`,
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return ctx
}

func (env *browserEnv) do(ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	env.t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		env.shot(ctx, "failed-"+what)
		env.t.Fatalf("%s: %v", what, err)
	}
}

func evalJS[T any](env *browserEnv, ctx context.Context, js string) T {
	env.t.Helper()
	c, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		env.t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

// waitJS polls a JavaScript condition, failing with a screenshot. A
// condition that throws (an element not there yet) counts as false.
func (env *browserEnv) waitJS(ctx context.Context, what, js string, timeout time.Duration) {
	env.t.Helper()
	c, cancel := context.WithTimeout(ctx, timeout+5*time.Second)
	defer cancel()
	safe := "(function(){try{return !!(" + js + ")}catch(e){return false}})()"
	if _, err := chromedp.Run(c, chromedp.Poll[bool](safe, chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(100*time.Millisecond))); err != nil {
		env.shot(ctx, "failed-"+what)
		env.t.Fatalf("waiting for %s: %v", what, err)
	}
}

// shot saves a numbered screenshot of the tab.
func (env *browserEnv) shot(ctx context.Context, name string) {
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	buf, err := chromedp.Run(c, chromedp.CaptureScreenshot())
	if err != nil {
		env.t.Logf("screenshot %s: %v", name, err)
		return
	}
	env.mu.Lock()
	env.shotN++
	file := filepath.Join(env.shotDir, fmt.Sprintf("%02d-%s.png", env.shotN, name))
	env.mu.Unlock()
	if err := os.WriteFile(file, buf, 0o644); err != nil {
		env.t.Logf("screenshot %s: %v", name, err)
	}
}

func (env *browserEnv) noDialogs(where string) {
	env.t.Helper()
	env.mu.Lock()
	defer env.mu.Unlock()
	if len(env.dialogs) > 0 {
		env.t.Fatalf("%s: a JavaScript dialog opened: %q", where, env.dialogs)
	}
}

func (env *browserEnv) noCSPViolations(ctx context.Context, where string) {
	env.t.Helper()
	if v := evalJS[[]string](env, ctx, `window.__csp || []`); len(v) > 0 {
		env.t.Errorf("%s: Content-Security-Policy violations: %q", where, v)
	}
}

// ---- the consumer widget ----

// openWidget loads the demo page and opens the chat with the keyboard.
func (env *browserEnv) openWidget(ctx context.Context) {
	env.t.Helper()
	env.do(ctx, "load demo page", chromedp.Navigate(env.base+"/"))
	env.waitJS(ctx, "widget button", widgetJS+` !== null && !!`+widgetJS+`.querySelector(".launcher")`, 10*time.Second)
	evalJS[chromedp.Void](env, ctx, widgetJS+`.querySelector(".launcher").focus()`)
	env.do(ctx, "open widget with Enter", chromedp.KeyEvent("\r"))
	env.waitJS(ctx, "chat panel open with the input focused", `(function(){var r=`+widgetJS+`;return !r.querySelector(".panel").hidden && r.activeElement && r.activeElement.id==="xb-input"})()`, 5*time.Second)
	env.waitJS(ctx, "greeting", widgetJS+`.querySelectorAll(".msg.bot").length > 0`, 15*time.Second)
}

// botCount is how many bot messages and cards the widget shows.
func (env *browserEnv) botCount(ctx context.Context) int {
	return evalJS[int](env, ctx, widgetJS+`.querySelectorAll(".msg.bot").length`)
}

// say types text like a person (key events into the focused input) and
// presses Enter; with wait, it waits until the bot has answered.
func (env *browserEnv) say(ctx context.Context, text string, wait bool) {
	env.t.Helper()
	before := env.botCount(ctx)
	evalJS[chromedp.Void](env, ctx, widgetJS+`.querySelector("#xb-input").focus()`)
	env.do(ctx, "type "+text, chromedp.KeyEvent(text), chromedp.KeyEvent("\r"))
	if wait {
		env.waitAnswer(ctx, before)
	}
}

func (env *browserEnv) waitAnswer(ctx context.Context, before int) {
	env.t.Helper()
	env.waitJS(ctx, "the bot's answer", fmt.Sprintf(`(function(){var r=%s;return r.querySelectorAll(".msg.bot").length > %d && !r.querySelector(".msg.pending")})()`, widgetJS, before), 20*time.Second)
	// A turn may bring more than one frame (an alert, then the reply).
	time.Sleep(300 * time.Millisecond)
}

func (env *browserEnv) expecting(ctx context.Context) string {
	return evalJS[string](env, ctx, widgetJS+`.querySelector("#xb-input").getAttribute("data-expecting") || ""`)
}

// facts answers each slot the bot asks for, as the consumer would.
var facts = map[string]string{
	"institution": "招商银行",
	"description": "我没有开通过任何增值服务，招商银行信用卡账单上却多了一笔680元的年费，打客服也没人管。",
	"occurred_at": "2026年10月3日",
	"amount":      "680元",
	"demand":      "退还年费",
	"name":        "张三",
	"phone":       "13800138000",
	"consent":     "同意",
}

// fileComplaint tells a story and answers until the complaint is filed, taking
// a screenshot at each step. It returns the tracking number shown.
func (env *browserEnv) fileComplaint(ctx context.Context, story, prefix string) string {
	t := env.t
	t.Helper()
	env.say(ctx, story, true)
	env.shot(ctx, prefix+"-story")
	asked := map[string]int{}
	for turn := 0; turn < 14; turn++ {
		if evalJS[bool](env, ctx, widgetJS+`.querySelector(".filed") !== null`) {
			break
		}
		slot := env.expecting(ctx)
		if asked[slot]++; asked[slot] > 2 {
			env.shot(ctx, "failed-stuck-"+slot)
			t.Fatalf("the widget keeps asking for %q", slot)
		}
		switch slot {
		case "confirm":
			env.waitJS(ctx, "summary card", widgetJS+`.querySelector(".summary [data-action=confirm]:not(:disabled)") !== null`, 5*time.Second)
			env.shot(ctx, prefix+"-summary")
			before := env.botCount(ctx)
			evalJS[chromedp.Void](env, ctx, widgetJS+`.querySelector(".summary [data-action=confirm]:not(:disabled)").click()`)
			env.waitAnswer(ctx, before)
		case "":
			env.shot(ctx, "failed-no-question")
			t.Fatalf("the bot stopped asking before filing; last message: %s", evalJS[string](env, ctx, widgetJS+`.querySelector(".msg.bot:last-of-type").textContent`))
		default:
			answer, ok := facts[slot]
			if !ok {
				answer = "不清楚"
			}
			if slot == "phone" {
				if got := evalJS[string](env, ctx, widgetJS+`.querySelector("#xb-input").getAttribute("inputmode")`); got != "tel" {
					t.Errorf("asking for the phone, the input's inputmode is %q, want tel (phone keypad)", got)
				}
			}
			env.say(ctx, answer, true)
		}
	}
	env.waitJS(ctx, "the filed card", widgetJS+`.querySelector(".filed .track") !== null`, 10*time.Second)
	tn := evalJS[string](env, ctx, widgetJS+`.querySelector(".filed .track").textContent`)
	if !trackingRE.MatchString(tn) {
		t.Fatalf("tracking number shown is %q", tn)
	}
	env.shot(ctx, prefix+"-filed")
	return tn
}

// ---- the handler console ----

func (env *browserEnv) signIn(ctx context.Context, token string) {
	env.t.Helper()
	env.signInAt(ctx, "/console/", token, `document.querySelector("#queue") !== null`)
	env.waitJS(ctx, "the live stream", `document.querySelector(".live.on") !== null`, 10*time.Second)
	// Marks this page load: if the console reloaded, the mark would be gone.
	evalJS[chromedp.Void](env, ctx, `window.__noReload = true`)
}

// signInAt opens a staff page and signs in with the keyboard.
func (env *browserEnv) signInAt(ctx context.Context, path, token, readyJS string) {
	env.t.Helper()
	env.do(ctx, "open "+path, chromedp.Navigate(env.base+path))
	env.waitJS(ctx, "sign-in form", `document.querySelector("#token") !== null`, 10*time.Second)
	env.shot(ctx, strings.Trim(path, "/")+"-signin")
	evalJS[chromedp.Void](env, ctx, `document.querySelector("#token").focus()`)
	env.do(ctx, "type token", chromedp.KeyEvent(token), chromedp.KeyEvent("\r"))
	env.waitJS(ctx, path+" after signing in", readyJS, 10*time.Second)
	if strings.Contains(evalJS[string](env, ctx, `location.href`), token) {
		env.t.Fatal("the token appears in the URL")
	}
}

func caseRowJS(tn string) string {
	return fmt.Sprintf(`document.querySelector('#queue tr[data-tracking=%q]')`, tn)
}

func TestBrowser(t *testing.T) {
	t.Parallel()
	env := newBrowserEnv(t)
	env.seed()
	env.startServer("127.0.0.1:0")

	t.Run("widget usable at 360px", func(t *testing.T) {
		env.t = t
		ctx := env.tab(360, 740)
		env.openWidget(ctx)
		env.shot(ctx, "360-open")
		got := evalJS[map[string]float64](env, ctx, `(function(){var r=`+widgetJS+`, i=r.querySelector("#xb-input").getBoundingClientRect(), s=r.querySelector(".send").getBoundingClientRect(), p=r.querySelector(".panel").getBoundingClientRect();
			return {scroll: document.documentElement.scrollWidth, panelW: p.width, panelR: p.right, inTop: i.top, inBottom: i.bottom, inW: i.width, sendR: s.right, vw: innerWidth, vh: innerHeight}})()`)
		if got["scroll"] > got["vw"] || got["panelR"] > got["vw"] || got["sendR"] > got["vw"] {
			t.Errorf("horizontal overflow at 360px: %v", got)
		}
		if got["inTop"] < 0 || got["inBottom"] > got["vh"] || got["inW"] < 150 {
			t.Errorf("input not fully visible at 360px: %v", got)
		}
		env.say(ctx, "银行收到投诉后多久必须给答复？", true)
		// A knowledge answer: its sources expand, and it can be rated.
		env.waitJS(ctx, "an answer with citations and feedback buttons", widgetJS+`.querySelector(".msg.bot:last-of-type .cites summary") !== null && `+widgetJS+`.querySelector(".msg.bot:last-of-type .fb button") !== null`, 10*time.Second)
		evalJS[chromedp.Void](env, ctx, widgetJS+`.querySelector(".msg.bot:last-of-type .cites summary").click()`)
		env.shot(ctx, "360-answer")
		evalJS[chromedp.Void](env, ctx, widgetJS+`.querySelector(".msg.bot:last-of-type .fb [data-vote=up]").click()`)
		env.waitJS(ctx, "thanks for the feedback", widgetJS+`.querySelector(".msg.bot:last-of-type .fb").textContent.indexOf("谢谢") >= 0`, 5*time.Second)
		if w := evalJS[float64](env, ctx, `document.documentElement.scrollWidth`); w > 360 {
			t.Errorf("page is %vpx wide after an answer", w)
		}
		// The large-text mode for elderly users is one keyboard press away.
		evalJS[chromedp.Void](env, ctx, widgetJS+`.querySelector(".head .tool").focus()`)
		env.do(ctx, "toggle large text", chromedp.KeyEvent(" "))
		env.waitJS(ctx, "large text", widgetJS+`.querySelector(".root.big") !== null && `+widgetJS+`.querySelector(".head .tool").getAttribute("aria-pressed") === "true"`, 3*time.Second)
		if w := evalJS[float64](env, ctx, `document.documentElement.scrollWidth`); w > 360 {
			t.Errorf("page is %vpx wide in large-text mode", w)
		}
		env.shot(ctx, "360-large-text")
		env.noCSPViolations(ctx, "demo page")
	})

	t.Run("widget embedded on another origin", func(t *testing.T) {
		env.t = t
		ctx := env.tab(1280, 860)
		env.do(ctx, "load the host site", chromedp.Navigate(env.hostSite.URL))
		env.waitJS(ctx, "widget button", `document.querySelector("xiaobao-widget") !== null`, 10*time.Second)
		label := evalJS[string](env, ctx, widgetJS+`.querySelector(".launcher").textContent`)
		if !strings.Contains(label, "某银行在线服务") {
			t.Errorf("data-title not used: launcher says %q", label)
		}
		// The host page's aggressive CSS must not reach into the widget.
		if size := evalJS[string](env, ctx, `getComputedStyle(`+widgetJS+`.querySelector(".launcher")).fontSize`); size == "40px" {
			t.Errorf("host page CSS leaks into the widget (font-size %s)", size)
		}
		evalJS[chromedp.Void](env, ctx, widgetJS+`.querySelector(".launcher").click()`)
		env.waitJS(ctx, "greeting over the cross-origin websocket", widgetJS+`.querySelectorAll(".msg.bot").length > 0`, 15*time.Second)
		env.shot(ctx, "embedded-other-origin")
	})

	var tracking string
	t.Run("complaint filed, handler sees it live, claims and replies, consumer sees the reply", func(t *testing.T) {
		env.t = t
		token, _, err := api.CreateToken(context.Background(), env.m.Pool, "李处理", api.RoleHandler, "")
		if err != nil {
			t.Fatal(err)
		}
		console := env.tab(1280, 860)
		env.signIn(console, token)
		env.shot(console, "console-queue-before")

		consumer := env.tab(1280, 860)
		env.openWidget(consumer)
		tracking = env.fileComplaint(consumer, "我要投诉。招商银行信用卡莫名其妙扣了我680元年费，我从来没开通过，要求退还。", "complaint")

		env.waitJS(console, "the new case in the queue without reloading", caseRowJS(tracking)+` !== null && window.__noReload === true`, 15*time.Second)
		env.shot(console, "console-new-case-arrived")

		evalJS[chromedp.Void](env, console, caseRowJS(tracking)+`.querySelector("a").click()`)
		env.waitJS(console, "the case page", `(document.querySelector("#case-h")||{}).textContent === "案件 `+tracking+`"`, 10*time.Second)
		env.shot(console, "console-case")
		evalJS[chromedp.Void](env, console, `document.querySelector("[data-action=claim]").click()`)
		env.waitJS(console, "claimed", `!document.querySelector("[data-action=reply]").disabled`, 10*time.Second)
		evalJS[chromedp.Void](env, console, `document.querySelector("[data-action=reply]").click()`)
		env.waitJS(console, "the reply dialog", `document.querySelector("dialog.modal textarea") !== null`, 5*time.Second)
		reply := "您好，我们已联系招商银行核实，年费680元将在3个工作日内退回。"
		env.do(console, "type the reply", chromedp.KeyEvent(reply))
		env.shot(console, "console-reply")
		evalJS[chromedp.Void](env, console, `document.querySelector("dialog.modal button[type=submit]").click()`)
		env.waitJS(console, "the reply in the audit trail", `document.querySelector("dialog.modal") === null`, 10*time.Second)
		env.shot(console, "console-replied")

		env.waitJS(consumer, "the handler's reply in the widget", fmt.Sprintf(`Array.from(%s.querySelectorAll(".update .reply-text")).some(function(e){return e.textContent.indexOf(%q) >= 0})`, widgetJS, reply), 15*time.Second)
		env.shot(consumer, "widget-handler-reply")
		env.noDialogs("complaint flow")
		env.noCSPViolations(console, "console")
		env.noCSPViolations(consumer, "widget")
	})

	t.Run("XSS payload stays inert in the console", func(t *testing.T) {
		env.t = t
		payload := `<img src=x onerror=alert(1)>`
		consumer := env.tab(1280, 860)
		env.openWidget(consumer)
		tn := env.fileComplaint(consumer, "我要投诉。招商银行信用卡乱收年费680元 "+payload+" 要求退还", "xss")
		if n := evalJS[int](env, consumer, `document.querySelectorAll("img").length + `+widgetJS+`.querySelectorAll("img").length`); n != 0 {
			t.Errorf("the widget created %d img elements from consumer text", n)
		}
		token, _, err := api.CreateToken(context.Background(), env.m.Pool, "王处理", api.RoleHandler, "")
		if err != nil {
			t.Fatal(err)
		}
		console := env.tab(1280, 860)
		env.signIn(console, token)
		env.waitJS(console, "the case in the queue", caseRowJS(tn)+` !== null`, 15*time.Second)
		evalJS[chromedp.Void](env, console, caseRowJS(tn)+`.querySelector("a").click()`)
		env.waitJS(console, "the case page with the payload as text", `document.querySelector(".transcript") !== null && document.body.textContent.indexOf("onerror=alert(1)") >= 0`, 10*time.Second)
		time.Sleep(500 * time.Millisecond)
		env.shot(console, "xss-console-case")
		if n := evalJS[int](env, console, `document.querySelectorAll("img").length`); n != 0 {
			t.Errorf("the console created %d img elements from consumer text", n)
		}
		env.noDialogs("XSS payload")
		env.noCSPViolations(console, "console with payload")
	})

	t.Run("knowledge console: write, preview, publish, hit test", func(t *testing.T) {
		env.t = t
		token, _, err := api.CreateToken(context.Background(), env.m.Pool, "编辑小王", api.RoleStaff, "")
		if err != nil {
			t.Fatal(err)
		}
		ctx := env.tab(1280, 900)
		env.signInAt(ctx, "/kb/", token, `document.querySelector("[role=tablist]") !== null`)
		evalJS[chromedp.Void](env, ctx, `location.hash = "#/docs/new"`)
		env.waitJS(ctx, "the editor", `document.querySelector("#e-title") !== null`, 10*time.Second)
		evalJS[chromedp.Void](env, ctx, `document.querySelector("#e-title").value = "鹦鹉螺联名卡的年费退还规则"; document.querySelector("#e-kind").value = "literacy";
			var b = document.querySelector("#e-source"); b.value = "# 鹦鹉螺联名卡年费\n\n鹦鹉螺联名卡的发卡行收取**年费**前应当明确告知；未告知的年费可以要求退还。\n\n- 首年免年费的鹦鹉螺联名卡，次年刷卡次数不够会收年费\n\n<script>alert(1)</script><img src=x onerror=alert(1)>";
			b.dispatchEvent(new Event("input"))`)
		env.waitJS(ctx, "the Markdown preview", `document.querySelector("#e-preview strong") !== null && document.querySelector("#e-preview li") !== null`, 5*time.Second)
		if n := evalJS[int](env, ctx, `document.querySelectorAll("#e-preview script, #e-preview img, img").length`); n != 0 {
			t.Errorf("the preview made %d script/img elements from document text", n)
		}
		env.shot(ctx, "kb-editor")
		evalJS[chromedp.Void](env, ctx, `Array.from(document.querySelectorAll(".actions button")).find(function(b){return b.textContent==="创建草稿"}).click()`)
		env.waitJS(ctx, "the saved draft", `/^#\/docs\/\d+$/.test(location.hash) && Array.from(document.querySelectorAll(".actions button")).some(function(b){return b.textContent==="发布"})`, 10*time.Second)
		evalJS[chromedp.Void](env, ctx, `Array.from(document.querySelectorAll(".actions button")).find(function(b){return b.textContent==="发布"}).click()`)
		env.waitJS(ctx, "published", `((document.querySelector(".badge")||{}).textContent||"").indexOf("已发布") === 0`, 10*time.Second)
		evalJS[chromedp.Void](env, ctx, `location.hash = "#/test"`)
		env.waitJS(ctx, "the hit-test form", `document.querySelector("#t-q") !== null`, 5*time.Second)
		evalJS[chromedp.Void](env, ctx, `document.querySelector("#t-q").focus()`)
		env.do(ctx, "type a question", chromedp.KeyEvent("鹦鹉螺联名卡"), chromedp.KeyEvent("\r"))
		env.waitJS(ctx, "the new document among the hits with its score breakdown", `Array.from(document.querySelectorAll(".hit strong")).some(function(e){return e.textContent.indexOf("鹦鹉螺联名卡的年费退还规则") >= 0}) && document.querySelector(".hit .score").textContent.indexOf("融合分") === 0`, 15*time.Second)
		env.shot(ctx, "kb-hit-test")
		env.noDialogs("knowledge console")
		env.noCSPViolations(ctx, "knowledge console")
	})

	t.Run("supervisor dashboard", func(t *testing.T) {
		env.t = t
		token, _, err := api.CreateToken(context.Background(), env.m.Pool, "主管老张", api.RoleSupervisor, "")
		if err != nil {
			t.Fatal(err)
		}
		ctx := env.tab(1280, 1000)
		env.signInAt(ctx, "/dashboard/", token, `document.querySelector(".kpis .num") !== null`)
		env.waitJS(ctx, "the chart panels", `document.querySelectorAll(".charts section").length >= 8`, 15*time.Second)
		// The earlier subtests filed complaints today, so the charts have data.
		if total := evalJS[string](env, ctx, `document.querySelector(".kpis .num").textContent`); total == "0" || total == "—" {
			t.Errorf("the dashboard counts %s cases after complaints were filed", total)
		}
		if n := evalJS[int](env, ctx, `document.querySelectorAll(".chart canvas").length`); n < 5 {
			t.Errorf("%d charts drawn, want at least 5", n)
		}
		time.Sleep(500 * time.Millisecond) // chart animations
		env.shot(ctx, "dashboard")
		csv := evalJS[string](env, ctx, `fetch("/api/v1/stats/export.csv", {headers: {Authorization: "Bearer " + sessionStorage.getItem("xiaobao.token")}}).then(function(r){return r.status + " " + r.headers.get("Content-Type")})`)
		if !strings.HasPrefix(csv, "200 text/csv") {
			t.Errorf("CSV export answered %q", csv)
		}
		env.noCSPViolations(ctx, "dashboard")
	})

	t.Run("widget survives a server restart mid-form", func(t *testing.T) {
		env.t = t
		consumer := env.tab(1280, 860)
		env.openWidget(consumer)
		env.say(consumer, "我要投诉。招商银行信用卡莫名其妙扣了我680元年费，我从来没开通过。", true)
		slot := env.expecting(consumer)
		if slot == "" || slot == "confirm" {
			t.Fatalf("expected the form to ask for something, expecting=%q", slot)
		}
		env.shot(consumer, "restart-mid-form")
		addr := env.addr
		env.stopServer()
		env.waitJS(consumer, "the reconnecting notice", `(function(){var c=`+widgetJS+`.querySelector(".conn");return !c.hidden && c.textContent.indexOf("重新连接中")>=0})()`, 10*time.Second)
		// The consumer keeps typing while the server is down.
		answer := facts[slot]
		if answer == "" {
			answer = "不清楚"
		}
		env.say(consumer, answer, false)
		env.waitJS(consumer, "the unsent message kept as pending", widgetJS+`.querySelector(".msg.me.pending") !== null`, 5*time.Second)
		env.shot(consumer, "restart-offline-typed")
		before := env.botCount(consumer)

		env.startServer(addr)
		env.waitJS(consumer, "reconnected and the pending message delivered", `(function(){var r=`+widgetJS+`;return r.querySelector(".conn").hidden && !r.querySelector(".msg.pending")})()`, 30*time.Second)
		env.waitJS(consumer, "the bot's answer after reconnecting", fmt.Sprintf(`%s.querySelectorAll(".msg.bot").length > %d || %s.querySelector("#xb-input").getAttribute("data-expecting") !== %q`, widgetJS, before, widgetJS, slot), 20*time.Second)
		time.Sleep(500 * time.Millisecond)
		env.shot(consumer, "restart-reconnected")
		mine := evalJS[[]string](env, consumer, `Array.from(`+widgetJS+`.querySelectorAll(".msg.me .bubble")).map(function(b){return b.textContent})`)
		n := 0
		for _, m := range mine {
			if m == answer {
				n++
			}
		}
		if n != 1 {
			t.Errorf("the message typed while offline appears %d times, want once: %q", n, mine)
		}
		if got := env.expecting(consumer); got == slot {
			t.Errorf("after reconnecting the bot asks for %q again: the answer typed offline was lost", slot)
		}
		// The form goes on to the end on the new server.
		tn := env.fileComplaintContinue(consumer, "restart")
		if tn == tracking {
			t.Errorf("the restarted conversation filed the earlier case %s", tn)
		}
		env.noDialogs("restart")
	})
}

// fileComplaintContinue answers the remaining slots of a form in progress.
func (env *browserEnv) fileComplaintContinue(ctx context.Context, prefix string) string {
	env.t.Helper()
	for turn := 0; turn < 14; turn++ {
		if evalJS[bool](env, ctx, widgetJS+`.querySelector(".filed") !== null`) {
			break
		}
		switch slot := env.expecting(ctx); slot {
		case "confirm":
			before := env.botCount(ctx)
			evalJS[chromedp.Void](env, ctx, widgetJS+`.querySelector(".summary [data-action=confirm]:not(:disabled)").click()`)
			env.waitAnswer(ctx, before)
		case "":
			env.t.Fatalf("the bot stopped asking before filing")
		default:
			answer, ok := facts[slot]
			if !ok {
				answer = "不清楚"
			}
			env.say(ctx, answer, true)
		}
	}
	env.waitJS(ctx, "the filed card", widgetJS+`.querySelector(".filed .track") !== null`, 10*time.Second)
	env.shot(ctx, prefix+"-filed")
	return evalJS[string](env, ctx, widgetJS+`.querySelector(".filed .track").textContent`)
}
