-- CreateEnum
CREATE TYPE "ApprovalMessageKind" AS ENUM ('REQUEST', 'ESCALATION', 'REMINDER', 'REQUESTER', 'OUTCOME');

-- AlterTable
ALTER TABLE "key_requests" ADD COLUMN     "approver_ids" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "approval_messages" (
    "id" TEXT NOT NULL,
    "request_id" TEXT NOT NULL,
    "kind" "ApprovalMessageKind" NOT NULL,
    "recipient_id" TEXT NOT NULL,
    "channel_id" TEXT NOT NULL,
    "ts" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "approval_messages_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "key_requests_approver_ids_idx" ON "key_requests" USING GIN ("approver_ids");

-- CreateIndex
CREATE INDEX "approval_messages_request_id_idx" ON "approval_messages"("request_id");

-- AddForeignKey
ALTER TABLE "approval_messages" ADD CONSTRAINT "approval_messages_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "key_requests"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
