package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"strings"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/identity"
)

// The identity's generated stylesheet and its logo. Their addresses carry a hash of their
// content (?v=…), so that browsers may keep them for a year.
const (
	IdentityCSSPath  = "/identite.css"
	IdentityLogoPath = "/identite/logo"
)

// identityView is what the layout shows of the institution's identity.
type identityView struct {
	Name, Address, Contact string
	// ContactIsEmail is set when the contact is an e-mail address alone: a mailto link.
	ContactIsEmail  bool
	CSSURL, LogoURL string // LogoURL "" with no logo
}

// identityOf returns the identity from the process's copy (at most readCacheTTL old; a
// save through this process clears it at once).
func (s *Server) identityOf(ctx context.Context) (identity.Identity, error) {
	return s.caches.identity.get(struct{}{}, s.caches.identityWrites.Load(), func() (identity.Identity, error) {
		return identity.Of(ctx, s.db)
	})
}

// identityView returns the layout's view of the identity; a failed read is logged and the
// page shows the site's own name on the default colour rather than failing.
func (s *Server) identityView(ctx context.Context) identityView {
	i, err := s.identityOf(ctx)
	if err != nil {
		s.log.ErrorContext(ctx, "read identity", "err", err, "id", requestID(ctx))
	}
	v := identityView{Name: i.Name, Address: i.Address, Contact: i.Contact,
		CSSURL: IdentityCSSPath + "?v=" + i.CSSVersion()}
	if a, err := mail.ParseAddress(i.Contact); err == nil && a.Name == "" && a.Address == i.Contact {
		v.ContactIsEmail = true
	}
	if len(i.Logo) > 0 {
		v.LogoURL = IdentityLogoPath + "?v=" + i.LogoVersion()
	}
	return v
}

// cacheByVersion lets browsers keep a response for a year when the address names the
// current version; an address without it, or naming an older one, is served the current
// content, not to be kept.
func cacheByVersion(w http.ResponseWriter, r *http.Request, version string) {
	if r.URL.Query().Get("v") == version {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
}

// identityCSS serves the stylesheet generated from the identity (custom properties only).
func (s *Server) identityCSS(w http.ResponseWriter, r *http.Request) error {
	i, err := s.identityOf(r.Context())
	if err != nil {
		return s.assetFailed(w, r, err)
	}
	cacheByVersion(w, r, i.CSSVersion())
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	_, err = w.Write(i.CSS())
	return err
}

// assetFailed answers an identity asset that could not be read. These routes are served
// before the session is loaded (withAssets), so the French error page, which reads the
// session, is not available: a plain 500, logged with the request id.
func (s *Server) assetFailed(w http.ResponseWriter, r *http.Request, err error) error {
	s.log.ErrorContext(r.Context(), "identity asset", "err", err, "id", requestID(r.Context()))
	http.Error(w, "Erreur interne / internal error", http.StatusInternalServerError)
	return nil
}

// logoCSP is the policy of the logo's own address: opened directly, an SVG can run
// nothing, load nothing and reach nothing (sandbox); inline styles are its own.
const logoCSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

// identityLogo serves the logo, sanitised when it was saved, under a sandbox policy.
func (s *Server) identityLogo(w http.ResponseWriter, r *http.Request) error {
	i, err := s.identityOf(r.Context())
	if err != nil {
		return s.assetFailed(w, r, err)
	}
	if len(i.Logo) == 0 {
		// Served before the session is loaded: no French page (it needs the session), a
		// plain answer, which is all an <img> reads.
		w.Header().Set("Cache-Control", "no-cache")
		http.Error(w, "Aucun logo / no logo", http.StatusNotFound)
		return nil
	}
	h := w.Header()
	h.Set("Content-Security-Policy", logoCSP)
	h.Set("Content-Type", i.LogoType)
	h.Set("Content-Disposition", "inline")
	cacheByVersion(w, r, i.LogoVersion())
	_, err = w.Write(i.Logo)
	return err
}

// adminIdentityData is the administrators' form of the identity.
type adminIdentityData struct {
	Base
	Form   map[string]string
	Errors apperr.FieldErrors
	// LogoURL shows the logo saved, "" with none.
	LogoURL string
	// Contrast is the white-on-colour ratio of the colour saved, « 8,2:1 ».
	Contrast string
}

func identityForm(i identity.Identity) map[string]string {
	return map[string]string{"name": i.Name, "color": i.ColorOrDefault(), "address": i.Address, "contact": i.Contact}
}

func (s *Server) adminIdentityPage(r *http.Request, saved identity.Identity, form map[string]string, errs apperr.FieldErrors) adminIdentityData {
	p := adminIdentityData{Base: s.base(r, "identity.admin.title"), Form: form, Errors: errs,
		Contrast: identity.FormatRatio(identity.ContrastWithWhite(saved.ColorOrDefault()))}
	// The ratios are written the French way (« 4,5:1 »); English writes 4.5:1.
	if p.Lang == i18n.EN {
		p.Contrast = strings.Replace(p.Contrast, ",", ".", 1)
		if m, ok := errs["color"]; ok && m.Key == "identity.invalid.contrast" {
			args := make([]any, len(m.Args))
			for i, a := range m.Args {
				args[i] = strings.Replace(fmt.Sprint(a), ",", ".", 1)
			}
			errs["color"] = apperr.Msg(m.Key, args...)
		}
	}
	if len(saved.Logo) > 0 {
		p.LogoURL = IdentityLogoPath + "?v=" + saved.LogoVersion()
	}
	return p
}

// adminIdentity shows the identity's form.
func (s *Server) adminIdentity(w http.ResponseWriter, r *http.Request) error {
	i, err := identity.Of(r.Context(), s.db)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "admin_identity", s.adminIdentityPage(r, i, identityForm(i), nil))
}

// adminIdentitySave saves the identity (identity.Configure). A new logo replaces the saved
// one, "remove_logo" removes it, no file keeps it. A refusal shows the form again as typed
// (the file must be chosen again: browsers never fill a file input), with each mistake.
func (s *Server) adminIdentitySave(w http.ResponseWriter, r *http.Request) error {
	saved, err := identity.Of(r.Context(), s.db)
	if err != nil {
		return err
	}
	form := map[string]string{}
	for _, f := range []string{"name", "color", "address", "contact"} {
		form[f] = strings.TrimSpace(r.PostFormValue(f))
	}
	errs := apperr.FieldErrors{}
	next := identity.Identity{Name: form["name"], Address: form["address"], Contact: form["contact"],
		Logo: saved.Logo, LogoType: saved.LogoType}
	if c, err := identity.ParseColor(form["color"]); err != nil {
		errs.Add("color", "identity.invalid.color")
	} else {
		next.Color = c
	}
	if r.PostFormValue("remove_logo") != "" {
		next.Logo, next.LogoType = nil, ""
	}
	if file, hdr, err := r.FormFile("logo"); err == nil {
		defer file.Close()
		if hdr.Size > 0 || hdr.Filename != "" {
			data, err := io.ReadAll(io.LimitReader(file, identity.MaxLogoBytes+1))
			if err != nil {
				return err
			}
			logo, typ, err := identity.PrepareLogo(data)
			if ae, ok := apperr.As(err); ok {
				for k, m := range ae.Fields {
					errs.Add(k, m.Key, m.Args...)
				}
			} else if err != nil {
				return err
			} else {
				next.Logo, next.LogoType = logo, typ
			}
		}
	} else if !errors.Is(err, http.ErrMissingFile) {
		errs.Add("logo", "identity.invalid.logo")
	}
	// Every mistake at once: the rules of the identity are checked too.
	if ae, ok := apperr.As(next.Validate()); ok {
		for k, m := range ae.Fields {
			errs.Add(k, m.Key, m.Args...)
		}
	}
	err = errs.Err()
	if err == nil {
		err = identity.Configure(r.Context(), s.changeEnv(), whoOf(r), next)
	}
	if ae, ok := apperr.As(err); ok && ae.Kind == apperr.Invalid {
		for k, m := range ae.Fields {
			errs.Add(k, m.Key, m.Args...)
		}
		return s.render(w, r, http.StatusUnprocessableEntity, "admin_identity", s.adminIdentityPage(r, saved, form, errs))
	}
	if err != nil {
		return err
	}
	s.flash(r, "identity.admin.saved")
	http.Redirect(w, r, "/admin/identite", http.StatusSeeOther)
	return nil
}
