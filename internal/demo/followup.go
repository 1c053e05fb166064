package demo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/followup"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/review"
)

// The 2018 edition's funded projects are followed to their end, as a Département would have
// recorded it: the advance paid in January 2019, the agreement signed, the work started and
// done (with photos), the final report accepted, the balance paid and the project completed.
// One was given up (its reason is public); one — the demo carrier's — is late: its work is
// under way and its final report, due on 30 June 2020, was never filed. Every step goes
// through the follow-up's commands, dated as it happened.

// demoFollowupPhotos are the pictures of the projects' work, with their alternative texts.
var demoFollowupPhotos = []demoPhoto{
	{"houses", skyBlue, grass, "Illustration : le local du projet, une maison de briques rénovée, le jour de l'ouverture au public."},
	{"garden", skyBlue, grass, "Illustration : des bénévoles ont planté les premières rangées de légumes au pied des immeubles."},
	{"tent", skyDawn, grass, "Illustration : le chapiteau dressé pour la journée de lancement, avec ses guirlandes de fanions."},
	{"shelves", skyGrey, pavement, "Illustration : les étagères du nouvel atelier, garnies d'objets réparés prêts à être prêtés."},
}

// demoAbandonReason is the public reason of the abandoned project.
const demoAbandonReason = "Le local promis par la commune n'a finalement pas été disponible ; faute d'autre lieu, " +
	"l'association a renoncé au projet en septembre 2019. Aucune somme ne lui a été versée."

// seedFollowup2018 follows the 2018 winners; blobs nil: no photos.
func seedFollowup2018(ctx context.Context, d *db.DB, now time.Time, blobs dossier.Blobs) error {
	c, err := campaign.BySlug(ctx, d, campaign.PresetPasDeCalais2018)
	if err != nil {
		return fmt.Errorf("demo follow-up: %w", err)
	}
	ps, err := followup.Projects(ctx, d, c.ID)
	if err != nil || len(ps) == 0 {
		return err
	}
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	var clock time.Time
	cenv := change.Env{DB: d, Now: func() time.Time { return clock }}
	env := followup.Env{Change: cenv, Blobs: blobs, Cat: cat}
	renv := review.Env{Change: cenv, Cat: cat}
	who := change.System("demo")
	at := func(y int, m time.Month, day int) { clock = time.Date(y, m, day, 10, 0, 0, 0, time.UTC) }

	at(2018, time.December, 10)
	in := followup.DefaultSettings().Input()
	in.ReportDueOn = "2020-06-30"
	if _, err := followup.UpdateSettings(ctx, env, who, c, in); err != nil {
		return fmt.Errorf("demo follow-up settings: %w", err)
	}
	late, abandoned := len(ps)-1, len(ps)/2
	if err := carrierJoins(ctx, d, now, ps[late].StructureID); err != nil {
		return err
	}
	for i, p := range ps {
		f := demoFollow{ctx: ctx, env: env, renv: renv, who: who, c: c, p: p, at: at, photo: blobs != nil}
		switch i {
		case abandoned:
			err = f.abandon()
		case late:
			err = f.lateProject(i)
		default:
			err = f.complete(i)
		}
		if err != nil {
			return fmt.Errorf("demo follow-up of %q: %w", p.Title, err)
		}
	}
	return nil
}

// carrierJoins makes the demo carrier a member of the late project's structure: the carrier
// of the demo posts its next update and files its final report.
func carrierJoins(ctx context.Context, d *db.DB, now time.Time, structureID int64) error {
	for _, a := range Accounts(now) {
		if a.Role != access.Carrier {
			continue
		}
		acc, err := account.ByEmail(ctx, d, a.Email)
		if err != nil {
			return fmt.Errorf("demo carrier: %w", err)
		}
		return dossier.AddMember(ctx, d, structureID, acc.ID, time.Date(2018, time.September, 1, 9, 0, 0, 0, time.UTC))
	}
	return nil
}

// demoFollow is the follow-up of one demo project.
type demoFollow struct {
	ctx   context.Context
	env   followup.Env
	renv  review.Env
	who   change.Who
	c     *campaign.Campaign
	p     followup.Project
	at    func(y int, m time.Month, d int)
	photo bool
}

// update posts an update on day (done that day) and publishes it four days later.
func (f demoFollow) update(day time.Time, title, body string, step, progress int, photo *demoPhoto) error {
	f.at(day.Year(), day.Month(), day.Day())
	in := followup.UpdateInput{DossierID: f.p.DossierID, Title: title, Body: body, DoneOn: campaign.DateOf(day).String(),
		Step: strconv.Itoa(step), Progress: strconv.Itoa(progress), Lang: i18n.FR}
	if photo != nil && f.photo {
		data, err := drawDemoPhoto(*photo)
		if err != nil {
			return err
		}
		in.Photos = []followup.PhotoInput{{Slot: 0, Data: data, Alt: photo.alt}}
	}
	id, err := followup.PostUpdate(f.ctx, f.env, f.who, f.c, in)
	if err != nil {
		return fmt.Errorf("update %q: %w", title, err)
	}
	pub := day.AddDate(0, 0, 4)
	f.at(pub.Year(), pub.Month(), pub.Day())
	if err := followup.ReviewUpdate(f.ctx, f.env, f.who, f.c, id, true, ""); err != nil {
		return fmt.Errorf("publish %q: %w", title, err)
	}
	return nil
}

// pay records a payment of amount cents on day.
func (f demoFollow) pay(day time.Time, kind followup.PaymentKind, cents int64, ref string) error {
	f.at(day.Year(), day.Month(), day.Day()+1)
	_, err := followup.RecordPayment(f.ctx, f.env, f.who, f.c, followup.PaymentInput{DossierID: f.p.DossierID,
		Kind: string(kind), Amount: euros(cents), PaidOn: campaign.DateOf(day).String(), Reference: ref})
	if err != nil {
		return fmt.Errorf("payment %s: %w", kind, err)
	}
	return nil
}

// euros writes cents as the payment form takes them ("4000,50").
func euros(cents int64) string { return fmt.Sprintf("%d,%02d", cents/100, cents%100) }

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, time.UTC) }

// started: the advance and the agreement, then the work under way (with a photo).
func (f demoFollow) started(i int) error {
	s := followup.DefaultSettings()
	if err := f.update(date(2019, time.January, 8+i%10), "Convention signée avec le Département",
		"La convention de financement a été signée ; l'avance de la subvention a été demandée.", 1, 10, nil); err != nil {
		return err
	}
	if err := f.pay(date(2019, time.January, 18+i%10), followup.PaymentAdvance, f.p.GrantedCents*int64(s.AdvancePercent)/100,
		fmt.Sprintf("MDT-2019-%04d", 100+i)); err != nil {
		return err
	}
	ph := demoFollowupPhotos[i%len(demoFollowupPhotos)]
	return f.update(date(2019, time.April, 2+i%20), "Les travaux ont commencé",
		"Les premiers aménagements sont faits avec les bénévoles ; l'activité accueille déjà ses premiers habitants.",
		2, 50, &ph)
}

// complete follows a project to its end.
func (f demoFollow) complete(i int) error {
	if err := f.started(i); err != nil {
		return err
	}
	if err := f.update(date(2019, time.October, 1+i%25), "Le projet est réalisé",
		"Tout ce que prévoyait le dossier est en place ; l'inauguration a réuni les habitants et les partenaires.", 3, 100, nil); err != nil {
		return err
	}
	f.at(2019, time.December, 2+i%20)
	s := followup.DefaultSettings()
	values := []string{strconv.Itoa(120 + 37*i), strconv.Itoa(8 + i%12), strconv.Itoa(1 + i%3)}
	if err := followup.FileReport(f.ctx, f.env, f.who, f.c, followup.ReportInput{DossierID: f.p.DossierID,
		Indicators: values[:len(s.Indicators)], Summary: "Le projet a atteint ses objectifs : l'activité se poursuit en 2020 " +
			"grâce aux bénévoles et à un partenariat avec la commune.", TotalCost: euros(f.p.GrantedCents * 3), Lang: i18n.FR}); err != nil {
		return fmt.Errorf("final report: %w", err)
	}
	f.at(2020, time.January, 6+i%10)
	if err := followup.ReviewReport(f.ctx, f.env, f.who, f.c, f.p.DossierID, true, ""); err != nil {
		return fmt.Errorf("accept final report: %w", err)
	}
	paid := f.p.GrantedCents * int64(s.AdvancePercent) / 100
	if err := f.pay(date(2020, time.January, 20+i%8), followup.PaymentBalance, f.p.GrantedCents-paid,
		fmt.Sprintf("MDT-2020-%04d", 100+i)); err != nil {
		return err
	}
	f.at(2020, time.February, 3)
	return review.Move(f.ctx, f.renv, f.who, f.c, review.Step{DossierID: f.p.DossierID, To: dossier.StateCompleted})
}

// abandon: the agreement was signed, then the project was given up before any payment.
func (f demoFollow) abandon() error {
	if err := f.update(date(2019, time.January, 10), "Convention signée avec le Département",
		"La convention de financement a été signée ; l'association cherche encore son local.", 1, 5, nil); err != nil {
		return err
	}
	f.at(2019, time.September, 23)
	return review.Move(f.ctx, f.renv, f.who, f.c, review.Step{DossierID: f.p.DossierID, To: dossier.StateAbandoned,
		Motivation: demoAbandonReason})
}

// lateProject: under way since 2019, no final report by its due date.
func (f demoFollow) lateProject(i int) error {
	return f.started(i)
}
