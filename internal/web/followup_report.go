package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/followup"
)

// The final report (bilan) of a funded project, for its carrier (/{slug}/dossiers/{id}/bilan):
// the campaign's indicators, the summary, the actual cost and the documents; its status and
// the agent's comment. The documents are served to the carrier and the agents only.

// reportIndicator is one indicator of the form: its label, its field and its value as typed.
type reportIndicator struct {
	Label, Field, Value string
}

type followupReportPage struct {
	Base
	C          *campaign.Campaign
	P          *followup.Project
	Report     *followup.Report
	Indicators []reportIndicator
	V          url.Values
	Errors     apperr.FieldErrors
	Editable   bool // the carrier may file (again)
	Member     bool // the asker acts for the project's structure
	Docs       string
	Updates    string // the carrier's page of the project's updates
	MaxFiles   int
	MaxSize    int
	StepLabel  string
}

// followupReportRead checks that the asker may see the project's report: a member of its
// structure or an agent (a committee member who read the dossier does not).
func (s *Server) followupReportRead(r *http.Request) (*campaign.Campaign, *dossier.Dossier, bool, error) {
	c, d, err := s.dossierOf(r)
	if err != nil {
		return nil, nil, false, err
	}
	actor := actorOf(r)
	member, err := dossier.IsMember(r.Context(), s.db, d.StructureID, actor.ID())
	if err != nil {
		return nil, nil, false, err
	}
	if !member && !access.Allowed(actor, access.PermManageDossiers, &c.ID) {
		return nil, nil, false, apperr.New(apperr.NotFound, "dossier.not_found")
	}
	return c, d, member, nil
}

func (s *Server) followupReportPage(r *http.Request, v url.Values, fe apperr.FieldErrors) (followupReportPage, error) {
	c, d, member, err := s.followupReportRead(r)
	if err != nil {
		return followupReportPage{}, err
	}
	ctx := r.Context()
	pr, err := followup.ProjectOf(ctx, s.db, d.ID)
	if err != nil {
		return followupReportPage{}, err
	}
	st, err := followup.SettingsOf(ctx, s.db, c.ID)
	if err != nil {
		return followupReportPage{}, err
	}
	rep, err := followup.ReportOf(ctx, s.db, d.ID)
	if err != nil {
		return followupReportPage{}, err
	}
	p := followupReportPage{Base: s.base(r, "followup.report.title", d.Title), C: c, P: pr, Report: rep, V: v, Errors: fe,
		Member: member, Editable: member && followup.Open(pr.State) && (rep == nil || rep.Status != followup.ReportAccepted),
		Docs: "/" + c.Slug + "/dossiers/" + strconv.FormatInt(d.ID, 10) + "/bilan/documents/", Updates: followup.UpdatesURL(c.Slug, d.ID),
		MaxFiles: followup.MaxReportFiles, MaxSize: followup.MaxReportFileSize >> 20, StepLabel: st.StepLabel(pr.Step)}
	if p.V == nil {
		p.V = url.Values{}
		if rep != nil {
			p.V.Set("summary", rep.Summary)
			p.V.Set("total_cost", campaign.MoneyInput(rep.TotalCostCents))
			for i, ind := range rep.Indicators {
				p.V.Set(followup.IndicatorField(i), strconv.FormatInt(ind.Value, 10))
			}
		}
	}
	for i, label := range st.Indicators {
		f := followup.IndicatorField(i)
		p.Indicators = append(p.Indicators, reportIndicator{Label: label, Field: f, Value: p.V.Get(f)})
	}
	return p, nil
}

// followupReportShow is the carrier's page of the final report.
func (s *Server) followupReportShow(w http.ResponseWriter, r *http.Request) error {
	p, err := s.followupReportPage(r, nil, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "followup_report", p)
}

// followupReportSave files the final report with its new documents (a multipart form: the
// guard has checked that the asker acts for the project's structure before reading it).
func (s *Server) followupReportSave(w http.ResponseWriter, r *http.Request) error {
	c, d, err := s.dossierOf(r)
	if err != nil {
		return err
	}
	fail := func(v url.Values, fe apperr.FieldErrors) error {
		p, err := s.followupReportPage(r, v, fe)
		if err != nil {
			return err
		}
		return s.render(w, r, http.StatusUnprocessableEntity, "followup_report", p)
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		fe := apperr.FieldErrors{}
		if errors.As(err, &tooBig) {
			fe.Add("files", "dossier.upload.too_large_request", maxBody>>20)
			return fail(nil, fe)
		}
		if err := r.ParseForm(); err != nil {
			return apperr.New(apperr.Invalid, "error.invalid_form")
		}
	}
	v := r.PostForm
	st, err := followup.SettingsOf(r.Context(), s.db, c.ID)
	if err != nil {
		return err
	}
	in := followup.ReportInput{DossierID: d.ID, Summary: v.Get("summary"), TotalCost: v.Get("total_cost"), Lang: langOf(r)}
	for i := range st.Indicators {
		in.Indicators = append(in.Indicators, v.Get(followup.IndicatorField(i)))
	}
	for _, x := range v["remove"] {
		if id, err := strconv.ParseInt(x, 10, 64); err == nil {
			in.Remove = append(in.Remove, id)
		}
	}
	if r.MultipartForm != nil {
		for _, hdr := range r.MultipartForm.File["files"] {
			if hdr.Size == 0 && hdr.Filename == "" {
				continue // the file field left empty
			}
			if hdr.Size > followup.MaxReportFileSize {
				fe := apperr.FieldErrors{}
				fe.Add("files", "followup.report.file_too_large", dossier.CleanFilename(hdr.Filename, ""), followup.MaxReportFileSize>>20)
				return fail(v, fe)
			}
			f, err := hdr.Open()
			if err != nil {
				return err
			}
			data, err := io.ReadAll(io.LimitReader(f, followup.MaxReportFileSize+1))
			f.Close()
			if err != nil {
				return err
			}
			in.Files = append(in.Files, followup.FileInput{Filename: hdr.Filename, Data: data})
		}
	}
	err = followup.FileReport(r.Context(), s.followupEnv(), whoOf(r), c, in)
	if ae, ok := apperr.As(err); ok && len(ae.Fields) > 0 {
		return fail(v, ae.Fields)
	}
	if err := s.blobLeft(err); err != nil {
		return err
	}
	s.flash(r, "followup.report.filed")
	http.Redirect(w, r, followup.ReportURL(c.Slug, d.ID), http.StatusSeeOther)
	return nil
}

// followupReportFile serves a document of the final report, as an attachment, to the
// project's carriers and the agents only.
func (s *Server) followupReportFile(w http.ResponseWriter, r *http.Request) error {
	_, d, _, err := s.followupReportRead(r)
	if err != nil {
		return err
	}
	fileID, err := pathID(r, "file")
	if err != nil {
		return err
	}
	rep, err := followup.ReportOf(r.Context(), s.db, d.ID)
	if err != nil {
		return err
	}
	var doc *followup.ReportFile
	if rep != nil {
		for i := range rep.Files {
			if rep.Files[i].ID == fileID {
				doc = &rep.Files[i]
			}
		}
	}
	if doc == nil {
		return apperr.New(apperr.NotFound, "followup.report.file.not_found")
	}
	rc, err := s.blobs().Get(r.Context(), doc.BlobKey)
	if errors.Is(err, dossier.ErrNoBlob) {
		return apperr.New(apperr.NotFound, "followup.report.file.not_found")
	} else if err != nil {
		return err
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", doc.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": doc.Filename}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.FormatInt(doc.Size, 10))
	_, err = io.Copy(w, rc)
	return err
}
