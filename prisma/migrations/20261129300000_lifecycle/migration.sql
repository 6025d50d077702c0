-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "grace_ends_at" TIMESTAMP(3),
ADD COLUMN     "kept_at" TIMESTAMP(3),
ADD COLUMN     "unused_notice_at" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "api_keys_status_id_idx" ON "api_keys"("status", "id");
