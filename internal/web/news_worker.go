package web

import (
	"context"

	"budgetcitoyen/internal/subscription"
)

// newsroom queues the campaigns' news e-mails to their subscribers.
func (s *Server) newsroom() *subscription.Newsroom {
	return &subscription.Newsroom{DB: s.db, Cat: s.cat, BaseURL: s.baseURL, Territory: s.Territory, Now: s.now}
}

// QueueCampaignNews queues the campaigns' news due now (phases, comptoirs near the
// subscribers, follow-up updates, scheduled newsletters) to their subscribers, each once (the
// worker calls it every minute, in every process); it returns the number of e-mails queued.
func (s *Server) QueueCampaignNews(ctx context.Context) (int, error) {
	return s.newsroom().Run(ctx)
}
