// A small deterministic fuzzer of the agent gateway: 300 malformed frames from a seeded PRNG
// (random bytes, truncated JSON, wrong types, huge strings, deep nesting, long multi-byte types,
// binary frames, valid envelopes with invalid payloads), one per connection, each sent before or
// after a valid hello with a registered cluster's credential. Each must get an `error` message and
// a protocol-error close (ws's own 1007 for invalid UTF-8 text, 1009 past the size limit), never an
// internal error; between frames an established agent keeps getting acks and /readyz answers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CloseCode, decodeAgentMessage } from '@flotilla/shared';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { connectAgent, type TestAgent } from '../support/test-agent.ts';

const SEED = 0x13f1;
const FRAMES = 300;
const LIMIT = 64 * 1024;

/** mulberry32: a tiny seeded PRNG, so every run sends the same frames. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One fuzz case: what it is, the frame, whether it goes after a hello, and as a binary frame. */
interface Case {
  kind: string;
  frame: string | Buffer;
  binary: boolean;
  afterHello: boolean;
}

const status = (seq: number) => ({ type: 'status', app: 'fuzz-app', seq, status: { sync: { status: 'Synced' }, health: { status: 'Healthy' }, resources: [], reconciledAt: '2026-12-01T00:00:00Z' } });
const event = (seq: number) => ({ type: 'event', seq, event: { reason: 'Fuzz', message: 'm', at: '2026-12-01T00:00:00Z' } });
const validMessages = (): Record<string, unknown>[] => [
  { type: 'hello', protocol: 1, agentVersion: 'fuzz', lastRevision: 0 },
  { type: 'ack', revision: 1 },
  status(1),
  event(1),
  { type: 'heartbeat' },
];

/** Builds the corpus from the seed. */
function generate(seed: number, count: number): Case[] {
  const random = prng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const wrongValues = [null, true, -1, 1.5, 2 ** 60, '', 'x', [], {}, [1, 'a'], { nested: { deep: [] } }, '\u0000', '😀'.repeat(40)];
  // Paths of every leaf and object in a message, to mutate one.
  const paths = (value: unknown, prefix: string[] = []): string[][] =>
    value && typeof value === 'object' ? [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))] : [prefix];
  const setPath = (target: Record<string, unknown>, path: string[], value: unknown) => {
    if (!path.length) return value;
    let node: any = target;
    for (const key of path.slice(0, -1)) node = node[key];
    node[path.at(-1)!] = value;
    return target;
  };
  const generators: Record<string, () => { frame: string | Buffer; binary?: boolean }> = {
    'random bytes': () => ({ frame: bytes(1 + int(200)), binary: random() < 0.5 }),
    'truncated JSON': () => {
      const text = JSON.stringify(pick(validMessages()));
      return { frame: text.slice(0, 1 + int(text.length - 1)) };
    },
    'wrong type': () => {
      const message = pick(validMessages());
      const path = pick(paths(message).filter((p) => p.length > 0));
      return { frame: JSON.stringify(setPath(message, path, pick(wrongValues))) };
    },
    'unknown field': () => ({ frame: JSON.stringify({ ...pick(validMessages()), [pick(['extra', 'Type', '__proto__x', 'ж'])]: pick(wrongValues) }) }),
    'huge string': () => {
      const size = pick([300, 5000, LIMIT - 100, LIMIT + 1, 3 * LIMIT]);
      const s = pick(['x', 'é', '😀']).repeat(size);
      const message = pick([{ type: s }, { ...event(2), event: { ...event(2).event, reason: s } }, { type: 'heartbeat', pad: s }, { ...status(2), app: 'fuzz-app', extra: s }]);
      return { frame: JSON.stringify(message) };
    },
    'deep nesting': () => {
      const depth = pick([100, 1000, 20_000]);
      const inner = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const result = JSON.stringify({ ...status(3), status: { ...status(3).status, operationState: { id: 'op', phase: 'Succeeded', result: '@' } } }).replace('"@"', inner);
      return { frame: pick([inner, `{"type":"status","app":"fuzz-app","seq":3,"status":${inner}}`, `{"type":${inner}}`, `{"type":"heartbeat","x":${inner}}`, result]) };
    },
    'long multi-byte type': () => ({ frame: JSON.stringify({ type: pick(['ж', '😀', '€', '\u{10ffff}']).repeat(40 + int(400)) }) }),
    'binary frame': () => ({ frame: Buffer.concat([bytes(int(8)), Buffer.from(JSON.stringify({ type: pick(['hello', 'status', 'zz']) }))]), binary: true }),
    'valid envelope, invalid payload': () => {
      const type = pick(['hello', 'ack', 'status', 'event', 'heartbeat', 'registered.ack']);
      const payload = pick([{}, { seq: 'one' }, { seq: -1, app: '' }, { revision: -3 }, { protocol: 1 }, { status: null }, { event: { reason: 1 } }]);
      return { frame: JSON.stringify({ type, ...payload }) };
    },
    // Valid by the schema, but text PostgreSQL cannot store (NUL): refused as malformed.
    'NUL in text': () => {
      const nul = `a${String.fromCharCode(0)}b`;
      return { frame: JSON.stringify(pick([{ ...event(4), event: { ...event(4).event, message: nul } }, { ...status(4), status: { ...status(4).status, health: { status: 'Healthy', message: nul } } }, { ...status(4), app: nul }])) };
    },
    'not an object': () => ({ frame: pick(['null', '42', '"hello"', '[]', '[{"type":"heartbeat"}]', 'true', '', ' ']) }),
  };
  const kinds = Object.keys(generators);
  const cases: Case[] = [];
  while (cases.length < count) {
    const kind = kinds[cases.length % kinds.length]!;
    const { frame, binary = false } = generators[kind]!();
    const afterHello = random() < 0.5;
    // A frame the codec accepts is not malformed (a mutation may land on a valid value): before a
    // hello only a hello is valid, after it anything the codec accepts but another hello.
    // Deep nesting and NUL are malformed however the schema reads them.
    let decoded: ReturnType<typeof decodeAgentMessage> = { ok: false, issue: { path: '', message: '' } };
    try {
      decoded = decodeAgentMessage(frame, Number.POSITIVE_INFINITY);
    } catch {
      // the codec threw: malformed as well
    }
    const valid = decoded.ok && (afterHello ? decoded.message.type !== 'hello' : decoded.message.type === 'hello');
    if (valid && kind !== 'deep nesting' && kind !== 'NUL in text') continue;
    cases.push({ kind, frame, binary, afterHello });
  }
  return cases;
}

describe('gateway frame fuzzing', { timeout: 240_000 }, () => {
  let t: TestHub;
  let credential: string;
  let steady: TestAgent;
  let steadySeq = 0;
  const outcomes = new Map<string, Map<number, number>>();

  const register = async (name: string): Promise<string> => {
    const added = await t.api('POST', '/api/v1/clusters', { name });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const agent = await connectAgent(t.hub.url, added.body.bootstrapToken);
    agent.hello(0);
    const registered = await agent.next('registered');
    await agent.next('welcome');
    agent.close();
    await agent.closed;
    return registered.credential;
  };

  before(async () => {
    t = await startTestHub({ maxAgentMessageBytes: LIMIT });
    credential = await register('fuzz');
    // An application on the fuzzed cluster, so that a status that passes the schema gets stored.
    const app = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'fuzz-app' },
      spec: { project: 'default', source: { repoURL: 'https://example.invalid/apps.git', path: 'a', targetRevision: 'HEAD' }, destination: { name: 'fuzz', namespace: 'a' } } };
    assert.equal((await t.api('POST', '/api/v1/applications', app)).status, 201);
    steady = await connectAgent(t.hub.url, await register('steady'));
    steady.hello(0);
    await steady.next('welcome');
  });
  after(async () => {
    steady?.close();
    await t?.stop(true);
  });

  it(`answers ${FRAMES} malformed frames with a protocol error and a close, and keeps serving`, async () => {
    const cases = generate(SEED, FRAMES);
    const failures: string[] = [];
    for (const [i, c] of cases.entries()) {
      const agent = await connectAgent(t.hub.url, credential, { answerHeartbeats: false });
      if (c.afterHello) {
        agent.hello(0);
        await agent.next('welcome');
      }
      agent.sendRaw(c.frame, c.binary);
      const closed = await Promise.race([agent.closed, new Promise<undefined>((r) => setTimeout(() => r(undefined), 5000))]);
      const what = `case ${i} (${c.kind}${c.afterHello ? ', after hello' : ''}${c.binary ? ', binary' : ''}): ${String(c.frame).slice(0, 60)}`;
      const code = closed?.code ?? 0;
      const byKind = outcomes.get(c.kind) ?? new Map<number, number>();
      byKind.set(code, (byKind.get(code) ?? 0) + 1);
      outcomes.set(c.kind, byKind);
      const error = agent.received.find((m) => m.type === 'error');
      if (!closed) {
        failures.push(`${what}: not closed within 5 s; got ${JSON.stringify(agent.received.map((m) => m.type))}`);
        agent.close();
      } else if (code === 1009 || code === 1007) {
        // ws closed it itself (over maxPayload, invalid UTF-8 in a text frame) before the hub read it.
      } else if (code !== CloseCode.protocolError || !(error?.type === 'error' && error.code === 'protocol_error')) {
        failures.push(`${what}: closed with ${code} "${closed.reason}" after ${JSON.stringify(agent.received.map((m) => m.type))}`);
      } else if (Buffer.byteLength(closed.reason) > 123) {
        failures.push(`${what}: a close reason of ${Buffer.byteLength(closed.reason)} bytes`);
      }
      // Another established session still works, and the hub answers.
      if (i % 10 === 9 || i === cases.length - 1) {
        steady.send(status(++steadySeq));
        const ack = await steady.next('status.ack');
        assert.equal(ack.seq, steadySeq, `${what}: the steady agent's status was not acked`);
        assert.equal((await fetch(`${t.hub.url}/readyz`)).status, 200, `${what}: /readyz`);
      }
    }
    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} of ${cases.length} frames were not answered with a protocol error`);
    console.log(`# close codes by kind: ${JSON.stringify(Object.fromEntries([...outcomes].map(([k, v]) => [k, Object.fromEntries(v)])))}`);
  });
});
