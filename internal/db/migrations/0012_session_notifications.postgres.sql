-- Each server process keeps the sessions it has read in memory, with their accounts (see
-- account/session_cache.go). On PostgreSQL, reading a session costs a round trip to the
-- server, under load a quarter of a request's work: the cache spares it. The triggers below
-- tell every process, by a notification on the channel session_changes, of any change to a
-- session, an account or an account's roles, whoever makes it (a server, the command line,
-- an administrator's own SQL); each process listens on a connection of its own and forgets
-- what the notification names. A notification is sent when its transaction commits, so a
-- change reaches the other processes a moment after it is committed, not at once.
--
-- Payloads: "s" and the first eight characters of a session's token; "a" and an account id;
-- "*" for everything (TRUNCATE). A process forgets everything at any payload it does not
-- know, and stops using its copies whenever it is not listening.
CREATE FUNCTION session_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('session_changes', 's' || left(OLD.token, 8));
    RETURN NULL;
END $$;

CREATE FUNCTION session_account_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('session_changes', 'a' || OLD.id);
    RETURN NULL;
END $$;

CREATE FUNCTION session_roles_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_notify('session_changes', 'a' || OLD.account_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_notify('session_changes', 'a' || NEW.account_id);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION sessions_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('session_changes', '*');
    RETURN NULL;
END $$;

-- A new session needs no notification: no process has read it yet.
CREATE TRIGGER sessions_changed AFTER UPDATE OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION session_changed();
CREATE TRIGGER accounts_changed AFTER UPDATE OR DELETE ON accounts
    FOR EACH ROW EXECUTE FUNCTION session_account_changed();
CREATE TRIGGER account_roles_changed AFTER INSERT OR UPDATE OR DELETE ON account_roles
    FOR EACH ROW EXECUTE FUNCTION session_roles_changed();
CREATE TRIGGER sessions_truncated AFTER TRUNCATE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION sessions_truncated();
CREATE TRIGGER accounts_truncated AFTER TRUNCATE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION sessions_truncated();
CREATE TRIGGER account_roles_truncated AFTER TRUNCATE ON account_roles
    FOR EACH STATEMENT EXECUTE FUNCTION sessions_truncated();
