package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/followup"
	"budgetcitoyen/internal/followup/followuptest"
)

// sendMultipart posts a form with files the way a browser sends the final report's form.
func (b *browser) sendMultipart(path string, form url.Values, files map[string][]byte) page {
	b.s.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf_token", b.csrf)
	for k, vs := range form {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	for name, data := range files {
		fw, _ := mw.CreateFormFile("files", name)
		_, _ = fw.Write(data)
	}
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, b.s.srv.URL+path, &body)
	if err != nil {
		b.s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", b.s.srv.URL)
	return b.do(req)
}

// The money of the follow-up from the demo: the agent's board and a project's page, a
// payment refused above the grant then recorded, the carrier's final report refused when
// incomplete then filed with a document only its carrier and the agents may download, sent
// back and filed again, accepted; the balance is then due; the exports and the settings.
func TestFollowupMoneyJourney(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		c, err := campaign.BySlug(ctx, s.db, campaign.PresetPasDeCalais2018)
		if err != nil {
			t.Fatal(err)
		}
		followuptest.Afresh(t, s.db, followuptest.Completed(t, s.db, c.ID, 1)...)
		ps, err := followup.Projects(ctx, s.db, c.ID)
		if err != nil || len(ps) < 2 {
			t.Fatalf("2018 funded projects: %d %v", len(ps), err)
		}
		var pr followup.Project
		for _, p := range ps {
			if followup.Open(p.State) && p.PaidCents == 0 {
				pr = p
				break
			}
		}
		if pr.DossierID == 0 {
			t.Fatal("no open 2018 project without payment")
		}
		carrier := demoAccount(t, access.Carrier)
		if err := dossier.AddMember(ctx, s.db, pr.StructureID, s.accountID(carrier.Email), s.now); err != nil {
			t.Fatal(err)
		}
		base := fmt.Sprintf("/admin/campagnes/%s/suivi", c.Slug)
		staffURL := fmt.Sprintf("%s/%d", base, pr.DossierID)
		reportURL := fmt.Sprintf("/%s/dossiers/%d/bilan", c.Slug, pr.DossierID)

		agentAcc := demoAccount(t, access.Agent)
		agent := s.browser()
		agent.signIn(agentAcc.Email, agentAcc.Password)
		board := plain(agent.get(base))
		wantStatus(t, board, http.StatusOK, "board")
		wantContains(t, board, "board", "Rapports en retard", "Paiements à effectuer", pr.Title, base+"/parametres",
			base+"/actualites", base+"/export.csv", base+"/export.xlsx")
		wantContains(t, agent.get("/admin/campagnes/"+c.Slug), "console", `href="`+base+`"`)
		wantStatus(t, agent.get(staffURL), http.StatusOK, "staff page")

		// A payment above the grant is refused and names the remainder; nothing is recorded.
		above := campaign.MoneyInput(pr.GrantedCents + 1)
		p := plain(agent.post(staffURL+"/paiements", url.Values{"kind": {"advance"}, "amount": {above}, "paid_on": {"2018-12-20"}, "reference": {"M-42"}}))
		wantStatus(t, p, http.StatusUnprocessableEntity, "payment above the grant")
		wantContains(t, p, "payment above the grant", "dépasserait la subvention", `value="M-42"`)
		if got, _ := followup.Payments(ctx, s.db, pr.DossierID); len(got) != 0 {
			t.Fatalf("a refused payment was recorded: %+v", got)
		}
		advance := pr.GrantedCents / 2
		p = agent.post(staffURL+"/paiements", url.Values{"kind": {"advance"}, "amount": {campaign.MoneyInput(advance)}, "paid_on": {"2018-12-20"}})
		wantStatus(t, p, http.StatusSeeOther, "payment")

		// The carrier's final report.
		carrierB := s.browser()
		carrierB.signIn(carrier.Email, carrier.Password)
		p = carrierB.get(reportURL)
		wantStatus(t, p, http.StatusOK, "report page")
		wantContains(t, p, "report page", "Personnes touchées", `enctype="multipart/form-data"`)
		form := url.Values{"ind0": {"120"}, "ind1": {"8"}, "ind2": {"2"}, "summary": {""}, "total_cost": {"12 000,00"}}
		p = plain(carrierB.sendMultipart(reportURL, form, map[string][]byte{"bilan.pdf": tinyPDF}))
		wantStatus(t, p, http.StatusUnprocessableEntity, "report without summary")
		wantContains(t, p, "report without summary", `value="12 000,00"`, "Décrivez ce que le projet a réalisé")
		if r, _ := followup.ReportOf(ctx, s.db, pr.DossierID); r != nil {
			t.Fatal("a refused report was recorded")
		}
		form.Set("summary", "Le local est ouvert.")
		wantStatus(t, carrierB.sendMultipart(reportURL, form, map[string][]byte{"bilan.pdf": tinyPDF}), http.StatusSeeOther, "report")
		r, err := followup.ReportOf(ctx, s.db, pr.DossierID)
		if err != nil || r == nil || len(r.Files) != 1 {
			t.Fatalf("report: %+v %v", r, err)
		}
		doc := fmt.Sprintf("%s/documents/%d", reportURL, r.Files[0].ID)
		if p := carrierB.get(doc); p.Status != http.StatusOK || !strings.HasPrefix(p.Body, "%PDF") ||
			!strings.HasPrefix(p.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("carrier's document: %d %q", p.Status, p.Header.Get("Content-Disposition"))
		}
		wantStatus(t, agent.get(doc), http.StatusOK, "agent's document")
		cit := demoAccount(t, access.Citizen)
		other := s.browser()
		other.signIn(cit.Email, cit.Password)
		wantStatus(t, other.get(doc), http.StatusNotFound, "another person's document")
		wantStatus(t, other.get(reportURL), http.StatusNotFound, "another person's report")
		wantStatus(t, other.get(staffURL), http.StatusForbidden, "staff page for a citizen")

		// Sent back without a comment: refused; with one: the carrier sees it.
		p = agent.post(staffURL+"/bilan", url.Values{"decision": {"return"}, "comment": {""}})
		wantStatus(t, p, http.StatusUnprocessableEntity, "return without comment")
		wantStatus(t, agent.post(staffURL+"/bilan", url.Values{"decision": {"return"}, "comment": {"Ajoutez la facture."}}),
			http.StatusSeeOther, "return")
		wantContains(t, plain(carrierB.get(reportURL)), "returned report", "Ajoutez la facture.", "À compléter")
		wantStatus(t, carrierB.sendMultipart(reportURL, form, nil), http.StatusSeeOther, "report filed again")
		wantStatus(t, agent.post(staffURL+"/bilan", url.Values{"decision": {"accept"}}), http.StatusSeeOther, "accept")
		if r, _ := followup.ReportOf(ctx, s.db, pr.DossierID); r.Status != followup.ReportAccepted {
			t.Fatalf("report status %s", r.Status)
		}
		// The balance is now due, on the board and in the export.
		board = plain(agent.get(base))
		wantContains(t, board, "board after the report", "Solde")
		csv := agent.get(base + "/export.csv")
		wantStatus(t, csv, http.StatusOK, "export.csv")
		if !strings.Contains(csv.Body, pr.Title) || !strings.Contains(csv.Body, "Accepté") {
			t.Errorf("export.csv lacks the project: %s", excerpt(csv.Body))
		}
		pays := agent.get(base + "/paiements.csv")
		if !strings.Contains(pays.Body, "2018-12-20") || !strings.Contains(pays.Body, "Avance") {
			t.Errorf("paiements.csv: %s", excerpt(pays.Body))
		}
		x := agent.get(base + "/export.xlsx")
		if x.Status != http.StatusOK || !strings.HasPrefix(x.Body, "PK") {
			t.Errorf("export.xlsx: %d", x.Status)
		}
		wantStatus(t, other.get(base+"/export.csv"), http.StatusForbidden, "export for a citizen")

		// The settings.
		wantStatus(t, agent.get(base+"/parametres"), http.StatusOK, "settings")
		set := url.Values{"steps": {"Convention signée\nLocal ouvert"}, "indicators": {"Personnes touchées"}, "max_photos": {"4"},
			"advance_percent": {"150"}, "stale_months": {"3"}, "report_due_on": {"2019-06-30"}}
		p = agent.post(base+"/parametres", set)
		wantStatus(t, p, http.StatusUnprocessableEntity, "settings out of range")
		wantContains(t, p, "settings out of range", "Local ouvert")
		set.Set("advance_percent", "30")
		wantStatus(t, agent.post(base+"/parametres", set), http.StatusSeeOther, "settings")
		if st, _ := followup.SettingsOf(ctx, s.db, c.ID); st.AdvancePercent != 30 || st.ReportDueOn.String() != "2019-06-30" {
			t.Errorf("settings: %+v", st)
		}
		// The report's due date has passed (the clock is in 2026): the other projects are late.
		wantContains(t, plain(agent.get(base)), "board with a due date", "(en retard)")
	})
}
