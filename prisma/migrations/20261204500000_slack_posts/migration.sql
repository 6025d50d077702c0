-- A message keyops posts with chat.postMessage is recorded here before it is posted (ts null) and
-- completed with its ts after: a retry that finds the intent without a ts looks for the message in
-- the conversation (by the dedupe key in its metadata) before posting again, so a crash between
-- Slack's answer and the record does not post it twice.
CREATE TABLE "slack_posts" (
    "dedupe_key" TEXT NOT NULL,
    "channel_id" TEXT NOT NULL,
    "thread_ts" TEXT,
    "ts" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "slack_posts_pkey" PRIMARY KEY ("dedupe_key")
);
