-- The hourly creation limit is counted when a request is submitted, not when its workflow gets
-- round to recording it: parallel submissions must not all see the count from before any of them.
-- One row per accepted submission; rows older than the limit's hour are deleted as the same
-- requester submits again, so the table holds at most an hour of each person's requests.
CREATE TABLE "key_request_submissions" (
    "request_id" TEXT NOT NULL,
    "requester_id" TEXT NOT NULL,
    "submitted_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "key_request_submissions_pkey" PRIMARY KEY ("request_id")
);

CREATE INDEX "key_request_submissions_requester_id_submitted_at_idx" ON "key_request_submissions"("requester_id", "submitted_at");
