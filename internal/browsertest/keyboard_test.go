package browsertest

import (
	"budgetcitoyen/internal/access"
	"fmt"
	"strings"
	"testing"
)

// describeJS names an element in failure messages: tag, id, name, text.
const describeJS = `function (el) {
  if (!el) return '(nothing)';
  if (el === document.body) return 'body';
  let d = el.tagName.toLowerCase();
  if (el.id) d += '#' + el.id;
  if (el.getAttribute('name')) d += '[name=' + el.getAttribute('name') + ']';
  if (el.getAttribute('href')) d += '[href=' + el.getAttribute('href') + ']';
  const text = (el.innerText || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 40);
  if (text) d += ' "' + text + '"';
  return d;
}`

// Focusables lists, in document order, the elements that Tab must reach on the page shown,
// and numbers them (data-kb attribute) so that Focused can tell which one has the focus.
// The page must not use positive tabindex values, so document order is the Tab order; a
// group of radio buttons is one stop.
func (tab *Tab) Focusables() []string {
	tab.t.Helper()
	return Eval[[]string](tab, `(() => {
  const describe = `+describeJS+`;
  const sel = 'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), ' +
    'textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';
  const out = [];
  // A group of radio buttons is one Tab stop, as in browsers: its checked button, or its
  // first when none is (arrows move inside). All its buttons share the stop's number.
  const groupKey = el => (el.form ? Array.prototype.indexOf.call(document.forms, el.form) : -1) + ' ' + el.name;
  const stop = new Map();
  const visible = [...document.querySelectorAll(sel)].filter(el => {
    const cs = getComputedStyle(el);
    return !(el.getClientRects().length === 0 || cs.visibility === 'hidden' || el.closest('[inert]'));
  });
  for (const el of visible) {
    if (el.type !== 'radio' || !el.name) continue;
    const k = groupKey(el);
    if (!stop.has(k) || (el.checked && !stop.get(k).checked)) stop.set(k, el);
  }
  const numbers = new Map();
  for (const el of visible) {
    if (el.tabIndex > 0) throw new Error('positive tabindex on ' + describe(el));
    if (el.type === 'radio' && el.name && stop.get(groupKey(el)) !== el) continue;
    el.setAttribute('data-kb', String(out.length));
    if (el.type === 'radio' && el.name) numbers.set(groupKey(el), out.length);
    out.push(el.type === 'radio' && el.name ? 'radio group ' + el.name + ' at ' + describe(el) : describe(el));
  }
  for (const el of visible) {
    if (el.type === 'radio' && el.name) el.setAttribute('data-kb', String(numbers.get(groupKey(el))));
  }
  return out;
})()`)
}

// Focus describes the element that has the keyboard focus.
type Focus struct {
	Index       int    `json:"index"` // its number from Focusables, -1 if none
	Desc        string `json:"desc"`
	Visible     bool   `json:"visible"` // a focus indicator is drawn: outline or box-shadow
	Style       string `json:"style"`
	OnScreen    bool   `json:"onScreen"`
	IsMain      bool   `json:"isMain"`
	IsDocument  bool   `json:"isDocument"` // the focus is on no element (body)
	InsideMain  bool   `json:"insideMain"`
	BoundingTop int    `json:"top"`
}

// Focused tells which element has the focus and whether its focus is visible.
func (tab *Tab) Focused() Focus {
	tab.t.Helper()
	return Eval[Focus](tab, `(() => {
  const describe = `+describeJS+`;
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) {
    return {index: -1, desc: describe(el), visible: false, style: '', onScreen: false, isMain: false, isDocument: true, insideMain: false, top: 0};
  }
  const cs = getComputedStyle(el);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
  const shadow = cs.boxShadow && cs.boxShadow !== 'none';
  const r = el.getBoundingClientRect();
  const kb = el.getAttribute('data-kb');
  return {index: kb === null ? -1 : Number(kb), desc: describe(el), visible: !!(outline || shadow),
    style: 'outline: ' + cs.outlineStyle + ' ' + cs.outlineWidth + ' ' + cs.outlineColor + '; box-shadow: ' + cs.boxShadow,
    onScreen: r.right > 0 && r.bottom > 0 && r.left < window.innerWidth && r.width > 0 && r.height > 0,
    isMain: el.tagName === 'MAIN', isDocument: false, insideMain: !!el.closest('main'), top: Math.round(r.top)};
})()`)
}

// CheckSkipLink checks, on a freshly opened page, that the first Tab stop is the skip link,
// shown on screen with a visible focus, and that Enter on it moves the focus to <main>,
// from where Tab goes on inside the content.
func (tab *Tab) CheckSkipLink() {
	tab.t.Helper()
	tab.Focusables()
	tab.Tab()
	f := tab.Focused()
	if !strings.Contains(f.Desc, "a[href=#contenu]") {
		tab.t.Fatalf("on %s the first Tab stop is %s, want the skip link", tab.location(), f.Desc)
	}
	if !f.Visible || !f.OnScreen {
		tab.t.Errorf("the focused skip link is not shown (on screen: %v, focus style: %s)", f.OnScreen, f.Style)
	}
	tab.Press("\r")
	f = tab.Focused()
	if !f.IsMain {
		tab.t.Fatalf("after Enter on the skip link the focus is on %s, want <main>", f.Desc)
	}
	tab.Tab()
	if f = tab.Focused(); !f.InsideMain {
		tab.t.Errorf("Tab after the skip link goes to %s, outside <main>", f.Desc)
	}
}

// CheckTabOrder walks the page shown with the keyboard alone: from the top, Tab reaches
// every interactive element in document order, each with a visible focus, then leaves the
// page (no trap); Shift+Tab walks back through all of them in reverse order.
func (tab *Tab) CheckTabOrder() {
	tab.t.Helper()
	want := tab.Focusables()
	if len(want) == 0 {
		tab.t.Fatalf("no interactive element on %s", tab.location())
	}
	// Start from the top of the document.
	Eval[bool](tab, `(document.activeElement && document.activeElement.blur(), true)`)
	check := func(i int, key string) {
		tab.t.Helper()
		f := tab.Focused()
		if f.Index != i {
			tab.t.Fatalf("%s #%d on %s: focus on %s, want %s\n(order: %s)", key, i, tab.location(), f.Desc, want[i], strings.Join(numbered(want), ", "))
		}
		if !f.Visible {
			tab.t.Errorf("%s: the focus on %s is not visible (%s)", key, f.Desc, f.Style)
		}
	}
	for i := range want {
		tab.stepFrom(i-1, tab.Tab)
		check(i, "Tab")
	}
	tab.stepFrom(len(want)-1, tab.Tab)
	if f := tab.Focused(); f.Index >= 0 && f.Index < len(want)-1 {
		tab.t.Errorf("Tab after the last element (%s) comes back to %s: a keyboard trap?", want[len(want)-1], f.Desc)
	}
	// Back from the end of the page.
	if tab.Focused().Index != len(want)-1 {
		tab.ShiftTab()
	}
	check(len(want)-1, "Shift+Tab")
	for i := len(want) - 2; i >= 0; i-- {
		tab.stepFrom(i+1, tab.ShiftTab)
		check(i, "Shift+Tab")
	}
}

// stepFrom presses a key (Tab or Shift+Tab) to leave element number from; a date field has
// one stop per part (day, month, year), so the key is pressed again while the focus stays
// in it.
func (tab *Tab) stepFrom(from int, press func()) {
	tab.t.Helper()
	for range 4 {
		press()
		if from < 0 || tab.Focused().Index != from || !Eval[bool](tab, `/^(date|time|datetime-local|month|week)$/.test(document.activeElement.type || '')`) {
			return
		}
	}
}

func numbered(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = fmt.Sprintf("%d %s", i, s)
	}
	return out
}

func TestKeyboardSignIn(t *testing.T) {
	t.Parallel()
	s := SharedSite(t)
	tab := s.NewTab(t)
	tab.Open("/connexion")
	tab.CheckSkipLink()
	tab.Open("/connexion")
	tab.CheckTabOrder()
	// The form works from the keyboard alone: type, Tab, type, Enter.
	citizen := s.Account(t, access.Citizen)
	tab.Open("/connexion")
	tab.Focus(field("email"))
	tab.Press(citizen.Email)
	tab.Tab()
	tab.Press(citizen.Password)
	if st := tab.SubmitKeys("\r"); st != 200 {
		t.Fatalf("sign in with Enter: status %d", st)
	}
	if !tab.Has(`form[action="/deconnexion"]`) {
		t.Fatalf("Enter in the sign-in form did not sign in: %s", tab.MainText())
	}
}

func TestKeyboardCampaignForm(t *testing.T) {
	t.Parallel()
	s := SharedSite(t)
	tab := s.NewTab(t)
	tab.SignInAs(access.Agent)
	open, _ := s.Slugs()
	tab.Open("/admin/campagnes/" + open + "/parametres")
	tab.CheckSkipLink()
	tab.Open("/admin/campagnes/" + open + "/parametres")
	tab.CheckTabOrder()
}
