CREATE TABLE "idempotency_keys" (
	"key" text PRIMARY KEY NOT NULL,
	"issue_id" integer,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "issue_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"issue_id" integer NOT NULL,
	"type" text NOT NULL,
	"actor" text,
	"at" timestamp with time zone NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "issues" (
	"id" serial PRIMARY KEY NOT NULL,
	"key" text GENERATED ALWAYS AS ('ESC-' || id) STORED NOT NULL,
	"category" text NOT NULL,
	"level" text NOT NULL,
	"origin" text NOT NULL,
	"team" text NOT NULL,
	"channel" text NOT NULL,
	"card_ts" text,
	"card_url" text,
	"summary" text NOT NULL,
	"details" text,
	"customer_ref" text,
	"agent_id" text NOT NULL,
	"agent_channel" text,
	"response_url" text,
	"claimer_id" text,
	"status" text DEFAULT 'open' NOT NULL,
	"resolution" text,
	"post_error" text,
	"snapshot" jsonb NOT NULL,
	"filed_at" timestamp with time zone NOT NULL,
	"ack_due_at" timestamp with time zone NOT NULL,
	"resolve_due_at" timestamp with time zone NOT NULL,
	"claimed_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"issue_id" integer,
	"kind" text NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"lane" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"available_at" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_issue_id_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."issues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issue_events" ADD CONSTRAINT "issue_events_issue_id_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."issues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_issue_id_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."issues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "issue_events_issue_idx" ON "issue_events" USING btree ("issue_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "issues_key_idx" ON "issues" USING btree ("key");--> statement-breakpoint
CREATE INDEX "issues_status_idx" ON "issues" USING btree ("status");--> statement-breakpoint
CREATE INDEX "issues_team_filed_idx" ON "issues" USING btree ("team","filed_at");--> statement-breakpoint
CREATE INDEX "issues_agent_idx" ON "issues" USING btree ("agent_id");--> statement-breakpoint
CREATE INDEX "issues_claimer_idx" ON "issues" USING btree ("claimer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "issues_card_idx" ON "issues" USING btree ("channel","card_ts");--> statement-breakpoint
CREATE INDEX "outbox_due_idx" ON "outbox" USING btree ("status","available_at");--> statement-breakpoint
CREATE INDEX "outbox_lane_idx" ON "outbox" USING btree ("lane","id");