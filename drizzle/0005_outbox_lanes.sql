-- The outbox is sent lane by lane: a lanes table finds lanes with work in constant time,
-- transient failures are counted apart from rate limits, and given-up messages are kept for `frontline outbox`.
CREATE TABLE "outbox_lanes" (
	"lane" text PRIMARY KEY NOT NULL,
	"available_at" timestamp with time zone,
	"locked_until" timestamp with time zone,
	"version" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
DROP INDEX "outbox_due_idx";--> statement-breakpoint
DROP INDEX "outbox_lane_idx";--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "failures" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "first_failed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "failed_at" timestamp with time zone;--> statement-breakpoint
UPDATE "outbox" SET "failed_at" = coalesce("sent_at", "available_at") WHERE "status" = 'failed';--> statement-breakpoint
CREATE INDEX "outbox_lanes_due_idx" ON "outbox_lanes" USING btree ("available_at") WHERE "outbox_lanes"."available_at" is not null;--> statement-breakpoint
CREATE INDEX "outbox_lane_pending_idx" ON "outbox" USING btree ("lane","id") WHERE "outbox"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_failed_idx" ON "outbox" USING btree ("failed_at") WHERE "outbox"."status" = 'failed';--> statement-breakpoint
ALTER TABLE "outbox" DROP COLUMN "locked_until";--> statement-breakpoint
-- Lanes with messages waiting when this version starts.
INSERT INTO "outbox_lanes" ("lane", "available_at")
  SELECT "lane", min("available_at") FROM "outbox" WHERE "status" = 'pending' GROUP BY "lane";
