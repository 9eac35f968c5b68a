CREATE TABLE "deflections" (
	"view_id" text PRIMARY KEY NOT NULL,
	"category" text NOT NULL,
	"team" text NOT NULL,
	"user_id" text NOT NULL,
	"shown" jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "deflections_at_idx" ON "deflections" USING btree ("at","team");--> statement-breakpoint
CREATE INDEX "issues_answers_idx" ON "issues" USING btree ("category","resolved_at") WHERE "issues"."status" = 'resolved' and "issues"."parent_id" is null;--> statement-breakpoint
CREATE INDEX "issues_customer_resolved_idx" ON "issues" USING btree ("customer_ref","resolved_at") WHERE "issues"."status" = 'resolved';