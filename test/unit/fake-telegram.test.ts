import { afterAll, describe, expect, it } from 'vitest';
import { startFakeTelegram, type FakeTelegram } from '../../testing/fake-telegram.js';

/** The fake the tests and the benchmark share: the benchmark's outbound figures rest on its limit. */
const TOKEN = '42:fake-token';
const fakes: FakeTelegram[] = [];
afterAll(async () => {
  for (const f of fakes) await f.close();
});

async function call(fake: FakeTelegram, method: string, payload: Record<string, unknown>) {
  const res = await fetch(`${fake.apiRoot}/bot${TOKEN}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  return { status: res.status, body: (await res.json()) as { ok: boolean; parameters?: { retry_after?: number } } };
}

describe('the fake Telegram Bot API', () => {
  it('with perSecond, accepts that many sendMessage per sliding second and answers 429 (retry_after 1) beyond', async () => {
    const fake = await startFakeTelegram(TOKEN, { perSecond: 3 });
    fakes.push(fake);
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await call(fake, 'sendMessage', { chat_id: 7, text: `t${i}` }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429]);
    expect(answers[3]!.body.parameters?.retry_after).toBe(1);
    // Other methods are not limited, and only accepted calls are recorded.
    expect((await call(fake, 'answerCallbackQuery', { callback_query_id: 'x' })).status).toBe(200);
    expect(fake.counters()).toEqual({ sent: 3, tooMany: 2, otherCalls: 1 });
    expect(fake.sent(7).map((c) => c.payload.text)).toEqual(['t0', 't1', 't2']);
  });

  it('without perSecond, answers 429 only when told to', async () => {
    const fake = await startFakeTelegram(TOKEN);
    fakes.push(fake);
    for (let i = 0; i < 5; i++) expect((await call(fake, 'sendMessage', { chat_id: 8, text: 'x' })).status).toBe(200);
    fake.tooManyRequests(1, 3);
    const refused = await call(fake, 'sendMessage', { chat_id: 8, text: 'y' });
    expect(refused.status).toBe(429);
    expect(refused.body.parameters?.retry_after).toBe(3);
    expect((await call(fake, 'sendMessage', { chat_id: 8, text: 'z' })).status).toBe(200);
  });
});
