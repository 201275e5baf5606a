// Demo data + HTTP only (compose runs the worker as its own service).
import { runDemo } from './demo-run.js';

await runDemo(['web']);
