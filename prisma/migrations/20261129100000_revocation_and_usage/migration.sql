-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "revocation_id" TEXT;

-- CreateTable
CREATE TABLE "key_usage_minutes" (
    "key_id" TEXT NOT NULL,
    "minute" TIMESTAMP(3) NOT NULL,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "errors_4xx" INTEGER NOT NULL DEFAULT 0,
    "errors_5xx" INTEGER NOT NULL DEFAULT 0,
    "latency_buckets" INTEGER[] DEFAULT ARRAY[]::INTEGER[],

    CONSTRAINT "key_usage_minutes_pkey" PRIMARY KEY ("key_id","minute")
);

-- CreateIndex
CREATE INDEX "api_keys_masked_key_idx" ON "api_keys"("masked_key");

-- CreateIndex
CREATE INDEX "api_keys_revocation_id_idx" ON "api_keys"("revocation_id");

-- AddForeignKey
ALTER TABLE "key_usage_minutes" ADD CONSTRAINT "key_usage_minutes_key_id_fkey" FOREIGN KEY ("key_id") REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written below this line: Prisma's schema language has no triggers.
--
-- Every verification API process caches key lookups by hash and drops an entry when a NOTIFY on
-- "keyops_key_changes" names its hash (api/keyChanges.ts). A trigger, rather than a pg_notify call
-- in each code path, sends it: the notification joins the very transaction that changes the key
-- (delivered at commit, dropped on rollback), and no writer can forget it, not even an operator's
-- UPDATE in psql during an incident. Only columns that a verification answer shows fire it, so the
-- last-used flush (last_used_at) never empties the caches.
CREATE FUNCTION "keyops_notify_key_change"() RETURNS TRIGGER AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD."key_hash" IS NOT NULL THEN
        PERFORM pg_notify('keyops_key_changes', OLD."key_hash");
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW."key_hash" IS NOT NULL THEN
        -- The same payload twice in one transaction is delivered once.
        PERFORM pg_notify('keyops_key_changes', NEW."key_hash");
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

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

CREATE TRIGGER "api_keys_notify_insert_delete"
    AFTER INSERT OR DELETE ON "api_keys"
    FOR EACH ROW
    EXECUTE FUNCTION "keyops_notify_key_change"();
