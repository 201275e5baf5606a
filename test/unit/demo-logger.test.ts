import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createDemoLogger } from '../../bin/demo-logger.js';

const dir = mkdtempSync(join(tmpdir(), 'lijntje-demolog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the demo log', () => {
  it('writes everything to the file and only warnings and errors to the console, one readable line each', () => {
    const file = join(dir, 'demo.log');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const logger = createDemoLogger({ level: 'info', file });
      logger.info({ req: { method: 'GET', url: '/k/secret-card-token?x=1' } }, 'incoming request');
      logger.warn({ err: new Error('connection reset') }, 'redis connection error');
      const console = stderr.mock.calls.map((c) => String(c[0]));
      expect(console).toEqual(['warning: redis connection error (connection reset)\n']);
      expect(stdout).not.toHaveBeenCalled();
    } finally {
      stderr.mockRestore();
      stdout.mockRestore();
    }
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; req?: { url: string } });
    expect(lines.map((l) => l.msg)).toEqual(['incoming request', 'redis connection error']);
    // The same scrubbing as the normal log: no card token in the file either.
    expect(lines[0]!.req!.url).toBe('/k/:token');
  });
});
