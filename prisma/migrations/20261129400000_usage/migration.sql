-- CreateTable
CREATE TABLE "key_usage_hours" (
    "key_id" TEXT NOT NULL,
    "hour" TIMESTAMP(3) NOT NULL,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "errors_4xx" INTEGER NOT NULL DEFAULT 0,
    "errors_5xx" INTEGER NOT NULL DEFAULT 0,
    "latency_buckets" INTEGER[] DEFAULT ARRAY[]::INTEGER[],

    CONSTRAINT "key_usage_hours_pkey" PRIMARY KEY ("key_id","hour")
);

-- CreateTable
CREATE TABLE "key_usage_days" (
    "key_id" TEXT NOT NULL,
    "day" TIMESTAMP(3) NOT NULL,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "errors_4xx" INTEGER NOT NULL DEFAULT 0,
    "errors_5xx" INTEGER NOT NULL DEFAULT 0,
    "latency_buckets" INTEGER[] DEFAULT ARRAY[]::INTEGER[],

    CONSTRAINT "key_usage_days_pkey" PRIMARY KEY ("key_id","day")
);

-- CreateIndex
CREATE INDEX "key_usage_minutes_minute_idx" ON "key_usage_minutes"("minute");

-- CreateIndex
CREATE INDEX "key_usage_hours_hour_idx" ON "key_usage_hours"("hour");

-- CreateIndex
CREATE INDEX "key_usage_days_day_idx" ON "key_usage_days"("day");

-- AddForeignKey
ALTER TABLE "key_usage_hours" ADD CONSTRAINT "key_usage_hours_key_id_fkey" FOREIGN KEY ("key_id") REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "key_usage_days" ADD CONSTRAINT "key_usage_days_key_id_fkey" FOREIGN KEY ("key_id") REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written below this line: Prisma's schema language has no functions.
--
-- Latency histograms (domain/latencyHistogram.ts) merge by adding their buckets element-wise; the
-- usage upserts of every API process do that in the database, so concurrent flushes never lose
-- counts. A shorter array (no outcomes reported yet) counts as zeros.
CREATE FUNCTION "keyops_add_buckets"(a INTEGER[], b INTEGER[]) RETURNS INTEGER[] AS $$
    SELECT COALESCE(array_agg(COALESCE(x, 0) + COALESCE(y, 0) ORDER BY n), ARRAY[]::INTEGER[])
      FROM unnest(a, b) WITH ORDINALITY AS t(x, y, n);
$$ LANGUAGE sql IMMUTABLE;
