// `npm run build`: compiles the app to dist/ for `npm start` and the image, and
// copies what the code finds next to itself via import.meta.url (the views, the
// card fonts, the web chat's and inbox's static files, the migrations). Runs from source (tsx).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (p: string) => fileURLToPath(new URL(p, new URL('..', import.meta.url)));

/** Source folder -> place in dist/, mirroring the source tree so relative URLs still meet. */
const ASSETS: [string, string][] = [
  ['templates/views', 'dist/templates/views'],
  // The cards' Unicode font (pdfkit's own fonts cannot write ğ or ı).
  ['templates/cards/fonts', 'dist/templates/cards/fonts'],
  ['web/public', 'dist/web/public'],
  ['db/migrations', 'dist/db/migrations'],
];

rmSync(at('dist'), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
for (const [from, to] of ASSETS) {
  if (!existsSync(at(from))) throw new Error(`build: ${from} is missing`);
  cpSync(at(from), at(to), { recursive: true });
}
console.log('built dist/');
