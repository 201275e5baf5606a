export * from './organisation.js';
export * from './personal.js';
export * from './events.js';
export * from './privacy.js';
export * from './availability.js';
