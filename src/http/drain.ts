import http from 'node:http';
import type { Socket } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import { sendTransportError } from './transport';

// Past this, connections still busy are cut so that the process can exit (server.ts has its own hard deadline).
const DRAIN_GRACE_MS = 10_000;

/**
 * Shutdown without work whose answer cannot be delivered. Apollo's drain half-closes an idle kept-alive
 * connection (`socket.end()`), which still reads: a request the client sent on it meanwhile was executed, and
 * its answer met a closed socket (the client saw ECONNRESET after its mutation had committed). Here, when the
 * drain starts, idle connections are destroyed, so nothing more is read from them; a request that still reaches
 * the app (pipelined behind one in flight) is refused with 503 and `Connection: close` before any of it runs;
 * responses in flight carry `Connection: close`, and their connections close once they are sent.
 */
export class HttpDrain {
  private readonly active = new Map<Socket, Set<http.ServerResponse>>();
  private draining = false;

  constructor(private readonly server: http.Server) {
    server.on('connection', (socket: Socket) => {
      this.active.set(socket, new Set());
      socket.once('close', () => this.active.delete(socket));
    });
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const responses = this.active.get(req.socket);
      if (!responses) return;
      responses.add(res);
      res.once('close', () => {
        responses.delete(res);
        if (this.draining && responses.size === 0) req.socket.destroySoon();
      });
    });
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** The first middleware: once draining, nothing new runs. */
  readonly refuseWhileDraining = (_req: Request, res: Response, next: NextFunction) => {
    if (!this.draining) return next();
    res.setHeader('connection', 'close');
    sendTransportError(
      res,
      503,
      'SERVICE_UNAVAILABLE',
      'The server is shutting down; send the request again on a new connection',
    );
  };

  /** Stops listening, closes idle connections at once and resolves when the busy ones have answered. */
  async drain(): Promise<void> {
    this.draining = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const [socket, responses] of this.active) {
      if (responses.size === 0) socket.destroy();
      for (const res of responses) if (!res.headersSent) res.setHeader('connection', 'close');
    }
    const grace = setTimeout(() => {
      for (const socket of this.active.keys()) socket.destroy();
    }, DRAIN_GRACE_MS);
    grace.unref();
    await closed;
    clearTimeout(grace);
  }
}
