package api

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/xiaobao-cn/xiaobao/triage"
)

// webFiles holds the consumer widget, the demo page, the three staff consoles
// and the vendored chart library. They are plain files with no build step.
//
//go:embed web
var webFiles embed.FS

// webAsset is one embedded file, prepared once: its gzip form, validator and
// caching policy are computed at start-up rather than per request.
type webAsset struct {
	body  []byte
	gz    []byte // nil when compressing does not pay
	ctype string
	etag  string // quoted, strong
	page  bool   // an HTML page: never cached without revalidation
}

var (
	webOnce   sync.Once
	webAssets map[string]*webAsset
	webErr    error
)

// assetRef finds same-origin src/href attributes in the HTML pages so they
// can be stamped with a content version (?v=…): a stamped URL is cached for a
// year, and a deploy changes the stamp, so pages never mix old and new code.
var assetRef = regexp.MustCompile(`(src|href)="(/[^"?#]+)"`)

// loadWebAssets reads and prepares every embedded file.
func loadWebAssets() (map[string]*webAsset, error) {
	assets := map[string]*webAsset{}
	err := fs.WalkDir(webFiles, "web", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := webFiles.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "web/")
		if strings.HasSuffix(name, "README.md") {
			// Provenance notes stay in the repository.
			return nil
		}
		ctype := mime.TypeByExtension(path.Ext(name))
		if base := path.Base(name); base == "LICENSE" || base == "NOTICE" {
			// Vendored code's licence travels with it.
			ctype = "text/plain; charset=utf-8"
		}
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		if strings.HasPrefix(ctype, "text/") && !strings.Contains(ctype, "charset") {
			ctype += "; charset=utf-8"
		}
		if path.Ext(name) == ".js" {
			ctype = "text/javascript; charset=utf-8"
		}
		assets[name] = &webAsset{body: body, ctype: ctype, page: path.Ext(name) == ".html"}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading embedded web assets: %w", err)
	}
	// The taxonomy's Chinese names come from the triage package itself, so
	// the consoles can never disagree with the server about them.
	tax, err := taxonomyScript()
	if err != nil {
		return nil, err
	}
	assets["assets/taxonomy.js"] = &webAsset{body: tax, ctype: "text/javascript; charset=utf-8"}
	// Pages are stamped after every other asset has its etag.
	for _, a := range assets {
		if !a.page {
			a.finish()
		}
	}
	for _, a := range assets {
		if a.page {
			a.body = assetRef.ReplaceAllFunc(a.body, func(m []byte) []byte {
				sub := assetRef.FindSubmatch(m)
				ref := assets[strings.TrimPrefix(string(sub[2]), "/")]
				if ref == nil {
					return m
				}
				return fmt.Appendf(nil, `%s="%s?v=%s"`, sub[1], sub[2], strings.Trim(ref.etag, `"`))
			})
			a.finish()
		}
	}
	return assets, nil
}

// finish computes the validator and the compressed form.
func (a *webAsset) finish() {
	sum := sha256.Sum256(a.body)
	a.etag = `"` + hex.EncodeToString(sum[:8]) + `"`
	if !compressible(a.ctype) || len(a.body) < 512 {
		return
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(a.body)
	_ = zw.Close()
	if buf.Len() < len(a.body)*9/10 {
		a.gz = buf.Bytes()
	}
}

// taxonomyScript renders the taxonomy as a script that sets
// window.XB_TAXONOMY (a script file, because the CSP forbids inline code).
func taxonomyScript() ([]byte, error) {
	b, err := json.Marshal(map[string]any{
		"products": triage.Products, "reasons": triage.Reasons, "flags": triage.Flags,
		"demands": triage.Demands, "intents": triage.Intents, "statuses": triage.Statuses,
		"outcomes": triage.Outcomes,
	})
	if err != nil {
		return nil, fmt.Errorf("encoding taxonomy: %w", err)
	}
	return fmt.Appendf(nil, "/* Generated from the triage taxonomy. */\nwindow.XB_TAXONOMY = %s;\n", b), nil
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "javascript") ||
		strings.Contains(ctype, "json") || strings.Contains(ctype, "svg")
}

// registerWeb serves the embedded pages and assets. Each prefix is listed so
// that unknown API paths still get the API's JSON 404, not a web page.
func (s *Server) registerWeb() {
	webOnce.Do(func() { webAssets, webErr = loadWebAssets() })
	if webErr != nil {
		// The files are compiled in; failing here means a broken build.
		panic(webErr)
	}
	for _, p := range []string{
		"GET /{$}", "GET /widget.js", "GET /favicon.svg",
		"GET /console/", "GET /kb/", "GET /dashboard/", "GET /assets/", "GET /vendor/",
	} {
		s.mux.HandleFunc(p, s.handleWeb)
	}
	// Browsers ask for /favicon.ico on their own; point them at the SVG.
	s.mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/favicon.svg", http.StatusMovedPermanently)
	})
}

// handleWeb answers with one embedded file, its security headers, a cache
// policy and gzip when the client takes it.
func (s *Server) handleWeb(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	a := webAssets[name]
	if a == nil {
		writeError(w, r, s.log, errNotFound)
		return
	}
	h := w.Header()
	setSecurityHeaders(h, r.Host)
	h.Set("Content-Type", a.ctype)
	h.Set("ETag", a.etag)
	h.Set("Vary", "Accept-Encoding")
	switch {
	case a.page:
		h.Set("Cache-Control", "no-cache")
	case r.URL.Query().Get("v") == strings.Trim(a.etag, `"`):
		// A stamped URL names exactly this content.
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	default:
		// widget.js is embedded by other sites under a fixed URL: short
		// freshness, then a cheap revalidation by ETag.
		h.Set("Cache-Control", "public, max-age=300")
	}
	if name == "widget.js" {
		// Host pages on other origins load it, some with crossorigin/SRI or
		// under Cross-Origin-Embedder-Policy.
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	}
	if etagMatch(r.Header.Get("If-None-Match"), a.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.body
	if a.gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body = a.gz
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// setSecurityHeaders sets a strict Content-Security-Policy: scripts and
// styles only from files on this origin (no inline code at all), network
// access only back to this origin over HTTP(S) and its websocket.
func setSecurityHeaders(h http.Header, host string) {
	connect := "'self'"
	if validHost(host) {
		// Older browsers do not count ws:/wss: as 'self'; name them.
		connect += " ws://" + host + " wss://" + host
	}
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"font-src 'self'; connect-src "+connect+"; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
}

// validHost accepts a Host header that is safe to echo into a header value.
func validHost(host string) bool {
	if host == "" || len(host) > 255 {
		return false
	}
	for _, c := range host {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune(".-:[]", c)) {
			return false
		}
	}
	return true
}

func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		if q, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			v, err := strconv.ParseFloat(q, 64)
			return err == nil && v > 0
		}
		return true
	}
	return false
}
