package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"budgetcitoyen/internal/campaign"
)

// The client side of the vote bench: the simulated voter's browser, which signs in, loads
// pages and casts its ballot over HTTP, with the encoded forms and reused buffers of the
// measured loops. The orchestration and the report are in bench.go.

var benchReceiptRe = regexp.MustCompile(`id="receipt">([A-Z0-9-]{23})<`)
var benchCSRFRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// benchVoter is one voter of the bench: a signed-in browser and the ballot it will cast.
type benchVoter struct {
	cookie []string // its session cookie, as its browser sends it
	body   string   // the ballot's form, encoded with the anti-forgery token
}

// benchClient is a browser: its own cookie jar, redirects not followed.
func benchClient(tr http.RoundTripper) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Transport: tr, Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// benchSignIn signs the client in with its e-mail code and reads the ballot page of the
// campaign; it returns the anti-forgery token of the session.
func benchSignIn(cl *http.Client, base, slug, email, code string) (string, error) {
	// The sign-in form is a visitor's: it carries no anti-forgery token (the visitor has no
	// session yet), the Origin header is what the server checks.
	if _, _, err := benchGet(cl, base+"/connexion/code"); err != nil {
		return "", err
	}
	_, status, err := benchPost(cl, base+"/connexion/code/verifier", url.Values{"email": {email}, "code": {code}}, "", base)
	if err != nil {
		return "", err
	}
	if status != http.StatusSeeOther {
		return "", fmt.Errorf("sign-in: status %d", status)
	}
	body, _, err := benchGet(cl, base+"/"+slug+"/vote")
	if err != nil {
		return "", err
	}
	m := benchCSRFRe.FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, "/vote/verifier") {
		return "", errors.New("no ballot page")
	}
	return m[1], nil
}

// benchBallot is the ballot of voter i: one project in each category, varied.
func benchBallot(c *campaign.Campaign, projects []int64, i int) url.Values {
	form := url.Values{}
	for k := range c.Categories {
		form.Add("p", strconv.FormatInt(projects[(i*3+k*4)%len(projects)/3*3+k], 10))
	}
	return form
}

func benchGet(cl *http.Client, u string) (string, int, error) {
	resp, err := cl.Get(u)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), resp.StatusCode, err
}

func benchPost(cl *http.Client, u string, form url.Values, csrf, origin string) (string, int, error) {
	var buf bytes.Buffer
	status, err := benchSend(cl, u, benchBody(form, csrf), origin, nil, &buf)
	return buf.String(), status, err
}

// benchBody encodes a form with its anti-forgery token.
func benchBody(form url.Values, csrf string) string {
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set("csrf_token", csrf)
	return f.Encode()
}

var benchFormType = []string{"application/x-www-form-urlencoded"}

// benchSend posts an encoded form, with the cookie header given if any, and reads the
// answer into buf. The measured loops, of the ballots and of the bare handler alike, encode
// their forms and cookies beforehand and reuse their buffers: the client runs in the same
// process as the server, and what it spends is taken from the server.
func benchSend(cl *http.Client, u, body, origin string, cookie []string, buf *bytes.Buffer) (int, error) {
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header["Content-Type"] = benchFormType
	req.Header["Origin"] = []string{origin}
	if cookie != nil {
		req.Header["Cookie"] = cookie
	}
	resp, err := cl.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	buf.Reset()
	_, err = buf.ReadFrom(resp.Body)
	return resp.StatusCode, err
}

// benchBuffers are the measured loops' response buffers.
var benchBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// benchOpen gets a page for the warm-up, with the cookie header given if any; it must
// succeed.
func benchOpen(cl *http.Client, u string, cookie []string) error {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	if cookie != nil {
		req.Header["Cookie"] = cookie
	}
	resp, err := cl.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode >= 400 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}
