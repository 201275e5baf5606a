CREATE TYPE "public"."message_kind" AS ENUM('text', 'choice', 'bot');--> statement-breakpoint
CREATE TABLE "wa_auth_creds" (
	"session" text PRIMARY KEY NOT NULL,
	"data" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wa_auth_keys" (
	"session" text NOT NULL,
	"type" text NOT NULL,
	"id" text NOT NULL,
	"data" text NOT NULL,
	CONSTRAINT "wa_auth_keys_session_type_id_pk" PRIMARY KEY("session","type","id")
);
--> statement-breakpoint
CREATE TABLE "channel_updates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"channel" "channel" NOT NULL,
	"update_key" text NOT NULL,
	"payload" jsonb,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "conversations" ALTER COLUMN "municipality_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "municipalities" ADD COLUMN "text_overrides" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "office_hours" jsonb DEFAULT '{"1":[["09:00","17:00"]],"2":[["09:00","17:00"]],"3":[["09:00","17:00"]],"4":[["09:00","17:00"]],"5":[["09:00","17:00"]]}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "channel_contacts" ADD COLUMN "external_alt_id" text;--> statement-breakpoint
ALTER TABLE "channel_contacts" ADD COLUMN "dialogue_state" text DEFAULT 'new' NOT NULL;--> statement-breakpoint
ALTER TABLE "channel_contacts" ADD COLUMN "last_office_notice_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "kind" "message_kind" DEFAULT 'text' NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "menu" jsonb;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "is_opt_out_ack" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "channel_updates_key_uq" ON "channel_updates" USING btree ("channel","update_key");--> statement-breakpoint
CREATE INDEX "channel_contacts_channel_alt_idx" ON "channel_contacts" USING btree ("channel","external_alt_id");