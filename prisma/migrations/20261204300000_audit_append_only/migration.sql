-- The audit log is append-only: no code path, and no mistaken script, may change or remove what it
-- recorded. A trigger refuses UPDATE, DELETE and TRUNCATE on audit_events for every role that is
-- not a superuser disabling triggers on purpose (grants alone would not bind keyops's own user, which
-- owns the table). Quota notices used to claim a notice with an audit row and delete it when the
-- post failed; their claims now live in quota_notice_claims, which may be given back.
CREATE TABLE "quota_notice_claims" (
    "id" TEXT NOT NULL,
    "claimed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "quota_notice_claims_pkey" PRIMARY KEY ("id")
);

-- Notices already claimed (and so sent) stay claimed.
INSERT INTO "quota_notice_claims" ("id", "claimed_at")
SELECT "dedupe_key", "at" FROM "audit_events" WHERE "dedupe_key" LIKE 'quota-notice:%'
ON CONFLICT DO NOTHING;

CREATE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER "audit_events_no_update_or_delete" BEFORE UPDATE OR DELETE ON "audit_events"
    FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"();
CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"();
