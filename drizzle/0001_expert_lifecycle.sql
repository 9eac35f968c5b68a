DROP INDEX "issues_claimer_idx";--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "ack_started_at" timestamp with time zone;--> statement-breakpoint
-- Issues filed before this migration started their acknowledgement clock when they were filed.
UPDATE "issues" SET "ack_started_at" = "filed_at";--> statement-breakpoint
ALTER TABLE "issues" ALTER COLUMN "ack_started_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "first_response_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "paused_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "resolve_remaining_ms" bigint;--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "paused_ms" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "reopen_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "reroute_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "issues_team_status_idx" ON "issues" USING btree ("team","status");--> statement-breakpoint
CREATE INDEX "issues_claimer_idx" ON "issues" USING btree ("claimer_id","status");