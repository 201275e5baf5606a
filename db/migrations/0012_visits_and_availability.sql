-- Hand-written: the exclusion constraint below needs btree_gist (a trusted extension since
-- PostgreSQL 13: the database owner may create it, no superuser needed).
CREATE EXTENSION IF NOT EXISTS btree_gist;--> statement-breakpoint
CREATE TYPE "public"."visit_status" AS ENUM('booked', 'held', 'not_home', 'no_show', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."availability_exception_kind" AS ENUM('off', 'extra');--> statement-breakpoint
CREATE TYPE "public"."visit_type" AS ENUM('home', 'office', 'walk', 'phone', 'video');--> statement-breakpoint
ALTER TYPE "public"."contact_attempt_kind" ADD VALUE 'office_visit';--> statement-breakpoint
ALTER TYPE "public"."contact_attempt_kind" ADD VALUE 'walk';--> statement-breakpoint
ALTER TYPE "public"."contact_attempt_kind" ADD VALUE 'video_call';--> statement-breakpoint
CREATE TABLE "visit_staff" (
	"visit_id" uuid NOT NULL,
	"staff_id" uuid NOT NULL,
	"busy" "tstzrange" NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "visit_staff_visit_id_staff_id_pk" PRIMARY KEY("visit_id","staff_id")
);
--> statement-breakpoint
CREATE TABLE "visits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"youngster_id" uuid NOT NULL,
	"municipality_id" uuid NOT NULL,
	"type" "visit_type" NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"status" "visit_status" DEFAULT 'booked' NOT NULL,
	"place" text,
	"booked_via" text DEFAULT 'chat' NOT NULL,
	"reference" text NOT NULL,
	"created_by" uuid,
	"result_recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "visits_reference_unique" UNIQUE("reference")
);
--> statement-breakpoint
CREATE TABLE "availability_blocks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"staff_id" uuid NOT NULL,
	"weekday" integer NOT NULL,
	"starts_at" text NOT NULL,
	"ends_at" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "availability_exceptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"staff_id" uuid NOT NULL,
	"kind" "availability_exception_kind" NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "municipality_visit_types" (
	"municipality_id" uuid NOT NULL,
	"type" "visit_type" NOT NULL,
	"duration_minutes" integer NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"two_staff" boolean DEFAULT false NOT NULL,
	CONSTRAINT "municipality_visit_types_municipality_id_type_pk" PRIMARY KEY("municipality_id","type")
);
--> statement-breakpoint
ALTER TABLE "municipalities" ADD COLUMN "calendar_shows_first_name" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "visit_buffer_minutes" integer DEFAULT 15 NOT NULL;--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "min_notice_hours" integer DEFAULT 24 NOT NULL;--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "calendar_feed_token_hash" text;--> statement-breakpoint
ALTER TABLE "visit_staff" ADD CONSTRAINT "visit_staff_visit_id_visits_id_fk" FOREIGN KEY ("visit_id") REFERENCES "public"."visits"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_staff" ADD CONSTRAINT "visit_staff_staff_id_staff_users_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_youngster_id_youngsters_id_fk" FOREIGN KEY ("youngster_id") REFERENCES "public"."youngsters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_municipality_id_municipalities_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipalities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_created_by_staff_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_result_recorded_by_staff_users_id_fk" FOREIGN KEY ("result_recorded_by") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "availability_blocks" ADD CONSTRAINT "availability_blocks_staff_id_staff_users_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "availability_exceptions" ADD CONSTRAINT "availability_exceptions_staff_id_staff_users_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "municipality_visit_types" ADD CONSTRAINT "municipality_visit_types_municipality_id_municipalities_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipalities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "visit_staff_staff_idx" ON "visit_staff" USING btree ("staff_id");--> statement-breakpoint
CREATE INDEX "visits_youngster_idx" ON "visits" USING btree ("youngster_id","starts_at");--> statement-breakpoint
CREATE INDEX "visits_municipality_time_idx" ON "visits" USING btree ("municipality_id","starts_at");--> statement-breakpoint
CREATE INDEX "availability_blocks_staff_idx" ON "availability_blocks" USING btree ("staff_id","weekday");--> statement-breakpoint
CREATE INDEX "availability_exceptions_staff_idx" ON "availability_exceptions" USING btree ("staff_id","starts_at");--> statement-breakpoint
ALTER TABLE "staff_users" ADD CONSTRAINT "staff_users_calendar_feed_token_hash_unique" UNIQUE("calendar_feed_token_hash");
--> statement-breakpoint
-- No double booking, enforced by PostgreSQL itself (drizzle-kit has no exclusion constraints):
-- two active visit_staff rows of one staff member never overlap, whatever the code or a race does.
ALTER TABLE "visit_staff" ADD CONSTRAINT "visit_staff_no_overlap" EXCLUDE USING gist ("staff_id" WITH =, "busy" WITH &&) WHERE ("active");
