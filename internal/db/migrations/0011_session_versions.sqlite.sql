-- On SQLite, each commit empties the page caches of the other connections: while ballots are
-- being written, reading a session with its account and roles walks three B-trees from disk
-- on nearly every request. The server therefore keeps the sessions it has read in memory,
-- each with the version its row in session_versions had when it was read; one read of that
-- version, in a B-tree of a few bytes per session, tells whether the session, its account
-- or the account's roles may have changed since. A session's row is found by the first eight
-- characters of its token (some 48 random bits): two sessions that share them share a
-- version, and a change to one only makes the server read the other again.
--
-- The triggers below change the versions in the transaction of every such change, whoever
-- makes it: the server, another process, the command line or an administrator's own SQL. A
-- sign-out, a disabled account or a revoked role thus takes effect at the next request, as
-- it did without the cache. A row starts at a random version, so that a row deleted with its
-- sessions and made again does not take up the version it had.
CREATE TABLE session_versions (
    prefix TEXT PRIMARY KEY,
    n INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO session_versions (prefix, n)
    SELECT DISTINCT substr(token, 1, 8), random() % 1000000000000 FROM sessions;

-- The sessions of an account: for the triggers below, and for signing an account out
-- everywhere without scanning every session.
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TRIGGER sessions_inserted AFTER INSERT ON sessions BEGIN
    INSERT OR IGNORE INTO session_versions (prefix, n) VALUES (substr(NEW.token, 1, 8), random() % 1000000000000);
END;
CREATE TRIGGER sessions_updated AFTER UPDATE ON sessions BEGIN
    UPDATE session_versions SET n = n + 1 WHERE prefix IN (substr(OLD.token, 1, 8), substr(NEW.token, 1, 8));
END;
CREATE TRIGGER sessions_deleted AFTER DELETE ON sessions BEGIN
    UPDATE session_versions SET n = n + 1 WHERE prefix = substr(OLD.token, 1, 8);
END;
CREATE TRIGGER accounts_updated AFTER UPDATE ON accounts BEGIN
    UPDATE session_versions SET n = n + 1
    WHERE prefix IN (SELECT substr(token, 1, 8) FROM sessions WHERE account_id IN (OLD.id, NEW.id));
END;
CREATE TRIGGER accounts_deleted AFTER DELETE ON accounts BEGIN
    UPDATE session_versions SET n = n + 1
    WHERE prefix IN (SELECT substr(token, 1, 8) FROM sessions WHERE account_id = OLD.id);
END;
CREATE TRIGGER account_roles_inserted AFTER INSERT ON account_roles BEGIN
    UPDATE session_versions SET n = n + 1
    WHERE prefix IN (SELECT substr(token, 1, 8) FROM sessions WHERE account_id = NEW.account_id);
END;
CREATE TRIGGER account_roles_updated AFTER UPDATE ON account_roles BEGIN
    UPDATE session_versions SET n = n + 1
    WHERE prefix IN (SELECT substr(token, 1, 8) FROM sessions WHERE account_id IN (OLD.account_id, NEW.account_id));
END;
CREATE TRIGGER account_roles_deleted AFTER DELETE ON account_roles BEGIN
    UPDATE session_versions SET n = n + 1
    WHERE prefix IN (SELECT substr(token, 1, 8) FROM sessions WHERE account_id = OLD.account_id);
END;
