// `npm run demo`: creates the local database if needed, seeds the demo region,
// starts web + workers and prints the staff logins and card links.
import { runDemo } from './demo-run.js';

await runDemo(['web', 'worker']);
