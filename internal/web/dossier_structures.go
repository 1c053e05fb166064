package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
)

type structuresPage struct {
	Base
	Structures []dossier.Structure
	Campaign   string // slug to return to after creating a structure
}

type structureFormPage struct {
	Base
	S          *dossier.Structure // nil for a new structure
	V          url.Values
	Errors     apperr.FieldErrors
	LegalForms []option
	Members    []dossier.Member
	// Invitations are the pending invitations to act for the structure.
	Invitations []invitationRow
	Campaign    string
	Action      string
	// CommuneChoices are the communes the commune field may mean (a shared postcode,
	// homonyms): the person picks one, without JavaScript.
	CommuneChoices []option
}

// invitationRow is a pending invitation on the structure's page.
type invitationRow struct {
	ID      int64
	Email   string
	Expires string
}

// structuresList shows the structures the person acts for.
func (s *Server) structuresList(w http.ResponseWriter, r *http.Request) error {
	list, err := dossier.StructuresOf(r.Context(), s.db, actorOf(r).ID())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "dossier_structures", structuresPage{Base: s.base(r, "dossier.structures.title"),
		Structures: list, Campaign: returnSlug(r)})
}

// returnSlug is the campaign a structure form was opened from (?campagne=slug), to go back to
// its dossiers and to check the commune's département.
func returnSlug(r *http.Request) string {
	v := r.FormValue("campagne")
	if v == "" || len(v) > 80 || strings.ContainsAny(v, "/?#&") {
		return ""
	}
	return v
}

func (s *Server) structureForm(r *http.Request, st *dossier.Structure, v url.Values, errs apperr.FieldErrors) (structureFormPage, error) {
	lang := langOf(r)
	p := structureFormPage{S: st, V: v, Errors: errs, Campaign: returnSlug(r)}
	if st == nil {
		p.Base = s.base(r, "dossier.structure.new_title")
		p.Action = "/compte/structures/nouvelle"
	} else {
		p.Base = s.base(r, "dossier.structure.edit_title", st.Name)
		p.Action = "/compte/structures/" + strconv.FormatInt(st.ID, 10)
		m, err := dossier.Members(r.Context(), s.db, st.ID)
		if err != nil {
			return p, err
		}
		p.Members = m
		invs, err := dossier.PendingInvitations(r.Context(), s.db, st.ID, s.now())
		if err != nil {
			return p, err
		}
		for _, inv := range invs {
			p.Invitations = append(p.Invitations, invitationRow{ID: inv.ID, Email: inv.Email,
				Expires: i18n.DateTime(lang, inv.ExpiresAt.In(dossier.PlatformLocation()))})
		}
	}
	if p.Campaign != "" {
		p.Action += "?campagne=" + url.QueryEscape(p.Campaign)
	}
	for _, f := range dossier.LegalForms() {
		label := s.cat.T(lang, f.MessageKey())
		if !f.ESS() {
			label = s.cat.T(lang, "dossier.form.outside_ess", label)
		}
		p.LegalForms = append(p.LegalForms, option{string(f), label})
	}
	return p, nil
}

func (s *Server) structureNew(w http.ResponseWriter, r *http.Request) error {
	p, err := s.structureForm(r, nil, url.Values{}, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "dossier_structure_form", p)
}

// structureFormInvalid shows the form of the structure st (nil for a new one) again, with
// the values v, the errors fe and the communes to choose from, if any.
func (s *Server) structureFormInvalid(w http.ResponseWriter, r *http.Request, st *dossier.Structure, v url.Values, fe apperr.FieldErrors, choices ...option) error {
	p, err := s.structureForm(r, st, v, fe)
	if err != nil {
		return err
	}
	p.CommuneChoices = choices
	return s.render(w, r, http.StatusUnprocessableEntity, "dossier_structure_form", p)
}

// parseStructureForm reads and checks the form, the commune included: it must be a commune
// of the territory, and of the campaign's département when the form comes from a campaign.
// When the commune field matches several communes (a postcode they share, homonyms), it
// returns them to choose from, and takes the one picked in commune_pick if it is one of them.
func (s *Server) parseStructureForm(r *http.Request) (dossier.Structure, apperr.FieldErrors, []option) {
	st, fe := dossier.ParseStructure(r.PostForm, s.now())
	var choices []option
	if st.Commune != "" {
		dep := ""
		if slug := returnSlug(r); slug != "" {
			if c, err := campaign.BySlug(r.Context(), s.db, slug); err == nil {
				dep = c.Territory
			}
		}
		c, found, ok := s.resolveCommune(dep, st.Commune)
		if !ok && len(found) > 1 {
			pick := r.PostForm.Get("commune_pick")
			for _, f := range found {
				if f.Code == pick {
					c, ok = f, true
				}
			}
		}
		if ok {
			st.Commune = c.Code
			if st.Postcode == "" && len(c.Postcodes) == 1 {
				st.Postcode = c.Postcodes[0]
			}
			if pc := strings.TrimSpace(r.PostForm.Get(dossier.FieldCommune)); st.Postcode == "" && slices.Contains(c.Postcodes, pc) {
				st.Postcode = pc // the postcode was typed in the commune field
			}
		} else if len(found) > 1 {
			for _, f := range found {
				choices = append(choices, option{f.Code, communeChoiceLabel(f)})
			}
			fe.Add(dossier.FieldCommune, "fixes.commune.choose", len(found))
		} else if dep != "" {
			fe.Add(dossier.FieldCommune, "dossier.structure.commune_unknown_dep", dep)
		} else {
			fe.Add(dossier.FieldCommune, "dossier.structure.commune_unknown")
		}
	}
	return st, fe, choices
}

// structureCreate saves a new structure, makes the person its member and a carrier.
func (s *Server) structureCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	st, fe, choices := s.parseStructureForm(r)
	if len(fe) > 0 {
		return s.structureFormInvalid(w, r, nil, r.PostForm, fe, choices...)
	}
	created, err := dossier.CreateStructure(r.Context(), s.dossierEnv(), change.By(actorOf(r)), dossier.StructureInput{Structure: st})
	if fe, ok := fieldErrors(err); ok {
		return s.structureFormInvalid(w, r, nil, r.PostForm, fe)
	}
	if err != nil {
		return err
	}
	s.flash(r, "dossier.structure.created")
	if slug := returnSlug(r); slug != "" {
		// Back to the new dossier, with the structure just declared chosen.
		http.Redirect(w, r, "/"+slug+"/dossiers/nouveau?structure="+strconv.FormatInt(created.ID, 10), http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/compte/structures", http.StatusSeeOther)
	return nil
}

// structureOf loads the structure {id}, for one of its members only.
func (s *Server) structureOf(r *http.Request) (*dossier.Structure, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ok, err := dossier.IsMember(r.Context(), s.db, id, actorOf(r).ID())
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.New(apperr.NotFound, "dossier.structure.not_found")
	}
	return dossier.StructureByID(r.Context(), s.db, id)
}

func (s *Server) structureEdit(w http.ResponseWriter, r *http.Request) error {
	st, err := s.structureOf(r)
	if err != nil {
		return err
	}
	v := dossier.StructureValues(st)
	v.Set(dossier.FieldCommune, s.communeLabel(st.Commune))
	p, err := s.structureForm(r, st, v, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "dossier_structure_form", p)
}

// structureUpdate saves the structure; invalid input leaves the saved structure as it was and
// shows the form again with what was typed and the reasons.
func (s *Server) structureUpdate(w http.ResponseWriter, r *http.Request) error {
	before, err := s.structureOf(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	st, fe, choices := s.parseStructureForm(r)
	if len(fe) > 0 {
		return s.structureFormInvalid(w, r, before, r.PostForm, fe, choices...)
	}
	st.ID = before.ID
	_, err = dossier.EditStructure(r.Context(), s.dossierEnv(), change.By(actorOf(r)), dossier.EditStructureInput{Structure: st})
	if fe, ok := fieldErrors(err); ok {
		return s.structureFormInvalid(w, r, before, r.PostForm, fe)
	}
	if err != nil {
		return err
	}
	s.flash(r, "dossier.structure.saved")
	http.Redirect(w, r, "/compte/structures/"+strconv.FormatInt(st.ID, 10), http.StatusSeeOther)
	return nil
}
