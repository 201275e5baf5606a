import { z } from 'zod';

/**
 * Building blocks for the row schemas of raw statements in db/queries: each
 * raw `execute<Row>` / `rawRows<Row>` names a type inferred from a zod schema
 * next to its statement, and test/integration/row-types.test.ts parses real
 * rows with that schema - never at runtime (this is the hot path's price).
 */

/** A timestamptz as raw results carry it: text that `new Date` reads ("2026-12-02 17:38:47.79+00"). */
export const timestampText = z.string().refine((s) => !Number.isNaN(new Date(s).getTime()), 'not a timestamp');
