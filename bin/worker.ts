// Queue workers only; run as many as needed side by side.
import { boot } from './boot.js';

await boot(['worker']);
