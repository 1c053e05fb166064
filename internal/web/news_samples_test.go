package web

import (
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/subscription"
)

// newsSamples are the samples of the pages of a campaign's news by e-mail: the form's page
// (empty, refused with a choice of communes, past the limits), the preferences page, the
// subscription pages of a campaign's news.
func newsSamples(b Base) []pageSample {
	c := sampleCampaign()
	form := newsForm{Lang: b.Lang, Slug: c.Slug, Name: c.Name, ID: "news", Consent: "J'accepte <&>"}
	refused := form
	refused.Email, refused.Commune = "pas une adresse", "Saint"
	refused.Errors = apperr.FieldErrors{}
	refused.Errors.Add("email", "account.email_invalid")
	refused.Errors.Add("commune", "idea.error.commune_choose", 2)
	refused.Choices = []option{{"62767", "Saint-Pol-sur-Ternoise (62130)"}, {"62764", "Saint-Omer (62500)"}}
	many := form
	many.Error = "Trop de demandes"
	var news []newsChoice
	for i, n := range subscription.AllNews() {
		news = append(news, newsChoice{Value: string(n), Checked: i%2 == 0})
	}
	prefs := newsPreferencesPage{Base: b, Secret: "s", CampaignName: c.Name, CampaignURL: "/" + c.Slug, News: news, Commune: "Arras"}
	saved := prefs
	saved.Saved = true
	refusedPrefs := prefs
	refusedPrefs.Errors = apperr.FieldErrors{}
	refusedPrefs.Errors.Add("commune_q", "idea.error.commune_unknown")
	at := sampleNow.Add(48 * time.Hour)
	letters := []letterView{
		{Letter: subscription.Letter{ID: 3, Title: "Le vote approche <&>", Status: subscription.LetterScheduled, SendAt: &at}, Path: "/admin/campagnes/c/lettres/3", When: at},
		{Letter: subscription.Letter{ID: 2, Title: "Bienvenue", Status: subscription.LetterDraft}, Path: "/admin/campagnes/c/lettres/2"},
		{Letter: subscription.Letter{ID: 1, Title: "Les comptoirs", Status: subscription.LetterSent, SentAt: &at}, Path: "/admin/campagnes/c/lettres/1", When: at},
	}
	list := lettersPage{Base: b, C: c, Letters: letters, Subscribers: 1234}
	refusedList := lettersPage{Base: b, C: c, Subscribers: 1, Form: subscription.LetterForm{Title: ""}, Errors: apperr.FieldErrors{}}
	refusedList.Errors.Add("title", "news.letter.error.title_required")
	preview := &mail.Message{Subject: "La lettre d'information du budget citoyen", Body: "Bonjour,\n\nVoici la lettre.\n\nhttps://exemple.fr"}
	draft := lettersPage{Base: b, C: c, Letter: &letters[1], Form: subscription.LetterForm{Title: "Bienvenue", Body: "Texte"}, Preview: preview}
	scheduled := lettersPage{Base: b, C: c, Letter: &letters[0], Preview: preview}
	sent := lettersPage{Base: b, C: c, Letter: &letters[2], Preview: preview}
	badDate := draft
	badDate.SendAt = "hier"
	badDate.Errors = apperr.FieldErrors{}
	badDate.Errors.Add("send_at", "news.letter.error.send_at")
	return []pageSample{
		{page: "news_letters", data: list},
		{page: "news_letters", note: "none, refused", data: refusedList},
		{page: "news_letter", note: "draft", data: draft},
		{page: "news_letter", note: "scheduled", data: scheduled},
		{page: "news_letter", note: "sent", data: sent},
		{page: "news_letter", note: "bad date", data: badDate},
		{page: "idea_deposit", note: "signed in, news box", data: ideaDepositPage{Base: b, Campaign: c, EmailFixed: true,
			NewsConsent: "Recevoir aussi les nouvelles <&>", News: true}},
		{page: "news_subscribe", data: newsSubscribePage{Base: b, News: form}},
		{page: "news_subscribe", note: "refused", data: newsSubscribePage{Base: b, News: refused}},
		{page: "news_subscribe", note: "too many", data: newsSubscribePage{Base: b, News: many}},
		{page: "news_preferences", data: prefs},
		{page: "news_preferences", note: "saved", data: saved},
		{page: "news_preferences", note: "refused", data: refusedPrefs},
		{page: "subscription", note: "campaign sent", data: subscriptionPage{Base: b, Mode: "sent", CampaignName: c.Name, CampaignURL: "/" + c.Slug}},
		{page: "subscription", note: "campaign confirm", data: subscriptionPage{Base: b, Mode: "confirm", Secret: "s", CampaignName: c.Name}},
		{page: "subscription", note: "campaign confirmed", data: subscriptionPage{Base: b, Mode: "confirmed", CampaignName: c.Name, PrefsURL: "/abonnements/preferences?jeton=s"}},
		{page: "subscription", note: "campaign unsubscribe", data: subscriptionPage{Base: b, Mode: "unsubscribe", Secret: "s", CampaignName: c.Name}},
		{page: "subscription", note: "campaign unsubscribed", data: subscriptionPage{Base: b, Mode: "unsubscribed", CampaignName: c.Name, CampaignURL: "/" + c.Slug}},
	}
}
