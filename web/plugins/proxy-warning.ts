import fp from 'fastify-plugin';

/**
 * With TRUST_PROXY off, a request that carries X-Forwarded-For most likely
 * came through a proxy we do not trust: then every client has the proxy's
 * address, and per-address limits and "loopback only" mean nothing. Said once
 * per process (the forwarded address itself is never logged: it is a person's).
 */
export const proxyWarningPlugin = fp<{ trustProxy: boolean }>(
  async (app, opts) => {
    if (opts.trustProxy) return;
    let warned = false;
    app.addHook('onRequest', async (req) => {
      if (warned || req.headers['x-forwarded-for'] === undefined) return;
      warned = true;
      req.log.warn(
        'Requests arrive with X-Forwarded-For while TRUST_PROXY is off: behind a proxy every client then has the proxy\'s address (rate limits, /metrics). Set TRUST_PROXY=true when a proxy you run sits in front of Lijntje.',
      );
    });
  },
  { name: 'proxy-warning' },
);
