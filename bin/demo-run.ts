import { seedDemo } from '../db/seed/demo.js';
import { hashPassword } from '../web/domain/login.js';
import { boot, type Role } from './boot.js';

export const DEMO_PASSWORD = 'lijntje-demo';

export async function runDemo(roles: Role[]) {
  const { env, ctx } = await boot(roles, { envDefaults: { APP_ENV: 'demo' }, createDb: true });
  if (env.appEnv === 'production') {
    console.error('Refusing to seed demo data with APP_ENV=production.');
    process.exit(1);
  }
  const summary = await seedDemo(ctx.database.db, await hashPassword(DEMO_PASSWORD));
  const lines = [
    '',
    `Lijntje demo is running on ${env.publicUrl}`,
    '',
    `Staff logins (password for all: ${DEMO_PASSWORD}) at ${env.publicUrl}/login`,
    ...summary.logins.map((l) => `  ${l.email.padEnd(22)} ${l.role.padEnd(16)} ${l.team}`),
    '',
    'Card links (what the QR code on each demo card opens):',
    ...summary.cards.map(
      (c) => `  ${`${c.youngster} (${c.municipality}, coach ${c.coach})`.padEnd(42)} ${env.publicUrl}/k/${c.token}`,
    ),
    '',
    'Stop with Ctrl+C.',
  ];
  console.log(lines.join('\n'));
}
