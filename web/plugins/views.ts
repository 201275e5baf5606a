import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import view from '@fastify/view';
import { Eta } from 'eta';
import fp from 'fastify-plugin';

export const VIEWS_DIR = fileURLToPath(new URL('../../templates/views', import.meta.url));
export const PUBLIC_DIR = fileURLToPath(new URL('../public', import.meta.url));

/** Server-rendered pages (eta, auto-escaping every `<%= %>`) and the static assets. */
export const viewsPlugin = fp<{ cache: boolean }>(
  async (app, opts) => {
    const eta = new Eta({ views: VIEWS_DIR, autoEscape: true, cache: opts.cache });
    await app.register(view, { engine: { eta }, templates: VIEWS_DIR, production: opts.cache });
    await app.register(fastifyStatic, {
      root: PUBLIC_DIR,
      prefix: '/assets/',
      maxAge: opts.cache ? '1h' : 0,
    });
  },
  { name: 'views' },
);
