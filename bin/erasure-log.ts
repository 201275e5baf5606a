// `npm run privacy:erasure-log -- export|replay`: see erasure-log-command.ts.
import { loadEnv } from '../core/env.js';
import { serializeError } from '../core/log-error.js';
import { runErasureLog } from './erasure-log-command.js';

try {
  const out = await runErasureLog(process.argv.slice(2), loadEnv(undefined, { APP_ENV: 'demo' }));
  process.stdout.write(out.stdout);
  process.stderr.write(out.stderr);
  process.exitCode = out.code;
} catch (err) {
  process.stderr.write(`erasure log failed: ${JSON.stringify(serializeError(err), null, 2)}\n`);
  process.exitCode = 1;
}
