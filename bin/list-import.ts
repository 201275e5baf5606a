// `npm run list:import -- <file.csv> --team "<team>" ...`: see list-import-command.ts.
import { loadEnv } from '../core/env.js';
import { runListImport } from './list-import-command.js';

// The import reads no secret: APP_ENV only decides whether SECRET_KEY must be set, so a fresh
// clone (or an operator's shell without the app's secrets) can import without one.
const out = await runListImport(process.argv.slice(2), loadEnv(process.env, { APP_ENV: 'demo' }));
process.stdout.write(out.stdout);
process.stderr.write(out.stderr);
process.exitCode = out.code;
