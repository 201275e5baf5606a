CREATE TYPE "public"."contact_attempt_kind" AS ENUM('card_delivered', 'letter_sent', 'home_visit_not_home', 'home_visit_spoke', 'phone', 'chat');--> statement-breakpoint
CREATE TYPE "public"."note_kind" AS ENUM('note', 'handover');--> statement-breakpoint
CREATE TYPE "public"."outcome_category" AS ENUM('opleiding', 'werk', 'werken_en_opleiding', 'dagbesteding', 'zorgtraject', 'eigen_onderneming', 'vrijwilligerswerk', 'uitkering', 'verhuizing', 'samenwonen', 'afzien_van_deelname', 'geen_reactie', 'geen_doelgroep_meer', 'anders');--> statement-breakpoint
CREATE TYPE "public"."process_step" AS ENUM('list', 'contact', 'intake', 'trajectory', 'follow_up', 'monitoring');--> statement-breakpoint
CREATE TYPE "public"."support_question" AS ENUM('werk', 'opleiding', 'werk_en_opleiding', 'zorgtraject', 'dagbesteding', 'anders');--> statement-breakpoint
ALTER TYPE "public"."staff_role" ADD VALUE 'privacy_officer';--> statement-breakpoint
CREATE TABLE "contact_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"youngster_id" uuid NOT NULL,
	"staff_id" uuid,
	"kind" "contact_attempt_kind" NOT NULL,
	"occurred_on" date NOT NULL,
	"minutes" bigint DEFAULT 0 NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conversation_notes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"conversation_id" uuid NOT NULL,
	"author_id" uuid,
	"kind" "note_kind" DEFAULT 'note' NOT NULL,
	"to_staff_id" uuid,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "invite_token_hash" text;--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "invite_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "totp_secret_sealed" text;--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "totp_enabled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "totp_last_step" bigint;--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "ui_language" text DEFAULT 'nl' NOT NULL;--> statement-breakpoint
ALTER TABLE "youngsters" ADD COLUMN "support_question" "support_question";--> statement-breakpoint
ALTER TABLE "youngsters" ADD COLUMN "outcome" "outcome_category";--> statement-breakpoint
ALTER TABLE "youngsters" ADD COLUMN "outcome_on" date;--> statement-breakpoint
ALTER TABLE "youngsters" ADD COLUMN "process_step" "process_step" DEFAULT 'list' NOT NULL;--> statement-breakpoint
ALTER TABLE "contact_attempts" ADD CONSTRAINT "contact_attempts_youngster_id_youngsters_id_fk" FOREIGN KEY ("youngster_id") REFERENCES "public"."youngsters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_attempts" ADD CONSTRAINT "contact_attempts_staff_id_staff_users_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_notes" ADD CONSTRAINT "conversation_notes_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_notes" ADD CONSTRAINT "conversation_notes_author_id_staff_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_notes" ADD CONSTRAINT "conversation_notes_to_staff_id_staff_users_id_fk" FOREIGN KEY ("to_staff_id") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "contact_attempts_youngster_idx" ON "contact_attempts" USING btree ("youngster_id","occurred_on");--> statement-breakpoint
CREATE INDEX "conversation_notes_conversation_idx" ON "conversation_notes" USING btree ("conversation_id","created_at");--> statement-breakpoint
ALTER TABLE "staff_users" ADD CONSTRAINT "staff_users_invite_token_hash_unique" UNIQUE("invite_token_hash");