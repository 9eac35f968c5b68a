CREATE TABLE "timers" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"issue_id" integer NOT NULL,
	"kind" text NOT NULL,
	"target" text NOT NULL,
	"step" integer NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"fence" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"locked_until" timestamp with time zone,
	"fired_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "resolve_target_ms" bigint;--> statement-breakpoint
-- Issues filed before this migration: their target as wall time from filing (exact on the 24x7 calendar).
UPDATE "issues" SET "resolve_target_ms" = (extract(epoch from ("resolve_due_at" - "filed_at")) * 1000)::bigint;--> statement-breakpoint
ALTER TABLE "issues" ALTER COLUMN "resolve_target_ms" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "ack_nudges_sent" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "resolve_nudges_sent" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "ack_tier" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "resolve_tier" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "clock_fence" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "timers" ADD CONSTRAINT "timers_issue_id_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."issues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "timers_due_idx" ON "timers" USING btree ("status","due_at");--> statement-breakpoint
CREATE INDEX "timers_issue_idx" ON "timers" USING btree ("issue_id","status");