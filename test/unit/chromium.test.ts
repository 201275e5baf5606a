import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findChromium } from '../helpers/browser.js';

const dir = mkdtempSync(join(tmpdir(), 'lijntje-chromium-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('where the browser tests find Chromium', () => {
  it('uses CHROMIUM_PATH first, and says so in one line when it is wrong', () => {
    const fake = join(dir, 'my-chrome');
    writeFileSync(fake, '#!/bin/sh\n');
    chmodSync(fake, 0o755);
    expect(findChromium({ CHROMIUM_PATH: fake, PATH: '' }, [])).toBe(fake);
    expect(() => findChromium({ CHROMIUM_PATH: join(dir, 'missing'), PATH: '' }, [])).toThrow(/^Browser tests need Chromium: CHROMIUM_PATH=.*missing is not an executable file\. .*CHROMIUM_PATH\.$/);
  });

  it('looks for chromium on the PATH when the fixed places have none', () => {
    const bin = mkdtempSync(join(dir, 'bin-'));
    writeFileSync(join(bin, 'chromium-browser'), '#!/bin/sh\n');
    chmodSync(join(bin, 'chromium-browser'), 0o755);
    expect(findChromium({ PATH: `/nonexistent:${bin}` }, [])).toBe(join(bin, 'chromium-browser'));
  });

  it('fails with one clear line (no stack) when there is none', () => {
    try {
      findChromium({ PATH: join(dir, 'empty') }, []);
      expect.unreachable();
    } catch (err) {
      const e = err as Error;
      expect(e.message).toMatch(/^Browser tests need Chromium: no Chromium found .*sudo apt install chromium.*CHROMIUM_PATH\.$/);
      expect(e.message).not.toContain('\n');
      expect(e.stack).toBe(e.message);
    }
  });
});
