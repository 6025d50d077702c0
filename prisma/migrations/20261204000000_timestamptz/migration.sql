-- Every instant becomes `timestamptz`. A `timestamp` without zone is read by node-postgres as the
-- host's local time and compared by PostgreSQL in the session's time zone (an embedded cluster
-- takes the host's at initdb), so expiry moved with the host's TZ. The stored values were written
-- as UTC (Prisma's convention), hence `AT TIME ZONE 'UTC'` rather than the session's zone.
--
-- The change-notification trigger names expires_at in its WHEN clause, and PostgreSQL cannot
-- change the type of a column a trigger definition uses: drop it and put it back unchanged.
DROP TRIGGER "api_keys_notify_update" ON "api_keys";

ALTER TABLE "api_keys"
    ALTER COLUMN "created_at" SET DATA TYPE TIMESTAMPTZ(3) USING "created_at" AT TIME ZONE 'UTC',
    ALTER COLUMN "revealed_at" SET DATA TYPE TIMESTAMPTZ(3) USING "revealed_at" AT TIME ZONE 'UTC',
    ALTER COLUMN "expires_at" SET DATA TYPE TIMESTAMPTZ(3) USING "expires_at" AT TIME ZONE 'UTC',
    ALTER COLUMN "last_used_at" SET DATA TYPE TIMESTAMPTZ(3) USING "last_used_at" AT TIME ZONE 'UTC',
    ALTER COLUMN "kept_at" SET DATA TYPE TIMESTAMPTZ(3) USING "kept_at" AT TIME ZONE 'UTC',
    ALTER COLUMN "unused_notice_at" SET DATA TYPE TIMESTAMPTZ(3) USING "unused_notice_at" AT TIME ZONE 'UTC',
    ALTER COLUMN "grace_ends_at" SET DATA TYPE TIMESTAMPTZ(3) USING "grace_ends_at" AT TIME ZONE 'UTC',
    ALTER COLUMN "revoked_at" SET DATA TYPE TIMESTAMPTZ(3) USING "revoked_at" AT TIME ZONE 'UTC';

ALTER TABLE "key_usage_minutes"
    ALTER COLUMN "minute" SET DATA TYPE TIMESTAMPTZ(3) USING "minute" AT TIME ZONE 'UTC';

ALTER TABLE "key_usage_hours"
    ALTER COLUMN "hour" SET DATA TYPE TIMESTAMPTZ(3) USING "hour" AT TIME ZONE 'UTC';

ALTER TABLE "key_usage_days"
    ALTER COLUMN "day" SET DATA TYPE TIMESTAMPTZ(3) USING "day" AT TIME ZONE 'UTC';

ALTER TABLE "key_requests"
    ALTER COLUMN "created_at" SET DATA TYPE TIMESTAMPTZ(3) USING "created_at" AT TIME ZONE 'UTC',
    ALTER COLUMN "decided_at" SET DATA TYPE TIMESTAMPTZ(3) USING "decided_at" AT TIME ZONE 'UTC';

ALTER TABLE "approval_decisions"
    ALTER COLUMN "decided_at" SET DATA TYPE TIMESTAMPTZ(3) USING "decided_at" AT TIME ZONE 'UTC';

ALTER TABLE "approval_messages"
    ALTER COLUMN "created_at" SET DATA TYPE TIMESTAMPTZ(3) USING "created_at" AT TIME ZONE 'UTC';

ALTER TABLE "audit_events"
    ALTER COLUMN "at" SET DATA TYPE TIMESTAMPTZ(3) USING "at" AT TIME ZONE 'UTC';

CREATE TRIGGER "api_keys_notify_update"
    AFTER UPDATE OF "status", "key_hash", "expires_at", "scopes", "owner_id", "environment" ON "api_keys"
    FOR EACH ROW
    WHEN (OLD."status" IS DISTINCT FROM NEW."status"
       OR OLD."key_hash" IS DISTINCT FROM NEW."key_hash"
       OR OLD."expires_at" IS DISTINCT FROM NEW."expires_at"
       OR OLD."scopes" IS DISTINCT FROM NEW."scopes"
       OR OLD."owner_id" IS DISTINCT FROM NEW."owner_id"
       OR OLD."environment" IS DISTINCT FROM NEW."environment")
    EXECUTE FUNCTION "keyops_notify_key_change"();
