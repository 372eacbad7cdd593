/**
 * docs/asyncapi.yaml: accepted by the AsyncAPI parser (a tool no one here wrote), complete
 * (every type of the contracts with its payload), current (equal to a fresh `pnpm docs`), and its
 * consuming queues the ones the services declare. Needs no broker.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { parse } from 'yaml';
import { dataSchemas, exchangeFor, type MessageType, type WorkQueue } from '@account-security/shared';
import { ASYNCAPI_PATH, CONSUMERS, render } from '../../scripts/docs';

const ROOT = path.resolve(__dirname, '../..');
const committed = readFileSync(ASYNCAPI_PATH, 'utf8');
const types = Object.keys(dataSchemas) as MessageType[];

interface Doc {
  channels: Record<string, { address: string; bindings: { amqp: { exchange: { name: string } } } }>;
  operations: Record<string, { action: string; channel: { $ref: string } }>;
  components: { messages: Record<string, { payload: { properties: Record<string, unknown> } }> };
}

describe('docs/asyncapi.yaml', () => {
  it('is parsed by @asyncapi/parser with no error diagnostics', async () => {
    const { document, diagnostics } = await new Parser().parse(committed);
    const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
    expect(errors.map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    const addresses = document!
      .channels()
      .all()
      .map((c) => c.address());
    expect(addresses.sort()).toEqual([...types].sort());
  });

  it('documents every event and command of the contracts: channel, sender and CloudEvent payload', () => {
    const doc = parse(committed) as Doc;
    for (const type of types) {
      const channel = doc.channels[type]!;
      expect(channel.address).toBe(type);
      expect(channel.bindings.amqp.exchange.name).toBe(exchangeFor(type));
      const payload = doc.components.messages[type]!.payload;
      expect(payload.properties.type).toEqual({ type: 'string', const: type });
      expect(payload.properties.data).toEqual(expect.objectContaining({ type: 'object' }));
      const send = Object.values(doc.operations).filter(
        (o) => o.action === 'send' && o.channel.$ref === `#/channels/${type}`,
      );
      expect(send).toHaveLength(1);
    }
  });

  it('lists the queues the services consume from (the serviceQueue exports of their *.consumer.ts)', () => {
    const declared: string[] = [];
    for (const app of readdirSync(path.join(ROOT, 'apps'))) {
      const dir = path.join(ROOT, 'apps', app, 'src', 'entry-points');
      if (!existsSync(dir)) continue;
      const files = readdirSync(dir).filter((f) => f.endsWith('.consumer.ts'));
      for (const file of files) {
        const mod = jest.requireActual<Record<string, unknown>>(path.join(dir, file));
        for (const value of Object.values(mod)) {
          const q = value as Partial<WorkQueue>;
          if (typeof q?.name === 'string' && Array.isArray(q.bindings)) declared.push(q.name);
        }
      }
    }
    const listed = CONSUMERS.map((c) => `${c.service}.${c.type}`);
    expect(listed.sort()).toEqual(declared.sort());
    const receivers = Object.keys((parse(committed) as Doc).operations).filter((k) => k.endsWith('.receive'));
    for (const queue of declared) expect(receivers).toContain(`${queue}.receive`);
  });

  it('is current: equal to a fresh `pnpm docs` (regenerate and commit when a contract changes)', () => {
    expect(render()).toBe(committed);
  });
});
