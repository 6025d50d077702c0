-- The first call of a revealed key (api/usage.ts records it in the last-used flush, never per
-- request) and what its owner was told about it (the key's lifecycle workflow).
ALTER TABLE "api_keys" ADD COLUMN "first_call_at" TIMESTAMPTZ(3),
ADD COLUMN "first_call_outcome" TEXT,
ADD COLUMN "first_call_via" TEXT,
ADD COLUMN "first_call_caller" TEXT,
ADD COLUMN "first_call_reported_class" TEXT,
ADD COLUMN "first_call_settled_at" TIMESTAMPTZ(3),
ADD COLUMN "first_call_nudged_at" TIMESTAMPTZ(3);

-- Keys revealed before first calls were tracked have nothing to report and nobody to nudge: their
-- owners are not told, months late, about a "first call" that was only the first one recorded.
UPDATE "api_keys" SET "first_call_settled_at" = now() WHERE "revealed_at" IS NOT NULL;

-- The worker's sweep reads the recent first calls not yet reported (temporal/firstCallSweep.ts).
CREATE INDEX "api_keys_first_call_at_idx" ON "api_keys"("first_call_at");
