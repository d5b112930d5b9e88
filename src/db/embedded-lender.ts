import fs from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { EmbeddedOwner } from './embedded-lock';

/**
 * The owner of the embedded database serves the PostgreSQL protocol for it (pglite-socket), so that the CLI, psql
 * and the server itself are all clients of one PGlite instance and its writes are everyone's writes.
 *
 * Why the server goes through the socket too: PGlite is ONE PostgreSQL session. pglite-socket queues protocol
 * messages from all its connections and, while that session is inside a transaction, runs only the messages of the
 * connection that opened it. The in-process node-postgres adapter knows nothing of that queue, so a server
 * transaction and a CLI statement would interleave in the one session (the CLI's insert committed by the server's
 * COMMIT, or rolled back by its ROLLBACK). With every client behind the same queue, transactions are serialised.
 *
 * pglite-socket decides "inside a transaction" from PGlite's transaction status alone, which is idle between the
 * Parse and the Sync of an extended-protocol statement (every parameterised query) and during COPY. The proxy
 * below widens it: a connection keeps the session from its first message until PGlite answers ReadyForQuery,
 * so another connection's Parse cannot replace this one's unnamed statement. (A guard from the protocol's rules:
 * with pg's clients, which send Parse..Sync in one write, the tests saw no interleaving without it either.)
 */

const READY_FOR_QUERY = 0x5a; // 'Z', Byte1('Z') Int32(5) Byte1(status), always the last message
const TERMINATE = 0x58; // 'X'

/** A PGlite whose isInTransaction() also covers an unfinished protocol exchange (see above). */
export function withUnitGate(db: PGlite): PGlite {
  let midExchange = false;
  const execProtocolRawStream: PGlite['execProtocolRawStream'] = async (message, options) => {
    let tail: Uint8Array = new Uint8Array(0);
    const result = await db.execProtocolRawStream(message, {
      ...options,
      onRawData: (data: Uint8Array) => {
        tail =
          data.length >= 6
            ? data.subarray(data.length - 6)
            : Uint8Array.from([...tail, ...data].slice(-6));
        options?.onRawData?.(data);
      },
    });
    const answeredReady = tail.length === 6 && tail[0] === READY_FOR_QUERY && tail[4] === 5;
    // Once answered, an open transaction (status T or E) is PGlite's own isInTransaction().
    midExchange = message[0] !== TERMINATE && !answeredReady;
    return result;
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === 'isInTransaction') return () => midExchange || target.isInTransaction();
      if (property === 'execProtocolRawStream') return execProtocolRawStream;
      // pglite-socket rolls back for a connection that left mid-transaction; its exchange is over with it.
      if (property === 'exec')
        return (sql: string) => {
          midExchange = false;
          return target.exec(sql);
        };
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function'
        ? (value as (...args: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

// sun_path holds 108 bytes on Linux, 104 on macOS; a deeper data folder is lent on a loopback port instead.
const MAX_SOCKET_PATH = 100;
const SOCKET_PORT = 5432;
const MAX_CONNECTIONS = 16;

export interface Lender {
  /** What a pg client passes as host and port: the data folder and 5432 (Unix socket), or 127.0.0.1 and a port. */
  address: NonNullable<EmbeddedOwner['lending']>;
  stop(): Promise<void>;
}

/** Serves the embedded database on `<dataDir>/.s.PGSQL.5432`, readable by this user only. */
export async function lendDatabase(db: PGlite, dataDir: string): Promise<Lender> {
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const dir = path.resolve(dataDir);
  const socketPath = path.join(dir, `.s.PGSQL.${SOCKET_PORT}`);
  const onUnixSocket =
    Buffer.byteLength(socketPath) <= MAX_SOCKET_PATH && process.platform !== 'win32';
  // The folder is locked by us, so a socket file in it is a leftover of an owner that died.
  if (onUnixSocket) fs.rmSync(socketPath, { force: true });
  const server = new PGLiteSocketServer({
    // The same class under its CJS and ESM typings (see EmbeddedDatabase in data-source.ts).
    db: withUnitGate(db) as unknown as ConstructorParameters<typeof PGLiteSocketServer>[0]['db'],
    maxConnections: MAX_CONNECTIONS,
    ...(onUnixSocket ? { path: socketPath } : { host: '127.0.0.1', port: 0 }),
  });
  await server.start();
  if (onUnixSocket) fs.chmodSync(socketPath, 0o600);
  const [host, port] = onUnixSocket ? [dir, SOCKET_PORT] : server.getServerConn().split(':');
  return { address: { host: String(host), port: Number(port) }, stop: () => server.stop() };
}
