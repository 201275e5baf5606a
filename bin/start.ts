// Everything in one process: web + youngster HTTP channels + workers.
import { boot } from './boot.js';

await boot(['web', 'worker']);
