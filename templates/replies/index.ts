import { en } from './en.js';
import { nl } from './nl.js';
import type { CannedReply } from './types.js';

export type { CannedReply } from './types.js';
export const CANNED_REPLIES: Record<'nl' | 'en', CannedReply[]> = { nl, en };
