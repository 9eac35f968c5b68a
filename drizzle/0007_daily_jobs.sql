CREATE TABLE "daily_jobs" (
	"job" text NOT NULL,
	"day" text NOT NULL,
	"ran_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "daily_jobs_key" ON "daily_jobs" USING btree ("job","day");