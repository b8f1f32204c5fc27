import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** Answers one REST request: a JSON body, or undefined for 404. */
export type HttpRoute = (url: URL) => unknown;

export interface LocalVenueServer {
  readonly http: string;
  readonly ws: string;
  /** Every REST path asked, in order. */
  readonly requests: string[];
  /** Open WebSocket connections, newest last. */
  readonly sockets: WebSocket[];
  close(): Promise<void>;
}

/**
 * A stand-in for a venue on 127.0.0.1: REST answers from `routes` (by path), WebSocket connections handed to
 * `onConnection`. Tests serve recorded venue responses from it; nothing leaves the machine.
 */
export async function startLocalVenueServer(
  routes: Record<string, HttpRoute>,
  onConnection: (socket: WebSocket, path: string) => void = () => {},
): Promise<LocalVenueServer> {
  const requests: string[] = [];
  const sockets: WebSocket[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url.pathname + url.search);
    const route = routes[url.pathname];
    const body = route ? route(url) : undefined;
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: -1, msg: `no route for ${url.pathname}` }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket, req) => {
    sockets.push(socket);
    onConnection(socket, req.url ?? '/');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    http: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}`,
    requests,
    sockets,
    close: async () => {
      for (const s of wss.clients) s.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
