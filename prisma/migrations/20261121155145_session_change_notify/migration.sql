-- Sessions are served from memory (server/auth/session-cache.ts); this tells the app server when
-- a cached one may be stale. Every UPDATE or DELETE of a "User" or "Session" row — through the
-- app or by hand — sends NOTIFY clearline_session with the user's id, delivered when the change
-- commits; a TRUNCATE sends '*' (forget everything). INSERTs need nothing: a new session or user
-- was never cached. Hand-written (Prisma's schema language has no triggers, and the engine's
-- diff ignores them, so this causes no drift).
CREATE FUNCTION "session_changed"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('clearline_session', '*');
  ELSIF TG_TABLE_NAME = 'User' THEN
    PERFORM pg_notify('clearline_session', OLD.id::text);
  ELSE
    PERFORM pg_notify('clearline_session', OLD."userId"::text);
    IF TG_OP = 'UPDATE' AND NEW."userId" IS DISTINCT FROM OLD."userId" THEN
      PERFORM pg_notify('clearline_session', NEW."userId"::text);
    END IF;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "User_session_changed"
  AFTER UPDATE OR DELETE ON "User"
  FOR EACH ROW EXECUTE FUNCTION "session_changed"();

CREATE TRIGGER "User_session_truncated"
  AFTER TRUNCATE ON "User"
  FOR EACH STATEMENT EXECUTE FUNCTION "session_changed"();

CREATE TRIGGER "Session_session_changed"
  AFTER UPDATE OR DELETE ON "Session"
  FOR EACH ROW EXECUTE FUNCTION "session_changed"();

CREATE TRIGGER "Session_session_truncated"
  AFTER TRUNCATE ON "Session"
  FOR EACH STATEMENT EXECUTE FUNCTION "session_changed"();
