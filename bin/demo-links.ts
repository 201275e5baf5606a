import type { DemoSummary } from '../db/seed/demo.js';

export const DEMO_PASSWORD = 'lijntje-demo';

/** What the demo prints at start and `npm run demo -- --links` prints again. */
export function demoLinkLines(summary: DemoSummary, publicUrl: string): string[] {
  const width = Math.max(22, ...summary.logins.map((l) => l.email.length));
  return [
    `Staff logins (password for all: ${DEMO_PASSWORD}) at ${publicUrl}/login`,
    ...summary.logins.map((l) => `  ${l.email.padEnd(width)} ${l.role.padEnd(16)} ${l.team}`),
    '',
    'Card links (what the QR code on each demo card opens):',
    ...(summary.cards.length
      ? summary.cards.map((c) => `  ${`${c.youngster} (${c.municipality}, coach ${c.coach})`.padEnd(42)} ${publicUrl}/k/${c.token}`)
      : ['  (none left: every demo youngster has opted out)']),
  ];
}
