// `npm run demo`: uses the configured (or default) PostgreSQL and Redis, or
// starts an embedded PostgreSQL and a redis-server when none answers; creates
// the database if needed, seeds the demo region, starts web + workers and
// prints the staff logins and card links. `npm run demo -- --links` prints
// those again for the running demo.
import { runDemo } from './demo-run.js';

await runDemo(['web', 'worker'], { local: true });
