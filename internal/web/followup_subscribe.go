package web

import (
	"net/http"
	"strconv"
	"strings"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/subscription"
)

// The subscriptions to a funded project's updates (package subscription): the form on the
// project's page, and the pages of the links of the e-mails. The links' pages change
// nothing on GET (a mail filter that opens links must not confirm nor end a subscription):
// they show what the button does, and the button posts.

type subscriptionPage struct {
	Base
	// Mode: "sent" (the confirmation e-mail is on its way), "confirm" (the button to
	// confirm), "confirmed", "unsubscribe" (the button to end it), "unsubscribed".
	Mode        string
	Secret      string
	ProjectURL  string
	ProjectName string
	// A campaign's news: its name and page, and the preferences page of the subscription.
	CampaignName string
	CampaignURL  string
	PrefsURL     string
}

// subscriptionTopic names a subscription's topic for its pages: the project's title and
// address ("" when it no longer exists).
func (s *Server) subscriptionTopic(r *http.Request, sub *subscription.Subscription, p *subscriptionPage) {
	if sub != nil && sub.Kind == subscription.KindCampaign {
		if c, err := campaign.ByID(r.Context(), s.db, sub.CampaignID); err == nil {
			p.CampaignName, p.CampaignURL = c.Name, "/"+c.Slug
		}
		if sub.Confirmed() && sub.Unsubscribe != "" && p.Mode == "confirmed" {
			p.PrefsURL = subscription.PreferencesPath + "?jeton=" + sub.Unsubscribe
		}
		return
	}
	if sub == nil || sub.Kind != subscription.KindProject {
		return
	}
	c, err := campaign.ByID(r.Context(), s.db, sub.CampaignID)
	if err != nil {
		return
	}
	d, err := dossier.ByID(r.Context(), s.db, sub.TargetID)
	if err != nil {
		return
	}
	p.ProjectName, p.ProjectURL = d.Title, "/"+c.Slug+"/projets/"+strconv.FormatInt(sub.TargetID, 10)
}

// followupSubscribe is POST /{slug}/projets/{id}/suivre: a visitor asks to follow a funded
// project's updates. The answer is the same whether the address was subscribed already.
func (s *Server) followupSubscribe(w http.ResponseWriter, r *http.Request) error {
	p, err := s.projectsShowData(r)
	if err != nil {
		return err
	}
	if p.Followup == nil {
		return apperr.New(apperr.NotFound, "subscription.topic.unknown")
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	err = subscription.Subscribe(r.Context(), s.subscriptionEnv(), change.By(actorOf(r)),
		subscription.ProjectTopic(p.Campaign, p.Project.ID), email, langOf(r))
	if ae, ok := apperr.As(err); ok && (ae.Fields != nil || ae.Kind == apperr.TooMany) {
		p.Subscribe = subscribeForm{Email: email, Errors: ae.Fields}
		if ae.Fields == nil {
			p.Subscribe.Error = s.cat.T(p.Lang, ae.Message.Key, ae.Message.Args...)
		}
		status := statusOf[ae.Kind]
		return s.render(w, r, status, "projects_show", p)
	}
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "subscription", subscriptionPage{Base: s.base(r, "subscription.sent.title"),
		Mode: "sent", ProjectName: p.Project.Title, ProjectURL: "/" + p.Campaign.Slug + "/projets/" + strconv.FormatInt(p.Project.ID, 10)})
}

// subscriptionConfirmShow is GET /abonnements/confirmer?jeton=…: what the link confirms,
// and the button.
func (s *Server) subscriptionConfirmShow(w http.ResponseWriter, r *http.Request) error {
	secret := r.URL.Query().Get("jeton")
	sub, err := subscription.PendingByConfirm(r.Context(), s.db, secret, s.now())
	if err != nil {
		return err
	}
	p := subscriptionPage{Base: s.base(r, "subscription.confirm.title"), Mode: "confirm", Secret: secret}
	s.subscriptionTopic(r, sub, &p)
	return s.render(w, r, http.StatusOK, "subscription", p)
}

// subscriptionConfirm is POST /abonnements/confirmer.
func (s *Server) subscriptionConfirm(w http.ResponseWriter, r *http.Request) error {
	sub, err := subscription.Confirm(r.Context(), s.subscriptionEnv(), change.By(actorOf(r)), r.PostFormValue("jeton"))
	if err != nil {
		return err
	}
	p := subscriptionPage{Base: s.base(r, "subscription.confirmed.title"), Mode: "confirmed"}
	s.subscriptionTopic(r, sub, &p)
	return s.render(w, r, http.StatusOK, "subscription", p)
}

// subscriptionUnsubscribeShow is GET /abonnements/desabonner?jeton=…: what the link ends,
// and the button.
func (s *Server) subscriptionUnsubscribeShow(w http.ResponseWriter, r *http.Request) error {
	secret := r.URL.Query().Get("jeton")
	sub, err := subscription.ByUnsubscribe(r.Context(), s.db, secret)
	if apperr.IsKind(err, apperr.NotFound) {
		return s.render(w, r, http.StatusOK, "subscription", subscriptionPage{Base: s.base(r, "subscription.unsubscribed.title"),
			Mode: "unsubscribed"})
	}
	if err != nil {
		return err
	}
	p := subscriptionPage{Base: s.base(r, "subscription.unsubscribe.title"), Mode: "unsubscribe", Secret: secret}
	s.subscriptionTopic(r, sub, &p)
	return s.render(w, r, http.StatusOK, "subscription", p)
}

// subscriptionUnsubscribe is POST /abonnements/desabonner: the page's button (jeton in the
// form) or a mail client's one-click unsubscription (RFC 8058: jeton in the address of the
// List-Unsubscribe header, body "List-Unsubscribe=One-Click"). A subscription already ended
// gives the same answer.
func (s *Server) subscriptionUnsubscribe(w http.ResponseWriter, r *http.Request) error {
	secret := r.PostFormValue("jeton")
	if secret == "" {
		secret = r.URL.Query().Get("jeton")
	}
	sub, err := subscription.Unsubscribe(r.Context(), s.subscriptionEnv(), change.By(actorOf(r)), secret)
	if err != nil && !apperr.IsKind(err, apperr.NotFound) {
		return err
	}
	p := subscriptionPage{Base: s.base(r, "subscription.unsubscribed.title"), Mode: "unsubscribed"}
	s.subscriptionTopic(r, sub, &p)
	return s.render(w, r, http.StatusOK, "subscription", p)
}
