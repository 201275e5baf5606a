CREATE TYPE "public"."consent_category" AS ENUM('that', 'what');--> statement-breakpoint
CREATE TYPE "public"."consent_kind" AS ENUM('cooperation', 'partner');--> statement-breakpoint
CREATE TYPE "public"."consent_via" AS ENUM('in_person', 'phone', 'chat', 'letter', 'other');--> statement-breakpoint
CREATE TYPE "public"."erasure_reason" AS ENUM('opt_out', 'staff_opt_out', 'retention', 'exit');--> statement-breakpoint
CREATE TYPE "public"."suppression_kind" AS ENUM('person', 'name_birth', 'channel');--> statement-breakpoint
CREATE TABLE "consents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"youngster_id" uuid NOT NULL,
	"kind" "consent_kind" NOT NULL,
	"partner_id" uuid,
	"category" "consent_category",
	"given_at" timestamp with time zone NOT NULL,
	"given_via" "consent_via" NOT NULL,
	"explanation_version" text NOT NULL,
	"recorded_by" uuid,
	"guardian_consent_at" timestamp with time zone,
	"guardian_relation" text,
	"withdrawn_at" timestamp with time zone,
	"withdrawn_via" "consent_via",
	"withdrawn_recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"staff_id" uuid,
	"team_id" uuid,
	"action" text NOT NULL,
	"object_type" text,
	"object_id" text,
	"municipality_id" uuid,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "breach_notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"breach_id" uuid NOT NULL,
	"party" text NOT NULL,
	"told_at" timestamp with time zone NOT NULL,
	"told_by" uuid,
	"note" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "breaches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"discovered_at" timestamp with time zone NOT NULL,
	"data_categories" text[] DEFAULT '{}' NOT NULL,
	"people_count" integer,
	"measures" text DEFAULT '' NOT NULL,
	"municipality_ids" uuid[] DEFAULT '{}' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "deletion_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "deletion_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"reason" text NOT NULL,
	"municipality_id" uuid,
	"erasure_id" uuid,
	"staff_id" uuid,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "erasure_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid,
	"youngster_id" uuid,
	"contact_ids" uuid[] DEFAULT '{}' NOT NULL,
	"reason" "erasure_reason" NOT NULL,
	"goodbye_message_id" uuid,
	"requested_by" uuid,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"erased_at" timestamp with time zone,
	"counts" jsonb
);
--> statement-breakpoint
CREATE TABLE "partners" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"name" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_notices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"staff_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"municipality_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "suppression_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "suppression_kind" NOT NULL,
	"key_version" integer NOT NULL,
	"hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "municipalities" ADD COLUMN "retention_no_reaction_months" integer DEFAULT 6 NOT NULL;--> statement-breakpoint
ALTER TABLE "municipalities" ADD COLUMN "retention_closed_months" integer DEFAULT 12 NOT NULL;--> statement-breakpoint
ALTER TABLE "municipalities" ADD COLUMN "retention_message_months" integer DEFAULT 12 NOT NULL;--> statement-breakpoint
ALTER TABLE "municipalities" ADD COLUMN "exited_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_youngster_id_youngsters_id_fk" FOREIGN KEY ("youngster_id") REFERENCES "public"."youngsters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_recorded_by_staff_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_withdrawn_recorded_by_staff_users_id_fk" FOREIGN KEY ("withdrawn_recorded_by") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breach_notifications" ADD CONSTRAINT "breach_notifications_breach_id_breaches_id_fk" FOREIGN KEY ("breach_id") REFERENCES "public"."breaches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breach_notifications" ADD CONSTRAINT "breach_notifications_told_by_staff_users_id_fk" FOREIGN KEY ("told_by") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breaches" ADD CONSTRAINT "breaches_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breaches" ADD CONSTRAINT "breaches_created_by_staff_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partners" ADD CONSTRAINT "partners_municipality_id_municipalities_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipalities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_notices" ADD CONSTRAINT "staff_notices_staff_id_staff_users_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_notices" ADD CONSTRAINT "staff_notices_municipality_id_municipalities_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipalities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consents_youngster_idx" ON "consents" USING btree ("youngster_id","given_at");--> statement-breakpoint
CREATE INDEX "audit_log_time_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_staff_idx" ON "audit_log" USING btree ("staff_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_team_idx" ON "audit_log" USING btree ("team_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_object_idx" ON "audit_log" USING btree ("object_id");--> statement-breakpoint
CREATE INDEX "breach_notifications_breach_idx" ON "breach_notifications" USING btree ("breach_id","told_at");--> statement-breakpoint
CREATE INDEX "breaches_team_idx" ON "breaches" USING btree ("team_id","discovered_at");--> statement-breakpoint
CREATE INDEX "deletion_log_time_idx" ON "deletion_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "deletion_log_municipality_idx" ON "deletion_log" USING btree ("municipality_id","at");--> statement-breakpoint
CREATE INDEX "erasure_requests_pending_idx" ON "erasure_requests" USING btree ("due_at") WHERE erased_at is null;--> statement-breakpoint
CREATE INDEX "erasure_requests_youngster_idx" ON "erasure_requests" USING btree ("youngster_id");--> statement-breakpoint
CREATE UNIQUE INDEX "partners_municipality_name_uq" ON "partners" USING btree ("municipality_id","name");--> statement-breakpoint
CREATE INDEX "staff_notices_staff_idx" ON "staff_notices" USING btree ("staff_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "suppression_entries_uq" ON "suppression_entries" USING btree ("kind","key_version","hash");--> statement-breakpoint
-- Hand-written (drizzle-kit has no triggers): the audit log is append-only. UPDATE, DELETE and
-- TRUNCATE are refused, except DELETE of entries past retention through purge_audit_log(), which
-- itself refuses to remove anything younger than 180 days. A superuser can still drop the trigger:
-- production connects as a non-superuser role (README, "Privacy").
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cutoff text := current_setting('lijntje.audit_purge_before', true);
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF cutoff IS NOT NULL AND cutoff <> '' THEN
      IF cutoff::timestamptz <= now() - interval '180 days' AND OLD.at < cutoff::timestamptz THEN
        RETURN OLD;
      END IF;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
CREATE FUNCTION purge_audit_log(older_than timestamptz) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  IF older_than > now() - interval '180 days' THEN
    RAISE EXCEPTION 'audit entries are kept at least 180 days';
  END IF;
  PERFORM set_config('lijntje.audit_purge_before', older_than::text, true);
  DELETE FROM audit_log WHERE at < older_than;
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM set_config('lijntje.audit_purge_before', '', true);
  RETURN n;
END $$;
