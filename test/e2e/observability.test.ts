/**
 * The operators' kit (deploy/prometheus, deploy/grafana): the alert rules and the Prometheus
 * configuration pass `promtool` (Debian package `prometheus`; CI installs it), the dashboard's
 * queries are valid PromQL, and every metric name the dashboard and the alerts use is one the
 * running services export on their operator port.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { Harness, startHarness } from '../support/harness';
import { WebProcess, startWeb } from '../../apps/web/test/support/web-process';

jest.setTimeout(180_000);

const exec = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const ALERTS = path.join(ROOT, 'deploy/prometheus/alerts.yml');
const PROMETHEUS_CONFIG = path.join(ROOT, 'deploy/prometheus/prometheus.yml');
const DASHBOARD = path.join(ROOT, 'deploy/grafana/dashboards/account-security.json');

/** Prometheus adds this series itself for every scrape target. */
const PROMETHEUS_SERIES = ['up'];
const PROMQL_WORDS = new Set([
  'and',
  'or',
  'unless',
  'offset',
  'bool',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'inf',
  'nan',
]);

async function promtool(...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await exec('promtool', args);
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { code: number | string; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT')
      throw new Error('promtool is missing: install the Debian package `prometheus` (.ci/run does)', {
        cause: err,
      });
    return { code: Number(e.code), output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

interface Dashboard {
  templating: { list: { name: string; type: string; query?: unknown }[] };
  panels: {
    type: string;
    title: string;
    datasource?: { type: string; uid: string };
    targets?: { expr: string; datasource?: { uid: string } }[];
  }[];
}

const dashboard = (): Dashboard => JSON.parse(readFileSync(DASHBOARD, 'utf8'));
const dashboardExprs = () =>
  dashboard()
    .panels.flatMap((p) => p.targets ?? [])
    .map((t) => t.expr);
const alertExprs = (): string[] =>
  (parse(readFileSync(ALERTS, 'utf8')) as { groups: { rules: { expr: string }[] }[] }).groups.flatMap((g) =>
    g.rules.map((r) => r.expr),
  );

/** Grafana's variables replaced by values PromQL accepts, so promtool can parse the query. */
const withVariables = (expr: string) =>
  expr.replace(/\$__rate_interval|\$__interval/g, '5m').replace(/\$\{?\w+\}?/g, '.*');

/** The metric names a (valid) PromQL expression selects. */
function metricNames(expr: string): string[] {
  const bare = withVariables(expr)
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = [...bare.matchAll(/\b([a-zA-Z_:][\w:]*)\b(?!\s*\()/g)].map((m) => m[1]!);
  return [...new Set(names.filter((n) => !PROMQL_WORDS.has(n.toLowerCase())))];
}

/** Series names in a /metrics text: a histogram's name stands for its _bucket, _sum and _count. */
function exportedNames(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\w+)$/gm)) {
    const [, name, type] = m as unknown as [string, string, string];
    out.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) out.add(name + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) out.add(name + s);
  }
  return out;
}

const unknownNames = (exprs: string[], known: Set<string>) =>
  [...new Set(exprs.flatMap(metricNames))].filter((n) => !known.has(n)).sort();

describe('the alert rules and the Prometheus configuration', () => {
  test('promtool check rules accepts deploy/prometheus/alerts.yml', async () => {
    const r = await promtool('check', 'rules', ALERTS);
    expect(r).toMatchObject({ code: 0 });
    expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
  });

  test('promtool check rules refuses a broken rule (the check can fail)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'alerts-'));
    const bad = path.join(dir, 'bad.yml');
    writeFileSync(bad, 'groups:\n  - name: x\n    rules:\n      - alert: X\n        expr: rate(up[5m]\n');
    expect((await promtool('check', 'rules', bad)).code).not.toBe(0);
  });

  test('every alert has a summary and a description, and the five conditions are covered', () => {
    const rules = (
      parse(readFileSync(ALERTS, 'utf8')) as {
        groups: {
          rules: { alert: string; expr: string; for?: string; annotations?: Record<string, string> }[];
        }[];
      }
    ).groups.flatMap((g) => g.rules);
    for (const r of rules) {
      expect(r.annotations?.summary).toBeTruthy();
      expect(r.annotations?.description).toBeTruthy();
    }
    const by = (re: RegExp) => rules.filter((r) => re.test(r.expr));
    expect(by(/messages_dead_lettered_total/)[0]?.for).toBe('5m');
    expect(by(/messages_in_flight/)).toHaveLength(1);
    expect(by(/^up == 0$/)[0]?.for).toBe('2m');
    expect(by(/account\.locked/)).toHaveLength(1);
    expect(by(/account_guard_pending_actions/)[0]?.for).toBe('10m');
  });

  test('promtool check config accepts deploy/prometheus/prometheus.yml, scraping the four operator ports', async () => {
    const r = await promtool('check', 'config', PROMETHEUS_CONFIG);
    expect(r).toMatchObject({ code: 0 });
    const config = parse(readFileSync(PROMETHEUS_CONFIG, 'utf8')) as {
      scrape_configs: { static_configs: { targets: string[] }[] }[];
    };
    const targets = config.scrape_configs.flatMap((s) => s.static_configs.flatMap((c) => c.targets)).sort();
    expect(targets).toEqual(['account-guard:3103', 'ip-checker:3101', 'login-history:3102', 'web:3104']);
  });
});

describe('the Grafana dashboard', () => {
  test('parses, takes its Prometheus data source from a variable and offers $service and $queue', () => {
    const d = dashboard();
    const vars = Object.fromEntries(d.templating.list.map((v) => [v.name, v]));
    expect(vars.datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(vars.service).toMatchObject({ type: 'query' });
    expect(vars.queue).toMatchObject({ type: 'query' });
    const graphs = d.panels.filter((p) => p.type !== 'row');
    expect(graphs.length).toBeGreaterThanOrEqual(10);
    for (const p of graphs) {
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const t of p.targets ?? []) expect(t.datasource?.uid).toBe('${datasource}');
    }
  });

  test('every query is valid PromQL (promtool parses them as recording rules)', async () => {
    const exprs = dashboardExprs();
    const dir = mkdtempSync(path.join(tmpdir(), 'dashboard-'));
    const file = path.join(dir, 'queries.yml');
    const rules = exprs.map(
      (e, i) => `      - record: dashboard:q${i}\n        expr: ${JSON.stringify(withVariables(e))}`,
    );
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
    const r = await promtool('check', 'rules', file);
    expect(r.output).toContain(`SUCCESS: ${exprs.length} rules found`);
  });

  test('the name extraction finds selected metrics only (not functions, labels, values or keywords)', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (service, le) (rate(message_handling_seconds_bucket{queue=~"$queue"}[$__rate_interval]))) > 1 and on (service) up offset 5m',
      ).sort(),
    ).toEqual(['message_handling_seconds_bucket', 'up']);
  });
});

describe('the metric names, against what the running services export', () => {
  let h: Harness | undefined;
  let web: WebProcess | undefined;
  let exported: Set<string>;

  beforeAll(async () => {
    h = await startHarness('observability');
    web = await startWeb(
      { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent' },
      { waitFor: 'alive' },
    );
    const urls = [
      ...['IP_CHECKER', 'LOGIN_HISTORY', 'ACCOUNT_GUARD'].map(
        (s) => `http://127.0.0.1:${h!.env[`${s}_ADMIN_PORT`]}/metrics`,
      ),
      `${web.adminUrl}/metrics`,
    ];
    exported = new Set(PROMETHEUS_SERIES);
    for (const url of urls) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      for (const n of exportedNames(await res.text())) exported.add(n);
    }
  });
  afterAll(async () => {
    await web?.stop();
    await h?.stop();
  });

  test('the services export the per-queue and account-guard metrics', () => {
    for (const n of [
      'messages_consumed_total',
      'messages_published_total',
      'message_handling_seconds_bucket',
      'account_guard_pending_actions',
    ])
      expect(exported).toContain(n);
  });

  test('every metric the dashboard queries is exported', () => {
    expect(unknownNames(dashboardExprs(), exported)).toEqual([]);
  });

  test('every metric the alert rules use is exported', () => {
    expect(unknownNames(alertExprs(), exported)).toEqual([]);
  });

  test('a misspelled metric name would be caught', () => {
    expect(unknownNames(['sum(rate(messages_consumd_total[5m]))'], exported)).toEqual([
      'messages_consumd_total',
    ]);
  });
});
