CREATE TABLE "digest_slots" (
	"digest" text NOT NULL,
	"slot_at" timestamp with time zone NOT NULL,
	"sent" boolean NOT NULL,
	"late" boolean DEFAULT false NOT NULL,
	"claimed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "ack_business_ms" bigint;--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "resolve_business_ms" bigint;--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "paused_open_ms" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "digest_slots_key" ON "digest_slots" USING btree ("digest","slot_at");--> statement-breakpoint
CREATE INDEX "issue_events_type_at_idx" ON "issue_events" USING btree ("type","at");--> statement-breakpoint
CREATE INDEX "issues_claimed_at_idx" ON "issues" USING btree ("claimed_at");--> statement-breakpoint
CREATE INDEX "issues_resolved_at_idx" ON "issues" USING btree ("resolved_at");