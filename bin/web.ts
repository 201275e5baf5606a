// HTTP only (staff web app + youngster channels); scale it apart from the workers.
import { boot } from './boot.js';

await boot(['web']);
