package dossier

import (
	"sync"

	"budgetcitoyen/internal/i18n"
)

var catalog = sync.OnceValues(i18n.Load)

// T returns a message of the catalogs in lang (the receipt, the e-mails and the exports are
// written here, outside the web layer); a catalog that fails to load shows the key.
func T(lang i18n.Lang, key string, args ...any) string {
	c, err := catalog()
	if err != nil {
		return "⟦" + key + "⟧"
	}
	return c.T(lang, key, args...)
}
