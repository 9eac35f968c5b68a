-- The issue as one model (src/domain/issue): statuses renamed, invariants enforced,
-- and the digest's figures carried by the events that report them.
DROP INDEX "issues_claimed_at_idx";--> statement-breakpoint
DROP INDEX "issues_resolved_at_idx";--> statement-breakpoint
DROP INDEX "issues_team_status_idx";--> statement-breakpoint
DROP INDEX "issue_events_type_at_idx";--> statement-breakpoint
ALTER TABLE "issues" ALTER COLUMN "status" SET DEFAULT 'unclaimed';--> statement-breakpoint
UPDATE "issues" SET "status" = 'unclaimed' WHERE "status" = 'open';--> statement-breakpoint
-- Handing back a waiting issue used to leave its pause behind: end those pauses.
UPDATE "issues" SET "paused_at" = NULL, "resolve_remaining_ms" = NULL WHERE "status" <> 'waiting';--> statement-breakpoint
UPDATE "issues" SET "claimer_id" = NULL, "claimed_at" = NULL WHERE "status" = 'unclaimed';--> statement-breakpoint
-- Events carry what reports group them by. Old events get the issue's current team: the best that is known.
ALTER TABLE "issue_events" ADD COLUMN "team" text;--> statement-breakpoint
ALTER TABLE "issue_events" ADD COLUMN "category" text;--> statement-breakpoint
ALTER TABLE "issue_events" ADD COLUMN "level" text;--> statement-breakpoint
ALTER TABLE "issue_events" ADD COLUMN "origin" text;--> statement-breakpoint
UPDATE "issue_events" e SET "team" = i."team", "category" = i."category", "level" = i."level", "origin" = i."origin"
  FROM "issues" i WHERE i."id" = e."issue_id";--> statement-breakpoint
ALTER TABLE "issue_events" ALTER COLUMN "team" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "issue_events" ALTER COLUMN "category" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "issue_events" ALTER COLUMN "level" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "issue_events" ALTER COLUMN "origin" SET NOT NULL;--> statement-breakpoint
-- Figures move from the issue row to the events (best effort for history: the row kept only the latest).
UPDATE "issue_events" e SET "details" = e."details" || jsonb_build_object('ackMs', coalesce(i."ack_business_ms", 0), 'late', coalesce(i."claimed_at" > i."ack_due_at", false))
  FROM "issues" i WHERE i."id" = e."issue_id" AND e."type" = 'claimed';--> statement-breakpoint
UPDATE "issue_events" e SET "details" = e."details" || jsonb_build_object(
    'resolveMs', coalesce(i."resolve_business_ms", 0), 'late', e."at" > i."resolve_due_at", 'firstTime', i."reopen_count" = 0 AND i."reroute_count" = 0)
  FROM "issues" i WHERE i."id" = e."issue_id" AND e."type" = 'resolved';--> statement-breakpoint
-- Resolving an unclaimed issue acknowledges it: that is now a `claimed` event (via resolve) of its own.
INSERT INTO "issue_events" ("issue_id", "type", "actor", "team", "category", "level", "origin", "at", "details")
  SELECT r."issue_id", 'claimed', r."actor", r."team", r."category", r."level", r."origin", r."at",
    jsonb_build_object('via', 'resolve', 'ackMs', coalesce(i."ack_business_ms", 0), 'late', r."at" > i."ack_due_at")
  FROM "issue_events" r JOIN "issues" i ON i."id" = r."issue_id"
  WHERE r."type" = 'resolved' AND NOT EXISTS (
    SELECT 1 FROM "issue_events" c WHERE c."issue_id" = r."issue_id" AND c."type" = 'claimed' AND c."id" < r."id");--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "resolve_started_at" timestamp with time zone;--> statement-breakpoint
UPDATE "issues" i SET "resolve_started_at" = coalesce(
  (SELECT max(e."at") FROM "issue_events" e WHERE e."issue_id" = i."id" AND e."type" = 'reopened'), i."filed_at");--> statement-breakpoint
ALTER TABLE "issues" ALTER COLUMN "resolve_started_at" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "issues_unclaimed_due_idx" ON "issues" USING btree ("ack_due_at") WHERE "issues"."status" = 'unclaimed';--> statement-breakpoint
CREATE INDEX "issues_claimed_due_idx" ON "issues" USING btree ("resolve_due_at") WHERE "issues"."status" = 'claimed';--> statement-breakpoint
CREATE INDEX "issues_open_team_idx" ON "issues" USING btree ("team","status","ack_due_at","resolve_due_at") WHERE "issues"."status" <> 'resolved';--> statement-breakpoint
CREATE INDEX "issue_events_type_at_idx" ON "issue_events" USING btree ("type","at","team");--> statement-breakpoint
ALTER TABLE "issues" DROP COLUMN "ack_business_ms";--> statement-breakpoint
ALTER TABLE "issues" DROP COLUMN "resolve_business_ms";--> statement-breakpoint
ALTER TABLE "issues" ADD CONSTRAINT "issues_status_known" CHECK ("issues"."status" in ('unclaimed', 'claimed', 'waiting', 'resolved'));--> statement-breakpoint
ALTER TABLE "issues" ADD CONSTRAINT "issues_claimed_has_claimer" CHECK (("issues"."status" = 'unclaimed') = ("issues"."claimer_id" is null) and ("issues"."claimer_id" is null) = ("issues"."claimed_at" is null));--> statement-breakpoint
ALTER TABLE "issues" ADD CONSTRAINT "issues_waiting_has_pause" CHECK (("issues"."status" = 'waiting') = ("issues"."paused_at" is not null) and ("issues"."paused_at" is null) = ("issues"."resolve_remaining_ms" is null));--> statement-breakpoint
ALTER TABLE "issues" ADD CONSTRAINT "issues_resolved_has_resolution" CHECK (("issues"."status" = 'resolved') = ("issues"."resolved_at" is not null) and ("issues"."resolved_at" is null) = ("issues"."resolved_by" is null) and ("issues"."resolved_at" is null) = ("issues"."resolution" is null));
