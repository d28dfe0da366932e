-- Lets one SQL statement refuse itself: the channel issuance round (server/channels/repository.ts
-- commitRound) is one statement whose INSERT calls this with "the UPDATE moved every channel",
-- so a stale round fails as a whole, atomically, without a BEGIN/COMMIT around two statements.
CREATE FUNCTION "clearline_check"(ok boolean, message text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT ok THEN
    RAISE EXCEPTION '%', message USING ERRCODE = 'check_violation';
  END IF;
  RETURN true;
END;
$$;
