// `npm run list:import -- <file.csv> --team "<team>" ...`: see list-import-command.ts.
import { loadEnv } from '../core/env.js';
import { runListImport } from './list-import-command.js';

const out = await runListImport(process.argv.slice(2), loadEnv());
process.stdout.write(out.stdout);
process.stderr.write(out.stderr);
process.exitCode = out.code;
