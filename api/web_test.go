package api

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// newWebServer builds just the web routes: static serving needs no database.
func newWebServer(t *testing.T) *httptest.Server {
	t.Helper()
	s := &Server{log: slog.New(slog.DiscardHandler), mux: http.NewServeMux()}
	s.registerWeb()
	ts := httptest.NewServer(s.mux)
	t.Cleanup(ts.Close)
	return ts
}

func get(t *testing.T, url string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	// A Transport that does not add Accept-Encoding, so gzip is only what
	// the test asks for.
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func TestWebPagesHaveStrictCSP(t *testing.T) {
	t.Parallel()
	ts := newWebServer(t)
	for _, path := range []string{"/", "/console/", "/kb/", "/dashboard/"} {
		resp, body := get(t, ts.URL+path, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d", path, resp.StatusCode)
		}
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "ws://" + strings.TrimPrefix(ts.URL, "http://")} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-") {
			t.Errorf("%s: CSP allows unsafe sources: %q", path, csp)
		}
		if got := resp.Header.Get("Cache-Control"); got != "no-cache" {
			t.Errorf("%s: pages must revalidate, Cache-Control = %q", path, got)
		}
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: headers %v", path, resp.Header)
		}
		if !bytes.Contains(body, []byte(`lang="zh-CN"`)) {
			t.Errorf("%s: page is not marked as Chinese", path)
		}
	}
}

// TestWebFilesHaveNoInlineCodeOrHTMLSinks scans our own pages and scripts:
// the CSP forbids inline code, and text must never be parsed as HTML.
func TestWebFilesHaveNoInlineCodeOrHTMLSinks(t *testing.T) {
	t.Parallel()
	inlineScript := regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`)
	handlerAttr := regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	styleAttr := regexp.MustCompile(`(?i)\sstyle\s*=`)
	sinks := regexp.MustCompile(`\.(innerHTML|outerHTML|insertAdjacentHTML)\b|document\.write|\beval\(|new Function`)
	n := 0
	err := fs.WalkDir(webFiles, "web", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(p, "web/vendor/") {
			return err
		}
		b, _ := webFiles.ReadFile(p)
		switch {
		case strings.HasSuffix(p, ".html"):
			n++
			if inlineScript.Match(b) || handlerAttr.Match(b) || styleAttr.Match(b) || bytes.Contains(b, []byte("<style")) {
				t.Errorf("%s has inline script, style or event handler", p)
			}
		case strings.HasSuffix(p, ".js"):
			n++
			if m := sinks.Find(b); m != nil {
				t.Errorf("%s uses an HTML sink: %s", p, m)
			}
		}
		return nil
	})
	if err != nil || n < 8 {
		t.Fatalf("walked %d web files, err %v", n, err)
	}
}

func TestWebCachingAndGzip(t *testing.T) {
	t.Parallel()
	ts := newWebServer(t)

	resp, plain := get(t, ts.URL+"/widget.js", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "" {
		t.Fatalf("widget.js: %d %v", resp.StatusCode, resp.Header)
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("Cross-Origin-Resource-Policy") != "cross-origin" {
		t.Errorf("widget.js must be loadable from other origins: %v", resp.Header)
	}
	if got := resp.Header.Get("Cache-Control"); got != "public, max-age=300" {
		t.Errorf("widget.js Cache-Control = %q", got)
	}

	resp, zipped := get(t, ts.URL+"/widget.js", map[string]string{"Accept-Encoding": "br, gzip"})
	if resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("gzip not served: %v", resp.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, _ := io.ReadAll(zr)
	if !bytes.Equal(unzipped, plain) {
		t.Fatal("gzip body differs from the plain body")
	}
	// The widget is loaded on every page of a host site: keep it small.
	t.Logf("widget.js: %d bytes, %d gzipped", len(plain), len(zipped))
	if len(zipped) > 16<<10 {
		t.Errorf("widget.js is %d bytes gzipped; the budget is 16 KiB", len(zipped))
	}

	resp, _ = get(t, ts.URL+"/widget.js", map[string]string{"Accept-Encoding": "gzip;q=0"})
	if resp.Header.Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 must not get gzip")
	}

	resp, _ = get(t, ts.URL+"/widget.js", map[string]string{"If-None-Match": resp.Header.Get("ETag")})
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", resp.StatusCode)
	}
}

// TestWebPagesReferenceStampedAssets checks that pages link their scripts
// with a content version, that those URLs are cached for good, and that
// every referenced asset exists.
func TestWebPagesReferenceStampedAssets(t *testing.T) {
	t.Parallel()
	ts := newWebServer(t)
	_, page := get(t, ts.URL+"/dashboard/", nil)
	// Files, not the navigation links to other pages.
	refs := regexp.MustCompile(`(?:src|href)="(/[^"]+\.[a-z]+(?:\?[^"]*)?)"`).FindAllSubmatch(page, -1)
	if len(refs) < 4 {
		t.Fatalf("dashboard links %d assets", len(refs))
	}
	for _, r := range refs {
		u := string(r[1])
		if !strings.Contains(u, "?v=") {
			t.Errorf("%s is not stamped", u)
			continue
		}
		resp, _ := get(t, ts.URL+u, nil)
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s: %d, Cache-Control %q", u, resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
	}
	resp, body := get(t, ts.URL+"/assets/taxonomy.js", nil)
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`"credit_card"`)) || !bytes.Contains(body, []byte("信用卡")) {
		t.Errorf("taxonomy.js: %d %s", resp.StatusCode, body)
	}
}

func TestWebUnknownPathsAreNotFound(t *testing.T) {
	t.Parallel()
	ts := newWebServer(t)
	for _, path := range []string{"/console/nope.js", "/vendor/echarts/README.md", "/web.go", "/kb/x/y", "/assets/"} {
		resp, _ := get(t, ts.URL+path, nil)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, resp.StatusCode)
		}
	}
	resp, _ := get(t, ts.URL+"/console", nil)
	if resp.StatusCode/100 != 3 || resp.Header.Get("Location") != "/console/" {
		t.Errorf("/console: status %d to %q, want a redirect to /console/", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestAcceptsGzip(t *testing.T) {
	t.Parallel()
	for h, want := range map[string]bool{
		"": false, "gzip": true, "deflate, gzip;q=0.5": true, "gzip;q=0": false, "GZIP": true, "br": false, "x-gzip": false,
	} {
		if got := acceptsGzip(h); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", h, got, want)
		}
	}
}
