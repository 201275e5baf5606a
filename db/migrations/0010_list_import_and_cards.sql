CREATE TYPE "public"."card_batch_status" AS ENUM('queued', 'rendering', 'ready', 'failed', 'expired');--> statement-breakpoint
CREATE TYPE "public"."card_variant" AS ENUM('regular', 'entrepreneur');--> statement-breakpoint
CREATE TABLE "list_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" uuid NOT NULL,
	"list_month" date NOT NULL,
	"baseline" boolean DEFAULT false NOT NULL,
	"imported_by" uuid,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "card_batch_cards" (
	"batch_id" uuid NOT NULL,
	"card_id" uuid NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "card_batch_cards_batch_id_card_id_pk" PRIMARY KEY("batch_id","card_id")
);
--> statement-breakpoint
CREATE TABLE "card_batches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"list_import_id" uuid,
	"layout" text DEFAULT 'a6' NOT NULL,
	"address_sheets" boolean DEFAULT true NOT NULL,
	"status" "card_batch_status" DEFAULT 'queued' NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"file_name" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ready_at" timestamp with time zone,
	"downloaded_at" timestamp with time zone,
	"expires_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "municipalities" ADD COLUMN "card_colours" jsonb DEFAULT '{"primary":[85,20,0,10],"accent":[0,60,90,0]}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "municipalities" ADD COLUMN "card_logo" "bytea";--> statement-breakpoint
ALTER TABLE "municipalities" ADD COLUMN "default_casemanager_id" uuid;--> statement-breakpoint
ALTER TABLE "municipalities" ADD COLUMN "list_mapping" jsonb;--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "card_phone" text;--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "card_photo" "bytea";--> statement-breakpoint
ALTER TABLE "cards" ADD COLUMN "short_code" text;--> statement-breakpoint
ALTER TABLE "cards" ADD COLUMN "variant" "card_variant" DEFAULT 'regular' NOT NULL;--> statement-breakpoint
ALTER TABLE "cards" ADD COLUMN "language" text DEFAULT 'nl' NOT NULL;--> statement-breakpoint
ALTER TABLE "cards" ADD COLUMN "list_import_id" uuid;--> statement-breakpoint
ALTER TABLE "cards" ADD COLUMN "delivered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "youngsters" ADD COLUMN "match_key" text;--> statement-breakpoint
ALTER TABLE "youngsters" ADD COLUMN "first_list_month" date;--> statement-breakpoint
ALTER TABLE "youngsters" ADD COLUMN "last_list_month" date;--> statement-breakpoint
ALTER TABLE "list_imports" ADD CONSTRAINT "list_imports_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "list_imports" ADD CONSTRAINT "list_imports_imported_by_staff_users_id_fk" FOREIGN KEY ("imported_by") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "card_batch_cards" ADD CONSTRAINT "card_batch_cards_batch_id_card_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."card_batches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "card_batch_cards" ADD CONSTRAINT "card_batch_cards_card_id_cards_id_fk" FOREIGN KEY ("card_id") REFERENCES "public"."cards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "card_batches" ADD CONSTRAINT "card_batches_municipality_id_municipalities_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipalities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "card_batches" ADD CONSTRAINT "card_batches_list_import_id_list_imports_id_fk" FOREIGN KEY ("list_import_id") REFERENCES "public"."list_imports"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "card_batches" ADD CONSTRAINT "card_batches_created_by_staff_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "list_imports_team_idx" ON "list_imports" USING btree ("team_id","created_at");--> statement-breakpoint
CREATE INDEX "card_batch_cards_card_idx" ON "card_batch_cards" USING btree ("card_id");--> statement-breakpoint
CREATE INDEX "card_batches_municipality_idx" ON "card_batches" USING btree ("municipality_id","created_at");--> statement-breakpoint
CREATE INDEX "card_batches_expiry_idx" ON "card_batches" USING btree ("status","expires_at");--> statement-breakpoint
ALTER TABLE "municipalities" ADD CONSTRAINT "municipalities_default_casemanager_id_staff_users_id_fk" FOREIGN KEY ("default_casemanager_id") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cards" ADD CONSTRAINT "cards_list_import_id_list_imports_id_fk" FOREIGN KEY ("list_import_id") REFERENCES "public"."list_imports"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cards_list_import_idx" ON "cards" USING btree ("list_import_id");--> statement-breakpoint
CREATE UNIQUE INDEX "youngsters_match_key_uq" ON "youngsters" USING btree ("municipality_id","match_key") WHERE "youngsters"."match_key" is not null;--> statement-breakpoint
ALTER TABLE "cards" ADD CONSTRAINT "cards_short_code_unique" UNIQUE("short_code");