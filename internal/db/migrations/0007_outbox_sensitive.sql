-- A sensitive e-mail (a vote receipt) has its body erased once it is sent or given up, so
-- that the outbox does not keep linking an address to a receipt code.
ALTER TABLE outbox ADD COLUMN sensitive BOOLEAN NOT NULL DEFAULT FALSE;
