/** A minimal SSE reader for tests: collects `event:`/`data:` frames from a real HTTP stream. */
export interface SseEvent {
  event: string;
  data: unknown;
}

export function openSse(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const received: SseEvent[] = [];
  const waiters: (() => void)[] = [];
  let status = 0;
  const ready = fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal }).then(
    async (res) => {
      status = res.status;
      if (!res.body) return;
      const decoder = new TextDecoder();
      let buf = '';
      const reader = res.body.getReader();
      void (async () => {
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return;
            buf += decoder.decode(value, { stream: true });
            let i: number;
            while ((i = buf.indexOf('\n\n')) >= 0) {
              const frame = buf.slice(0, i);
              buf = buf.slice(i + 2);
              let event = 'message';
              const data: string[] = [];
              for (const line of frame.split('\n')) {
                if (line.startsWith('event:')) event = line.slice(6).trim();
                else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
              }
              if (data.length === 0) continue;
              let parsed: unknown = data.join('\n');
              try {
                parsed = JSON.parse(parsed as string);
              } catch {
                /* keep text */
              }
              received.push({ event, data: parsed });
              waiters.splice(0).forEach((w) => w());
            }
          }
        } catch {
          /* aborted */
        }
      })();
    },
  );

  async function waitFor(pred: (e: SseEvent) => boolean, timeoutMs = 10_000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = received.find(pred);
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`SSE event not received within ${timeoutMs} ms; got ${JSON.stringify(received.map((r) => r.event))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  return {
    ready: ready.then(() => waitFor((e) => e.event === 'ready').then(() => status)),
    received,
    status: () => status,
    waitFor,
    close: () => controller.abort(),
  };
}
