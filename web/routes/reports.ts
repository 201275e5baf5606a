import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { InputError } from '../../core/errors.js';
import { reportText, type ReportLanguage } from '../../templates/staff/monitoring.js';
import type { MonitoringReport, MonitoringReports, ReportQuery } from '../domain/monitoring-report.js';
import { reportCharts } from '../domain/report-charts.js';
import { reportCsv, reportXlsx } from '../domain/report-files.js';
import { requireRole } from '../plugins/auth.js';
import { staffLanguageOf, uiOf } from '../plugins/views.js';
import { staffOf } from './route-helpers.js';

export interface ReportRoutesDeps {
  reports: MonitoringReports;
}

const FIELD = { type: 'string', maxLength: 16 } as const;
const query = { type: 'object', properties: { from: FIELD, peildatum: FIELD, outside: FIELD } } as const;

/**
 * The monitoring report: the page (/reports/monitoring), its figures as JSON, CSV and XLSX with
 * the same parameters (`from`, `peildatum`, `outside=1`) and the same scope rules. Coordinators
 * (their team's municipalities) and regional accounts (their region, always protected). Anonymous
 * figures only; views and downloads are audited, so a privacy officer sees who took which figures.
 */
export const reportRoutes: FastifyPluginAsync<ReportRoutesDeps> = async (app, deps) => {
  const onRequest = requireRole('coordinator', 'regional');

  async function load(req: FastifyRequest<{ Querystring: ReportQuery }>): Promise<{ report: MonitoringReport; lang: ReportLanguage }> {
    const lang = staffLanguageOf(req);
    return { report: await deps.reports.report(staffOf(req), req.query ?? {}, lang), lang };
  }
  const heading = (r: MonitoringReport, lang: ReportLanguage) => [
    reportText(lang, 'report.heading'),
    `${r.scopeLabel}: ${r.municipalities.map((m) => m.name).join(', ')}`,
    reportText(lang, 'report.period', { from: r.from, to: r.peildatum }),
    reportText(lang, r.protected ? 'report.protected' : 'report.exact'),
    reportText(lang, 'report.source'),
  ];
  const fileName = (r: MonitoringReport, ext: string) => `monitoring-${r.from}-${r.peildatum}${r.protected ? '-buiten-team' : ''}.${ext}`;
  const download = (reply: FastifyReply, type: string, name: string, body: Buffer) =>
    reply.header('content-type', type).header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store').send(body);

  app.get<{ Querystring: ReportQuery }>(
    '/reports/monitoring',
    { onRequest, config: { audit: { action: 'report.view' } }, schema: { querystring: query } },
    async (req, reply) => {
      const staff = staffOf(req);
      reply.header('cache-control', 'no-store');
      try {
        const { report, lang } = await load(req);
        const t = (k: Parameters<typeof reportText>[1], v?: Record<string, string>) => reportText(lang, k, v);
        const charts = reportCharts(report, {
          funnel: t('report.chart.funnel'),
          outflow: t('report.chart.outflow'),
          reach: t('report.chart.reach'),
          approached: t('i2.results.approached'),
          reached: t('i2.results.reached'),
        });
        return reply.view('staff/monitoring.eta', { staff, csrf: reply.csrfToken(), report, charts, rt: t, query: req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '', error: null });
      } catch (err) {
        if (!(err instanceof InputError) || err.statusCode !== 400) throw err;
        reply.code(400);
        return reply.view('staff/monitoring.eta', { staff, csrf: reply.csrfToken(), report: null, charts: null, rt: (k: Parameters<typeof reportText>[1]) => reportText(staffLanguageOf(req), k), query: '', error: uiOf(req).refusal(err.code, err.vars) });
      }
    },
  );

  app.get<{ Querystring: ReportQuery }>(
    '/reports/monitoring.json',
    { onRequest, config: { audit: { action: 'report.download' } }, schema: { querystring: query } },
    async (req, reply) => {
      const { report } = await load(req);
      return reply.header('cache-control', 'no-store').send(report);
    },
  );

  app.get<{ Querystring: ReportQuery }>(
    '/reports/monitoring.csv',
    { onRequest, config: { audit: { action: 'report.download' } }, schema: { querystring: query } },
    async (req, reply) => {
      const { report, lang } = await load(req);
      return download(reply, 'text/csv; charset=utf-8', fileName(report, 'csv'), reportCsv(report, heading(report, lang)));
    },
  );

  app.get<{ Querystring: ReportQuery }>(
    '/reports/monitoring.xlsx',
    { onRequest, config: { audit: { action: 'report.download' } }, schema: { querystring: query } },
    async (req, reply) => {
      const { report, lang } = await load(req);
      const body = await reportXlsx(report, heading(report, lang), reportText(lang, 'report.title'));
      return download(reply, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', fileName(report, 'xlsx'), body);
    },
  );
};
