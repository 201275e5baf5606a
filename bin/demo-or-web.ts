// The compose `app` service: with APP_ENV=demo it seeds and prints the demo
// (like `npm run demo`, without starting workers - compose runs those apart);
// otherwise it is the plain web entry point.
import { loadEnv } from '../core/env.js';

const env = loadEnv();
if (env.appEnv === 'demo') await import('./demo-web.js');
else await import('./web.js');
