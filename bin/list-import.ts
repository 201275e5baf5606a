// `npm run list:import -- <file.csv> --team "<team>" ...`: see list-import-command.ts.
import { loadEnv } from '../core/env.js';
import { serializeError } from '../core/log-error.js';
import { runListImport } from './list-import-command.js';

try {
  // The import reads no secret: APP_ENV only decides whether SECRET_KEY must be set, so a fresh
  // clone (or an operator's shell without the app's secrets) can import without one.
  const out = await runListImport(process.argv.slice(2), loadEnv(undefined, { APP_ENV: 'demo' }));
  process.stdout.write(out.stdout);
  process.stderr.write(out.stderr);
  process.exitCode = out.code;
} catch (err) {
  // The terminal is a log too: a failed query's error carries the list's names and addresses, so
  // only what the one error serializer keeps is printed (its kind, codes and frames).
  process.stderr.write(`list import failed, nothing stored: ${JSON.stringify(serializeError(err), null, 2)}\n`);
  process.exitCode = 1;
}
