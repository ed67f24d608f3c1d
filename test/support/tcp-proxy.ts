// A loopback TCP proxy a test controls, to partition a client from a server without touching
// either. Modes:
// - `forward`: bytes pass both ways.
// - `blackhole`: a silent partition. Every socket stays open, every byte is dropped, and a close
//   on one side is not passed to the other; new connections are accepted and then hear nothing.
//   When the partition heals, connections that lived through it are reset: their peers' states
//   have diverged (bytes were lost), as a real peer's RST would tell the other side.
// - `cut`: every connection is reset and new ones are reset as soon as accepted.
import { createServer, connect, type Server, type Socket } from 'node:net';

/** What the proxy does with traffic. */
export type ProxyMode = 'forward' | 'blackhole' | 'cut';

/** A running proxy. */
export interface TcpProxy {
  /** 127.0.0.1, and the port the client dials. */
  host: string;
  port: number;
  readonly mode: ProxyMode;
  /** Switches mode (see the module header). */
  setMode(mode: ProxyMode): void;
  /** Connections accepted since start (refused ones included). */
  readonly accepted: number;
  /** Connections open now. */
  readonly open: number;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket | undefined;
  /** Lived through a blackhole: reset when it heals. */
  stale: boolean;
}

/** Starts a proxy on a free loopback port in front of `target`. */
export async function startTcpProxy(target: { host: string; port: number }, initial: ProxyMode = 'forward'): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let accepted = 0;
  let mode = initial;
  const reset = (pair: Pair) => {
    pairs.delete(pair);
    for (const socket of [pair.client, pair.upstream]) if (socket && !socket.destroyed) socket.resetAndDestroy();
  };
  const server: Server = createServer((client) => {
    accepted++;
    if (mode === 'cut') {
      client.resetAndDestroy();
      return;
    }
    const pair: Pair = { client, upstream: undefined, stale: mode === 'blackhole' };
    pairs.add(pair);
    // A side that ends is passed on, except in a blackhole, where the other side hears nothing.
    const ended = (side: Socket) => () => {
      side.destroy();
      if (mode === 'blackhole') return;
      pairs.delete(pair);
      pair.client.destroy();
      pair.upstream?.destroy();
    };
    client.on('error', ended(client)).on('close', ended(client));
    client.on('data', (chunk) => {
      if (mode === 'forward') pair.upstream?.write(chunk);
    });
    if (mode === 'blackhole') return;
    const upstream = connect(target.port, target.host);
    pair.upstream = upstream;
    upstream.on('error', ended(upstream)).on('close', ended(upstream));
    upstream.on('data', (chunk) => {
      if (mode === 'forward') client.write(chunk);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  return {
    host: '127.0.0.1',
    port: typeof address === 'object' && address ? address.port : 0,
    get mode() {
      return mode;
    },
    setMode(next) {
      if (next === 'blackhole') for (const pair of pairs) pair.stale = true;
      if (next === 'cut') for (const pair of [...pairs]) reset(pair);
      if (next === 'forward') for (const pair of [...pairs]) if (pair.stale) reset(pair);
      mode = next;
    },
    get accepted() {
      return accepted;
    },
    get open() {
      return pairs.size;
    },
    async close() {
      for (const pair of [...pairs]) reset(pair);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
