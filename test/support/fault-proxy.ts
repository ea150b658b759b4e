// A TCP proxy in front of a real server (PostgreSQL here) that a test can pause — bytes stop
// flowing both ways, as when the server hangs — or cut — every connection reset and new ones
// refused, as when the server is down — and then restore.
import net from 'node:net';

export interface FaultProxy {
  port: number;
  /** Holds every byte in both directions until `resume` (the server seems hung). */
  pause(): void;
  resume(): void;
  /** Resets every connection and refuses new ones until `restore` (the server seems down). */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  const pairs = new Set<[net.Socket, net.Socket]>();
  let paused = false;
  let down = false;
  const server = net.createServer((client) => {
    if (down) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(target);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    if (paused) {
      client.pause();
      upstream.pause();
    }
    client.pipe(upstream);
    upstream.pipe(client);
    const close = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    pause() {
      paused = true;
      for (const [a, b] of pairs) (a.pause(), b.pause());
    },
    resume() {
      paused = false;
      for (const [a, b] of pairs) (a.resume(), b.resume());
    },
    cut() {
      down = true;
      for (const [a, b] of pairs) (a.resetAndDestroy(), b.destroy());
      pairs.clear();
    },
    restore() {
      down = false;
    },
    async close() {
      for (const [a, b] of pairs) (a.destroy(), b.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
