package browsertest

import (
	_ "embed"
	"fmt"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core, pinned (testdata/README.md tells the version and the source).
//
//go:embed testdata/axe.min.js
var axeSource string

// axeTags are the rule sets that must pass: WCAG 2.0 and 2.1, levels A and AA (RGAA 4.1
// follows WCAG 2.1 AA).
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

type axeNode struct {
	Target  string `json:"target"`
	HTML    string `json:"html"`
	Summary string `json:"summary"`
}

type axeViolation struct {
	ID      string    `json:"id"`
	Impact  string    `json:"impact"`
	Help    string    `json:"help"`
	HelpURL string    `json:"helpUrl"`
	Nodes   []axeNode `json:"nodes"`
}

// Axe runs axe-core's WCAG 2.1 A and AA rules on the page shown and returns the violations.
func (tab *Tab) Axe() []axeViolation {
	tab.t.Helper()
	if !Eval[bool](tab, `typeof window.axe === 'object'`) {
		Eval[bool](tab, axeSource+"\n;true")
	}
	tags := make([]string, len(axeTags))
	for i, tag := range axeTags {
		tags[i] = jsString(tag)
	}
	script := fmt.Sprintf(`axe.run(document, {runOnly: {type: 'tag', values: [%s]}, resultTypes: ['violations']})
  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: JSON.stringify(n.target), html: n.html, summary: n.failureSummary || ''}))})))`,
		strings.Join(tags, ", "))
	return valueWithin(tab, "run axe-core", axeTimeout, chromedp.Evaluate[[]axeViolation](script, chromedp.EvalAwaitPromise))
}

// CheckAxe fails the test if axe-core finds any WCAG 2.1 A or AA violation on the page
// shown, listing each rule with the elements concerned.
func (tab *Tab) CheckAxe() {
	tab.t.Helper()
	vs := tab.Axe()
	if len(vs) == 0 {
		return
	}
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "\n• %s (%s): %s — %s", v.ID, v.Impact, v.Help, v.HelpURL)
		for i, n := range v.Nodes {
			if i == 5 {
				fmt.Fprintf(&b, "\n    … and %d more", len(v.Nodes)-5)
				break
			}
			fmt.Fprintf(&b, "\n    %s %s\n      %s", n.Target, abbrevN(n.HTML, 200), strings.ReplaceAll(n.Summary, "\n", "\n      "))
		}
	}
	tab.t.Errorf("axe-core: %d WCAG 2.1 A/AA violation(s) on %s:%s", len(vs), tab.location(), b.String())
}

// axeTimeout bounds one axe-core run: the agents' statistics page (887 communes in a table
// and on a map) takes seconds alone and may take more than actionTimeout on a busy machine.
const axeTimeout = 90 * time.Second

// phoneWidth and phoneHeight are the small-phone viewport every page must fit (375×812).
const phoneWidth, phoneHeight = 375, 812

type overflow struct {
	ScrollWidth int      `json:"scrollWidth"`
	InnerWidth  int      `json:"innerWidth"`
	Wide        []string `json:"wide"`
}

// CheckNoHorizontalScroll shows the page on a 375×812 phone and fails the test if it can
// scroll sideways, naming the elements that stick out; the viewport is reset after.
func (tab *Tab) CheckNoHorizontalScroll() {
	tab.t.Helper()
	if o := tab.PhoneOverflow(); o.ScrollWidth > o.InnerWidth || o.ScrollWidth > phoneWidth {
		tab.t.Errorf("%s scrolls sideways at %d px: content %d px wide (viewport %d); wide elements: %s",
			tab.location(), phoneWidth, o.ScrollWidth, o.InnerWidth, strings.Join(o.Wide, ", "))
	}
}

// PhoneOverflow measures the page shown on a 375×812 phone: its width, the viewport's and
// the elements wider than the phone.
func (tab *Tab) PhoneOverflow() overflow {
	tab.t.Helper()
	tab.SetViewport(phoneWidth, phoneHeight, true)
	defer tab.ResetViewport()
	return Eval[overflow](tab, `(() => {
  const de = document.documentElement;
  const sw = Math.max(de.scrollWidth, document.body.scrollWidth);
  const wide = [];
  if (sw > window.innerWidth || sw > `+fmt.Sprint(phoneWidth)+`) {
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right > `+fmt.Sprint(phoneWidth)+` + 0.5 && r.width > 0) {
        wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
          (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '') +
          ' right=' + Math.round(r.right));
        if (wide.length >= 10) break;
      }
    }
  }
  return {scrollWidth: sw, innerWidth: window.innerWidth, wide: wide};
})()`)
}
