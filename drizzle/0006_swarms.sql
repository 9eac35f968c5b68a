CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
-- The text swarms compare (see README "Swarms"): lower case, no punctuation, @handles or filler words.
CREATE OR REPLACE FUNCTION swarm_norm(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT btrim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(lower(t),
    '[''’]', '', 'g'),
    '@\w+', ' ', 'g'),
    '[^a-z0-9]+', ' ', 'g'),
    '\m(the|a|an|and|or|but|to|of|for|is|are|was|be|it|its|this|that|my|me|i|im|we|our|you|your|ur|he|she|her|his|him|they|their|has|have|had|just|so|at|with|from|by|as|if|what|why|how|there|too|very|lol|please|pls|customer|customers|cx|says|asks|asking|wants|fb|ig|dm|msg|review|star)\M', ' ', 'g'),
    ' +', ' ', 'g'))
$$;--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "parent_id" integer;--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "report_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "outage_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "issues" ADD CONSTRAINT "issues_parent_id_issues_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."issues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "issues_parent_idx" ON "issues" USING btree ("parent_id") WHERE "issues"."parent_id" is not null;--> statement-breakpoint
ALTER TABLE "issues" ADD CONSTRAINT "issues_report_has_no_reports" CHECK ("issues"."parent_id" is null or "issues"."report_count" = 0);