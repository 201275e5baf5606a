CREATE TYPE "public"."decline_reason" AS ENUM('geen_behoefte', 'al_hulp', 'geen_contact_instanties', 'geen_tijd', 'privacy', 'anders', 'wil_niet_zeggen');--> statement-breakpoint
ALTER TYPE "public"."staff_role" ADD VALUE 'regional';--> statement-breakpoint
ALTER TABLE "youngsters" ADD COLUMN "decline_reason" "decline_reason";--> statement-breakpoint
ALTER TABLE "youngsters" ADD COLUMN "self_employed" boolean;