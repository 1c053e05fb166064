-- A sign-in code accepts a few wrong guesses only: each one is counted on the code, and the
-- code is spent when the count reaches the limit (account.MaxCodeGuesses), so that a new one
-- must be asked. Failures of sign-in are now counted per account and client address too
-- (login_failures' keys), which needs no change of table.
ALTER TABLE account_tokens ADD COLUMN failed_guesses INTEGER NOT NULL DEFAULT 0;
