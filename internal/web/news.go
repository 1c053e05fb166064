package web

import (
	"net/http"
	"net/url"
	"strings"

	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/idea"
	"budgetcitoyen/internal/subscription"
)

// A campaign's news by e-mail (package subscription, KindCampaign): the form of the home
// page and of the campaign's page (no session needed: a visitor form, guarded by the
// cross-origin protection), its own page (the form again, with its errors), and the
// preferences page of the link of every e-mail.

// newsForm is the subscription form to a campaign's news.
type newsForm struct {
	Lang    i18n.Lang
	Slug    string
	Name    string // the campaign's
	ID      string // prefix of the fields' ids (several forms on the home page)
	Compact bool   // the home page's: the address only
	Email   string
	Commune string // the commune's text as typed
	Choices []option
	Errors  apperr.FieldErrors
	Error   string
	// Consent is the wording shown next to the button, recorded with the subscription.
	Consent string
}

func (s *Server) newsForm(lang i18n.Lang, c *campaign.Campaign, compact bool) newsForm {
	id := "news"
	if compact {
		id = "news-" + c.Slug
	}
	return newsForm{Lang: lang, Slug: c.Slug, Name: c.Name, ID: id, Compact: compact,
		Consent: s.cat.T(lang, "news.subscribe.consent", c.Name)}
}

// parseNewsForm reads the subscription form: the address and the commune (text typed, or
// code of a choice in the list), trimmed.
func parseNewsForm(form url.Values) (email, communeText, communeCode string) {
	return strings.TrimSpace(form.Get("email")), strings.TrimSpace(form.Get("commune_q")), strings.TrimSpace(form.Get("commune"))
}

type newsSubscribePage struct {
	Base
	News newsForm
}

// newsSubscribeShow is GET /{slug}/abonnement: the form alone.
func (s *Server) newsSubscribeShow(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	if c.Archived {
		return apperr.New(apperr.NotFound, "subscription.campaign.unknown")
	}
	return s.render(w, r, http.StatusOK, "news_subscribe", newsSubscribePage{Base: s.base(r, "news.subscribe.title", c.Name),
		News: s.newsForm(langOf(r), c, false)})
}

// newsCommune resolves the optional commune of a form the way the idea form does: ""
// when none was typed; field errors "commune_q" (unknown, outside) or "commune" (choose
// among the choices).
func (s *Server) newsCommune(c *campaign.Campaign, text, code string, errs apperr.FieldErrors) (string, []option) {
	if text == "" && code == "" {
		return "", nil
	}
	commune, choices, key := idea.ResolveCommune(s.Territory, c.Territory, text, code)
	switch {
	case key != "":
		errs.Add("commune_q", key)
	case len(choices) > 0:
		errs.Add("commune", "idea.error.commune_choose", len(choices))
		opts := make([]option, 0, len(choices))
		for _, ch := range choices {
			opts = append(opts, option{ch.Code, ideaCommuneLabel(ch)})
		}
		return "", opts
	default:
		return commune.Code, nil
	}
	return "", nil
}

// newsSubscribe is POST /{slug}/abonnement: a visitor asks for a campaign's news. The answer
// is the same whether the address was subscribed already; a refused form saves nothing.
func (s *Server) newsSubscribe(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	if c.Archived {
		return apperr.New(apperr.NotFound, "subscription.campaign.unknown")
	}
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	lang := langOf(r)
	f := s.newsForm(lang, c, false)
	var code string
	f.Email, f.Commune, code = parseNewsForm(r.PostForm)
	errs := apperr.FieldErrors{}
	if key, ok := account.CheckEmail(f.Email); !ok {
		errs.Add("email", key)
	}
	code, f.Choices = s.newsCommune(c, f.Commune, code, errs)
	page := newsSubscribePage{Base: s.base(r, "news.subscribe.title", c.Name), News: f}
	if len(errs) > 0 {
		page.News.Errors = errs
		return s.render(w, r, http.StatusUnprocessableEntity, "news_subscribe", page)
	}
	err := subscription.SubscribeCampaign(r.Context(), s.subscriptionEnv(), change.By(actorOf(r)), c,
		subscription.CampaignRequest{Email: f.Email, Commune: code, Consent: f.Consent, Lang: lang})
	if ae, ok := apperr.As(err); ok && (ae.Fields != nil || ae.Kind == apperr.TooMany) {
		page.News.Errors = ae.Fields
		if ae.Fields == nil {
			page.News.Error = s.cat.T(lang, ae.Message.Key, ae.Message.Args...)
		}
		return s.render(w, r, statusOf[ae.Kind], "news_subscribe", page)
	}
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "subscription", subscriptionPage{Base: s.base(r, "subscription.sent.title"),
		Mode: "sent", CampaignName: c.Name, CampaignURL: "/" + c.Slug})
}

type newsPreferencesPage struct {
	Base
	Secret       string
	CampaignName string
	CampaignURL  string
	News         []newsChoice
	Commune      string
	Choices      []option
	Errors       apperr.FieldErrors
	Saved        bool
}

// ID is the prefix of the commune fields' ids (template newsCommune).
func (newsPreferencesPage) ID() string { return "f" }

type newsChoice struct {
	Value   string
	Checked bool
}

// newsPreferencesData reads the campaign subscription of a preferences link.
func (s *Server) newsPreferencesData(r *http.Request, secret string) (*subscription.Subscription, *campaign.Campaign, newsPreferencesPage, error) {
	sub, err := subscription.ByUnsubscribe(r.Context(), s.db, secret)
	if err == nil && (sub.Kind != subscription.KindCampaign || !sub.Confirmed()) {
		err = apperr.New(apperr.NotFound, "subscription.unsubscribe.invalid")
	}
	if err != nil {
		return nil, nil, newsPreferencesPage{}, err
	}
	c, err := campaign.ByID(r.Context(), s.db, sub.CampaignID)
	if err != nil {
		return nil, nil, newsPreferencesPage{}, err
	}
	p := newsPreferencesPage{Base: s.base(r, "news.preferences.title"), Secret: secret, CampaignName: c.Name, CampaignURL: "/" + c.Slug}
	for _, n := range subscription.AllNews() {
		p.News = append(p.News, newsChoice{Value: string(n), Checked: sub.Wants(n)})
	}
	if cm, ok := s.Territory.Commune(sub.Commune); ok {
		p.Commune = cm.Name
	}
	return sub, c, p, nil
}

// newsPreferencesShow is GET /abonnements/preferences?jeton=…: the news wanted, the
// commune, and the button that ends the subscription. Showing it changes nothing.
func (s *Server) newsPreferencesShow(w http.ResponseWriter, r *http.Request) error {
	_, _, p, err := s.newsPreferencesData(r, r.URL.Query().Get("jeton"))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "news_preferences", p)
}

// newsPreferencesSave is POST /abonnements/preferences.
func (s *Server) newsPreferencesSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	secret := r.PostForm.Get("jeton")
	_, c, p, err := s.newsPreferencesData(r, secret)
	if err != nil {
		return err
	}
	news, text, code := subscription.ParsePreferences(r.PostForm)
	for i := range p.News {
		p.News[i].Checked = false
		for _, n := range news {
			if string(n) == p.News[i].Value {
				p.News[i].Checked = true
			}
		}
	}
	p.Commune = text
	errs := apperr.FieldErrors{}
	code, p.Choices = s.newsCommune(c, text, code, errs)
	if len(errs) > 0 {
		p.Errors = errs
		return s.render(w, r, http.StatusUnprocessableEntity, "news_preferences", p)
	}
	if _, err := subscription.SetPreferences(r.Context(), s.subscriptionEnv(), change.By(actorOf(r)), secret,
		subscription.Preferences{News: news, Commune: code}); err != nil {
		return err
	}
	if cm, ok := s.Territory.Commune(code); ok {
		p.Commune = cm.Name
	}
	p.Saved = true
	return s.render(w, r, http.StatusOK, "news_preferences", p)
}
