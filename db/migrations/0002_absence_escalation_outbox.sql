ALTER TABLE "staff_users" ADD COLUMN "absent_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "absence_delegate_id" uuid;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "escalation_office_minutes" integer DEFAULT 480 NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "escalated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "sending_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "staff_users" ADD CONSTRAINT "staff_users_absence_delegate_id_staff_users_id_fk" FOREIGN KEY ("absence_delegate_id") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;