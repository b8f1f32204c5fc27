import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ModelError, type Envelope } from '@qubit/model';
import { parseClientMessage, type StreamServerMessage } from '@qubit/venue-remote';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

export interface StreamHubOptions {
  readonly venue: string;
  readonly incarnation: string;
  /** The sequence number of the last report made. */
  readonly lastSeq: () => bigint;
  /** How many recent reports are kept for clients that resume after a disconnect. */
  readonly replayLimit: number;
  readonly warn: (line: string) => void;
}

interface Client {
  /** Undefined: every account. */
  accounts: ReadonlySet<string> | undefined;
}

interface HeldReport {
  readonly seq: bigint;
  readonly accountId: string;
  readonly text: string;
}

/** A client this far behind is cut off; it reconnects and resumes from its last report. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/**
 * The venue's WebSocket: every order report (to the clients whose subscription covers its account) and
 * every market datum (to all). Reports are sent only once they are on disk, so a report a client saw is
 * never one a restarted venue forgets. The last `replayLimit` reports are held so that a client that
 * reconnects with `{kind:"subscribe", after}` gets the ones it missed, in order, before the live ones.
 */
export class StreamHub {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly clients = new Map<WebSocket, Client>();
  private held: HeldReport[] = [];

  constructor(private readonly o: StreamHubOptions) {
    this.server.on('connection', (socket) => this.accept(socket));
  }

  /** Takes over an HTTP upgrade request for the stream route. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.server.handleUpgrade(request, socket, head, (ws) => this.server.emit('connection', ws, request));
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Keeps a report for resuming clients and sends it to the live ones it concerns. */
  report(seq: bigint, accountId: string, envelope: Envelope, live = true): void {
    const text = JSON.stringify({ kind: 'report', seq: seq.toString(), envelope });
    this.held.push({ seq, accountId, text });
    // Trimmed in batches so that holding reports costs amortised O(1).
    if (this.held.length > this.o.replayLimit * 2) this.held = this.held.slice(-this.o.replayLimit);
    if (!live) return;
    for (const [socket, client] of this.clients) {
      if (client.accounts === undefined || client.accounts.has(accountId)) this.send(socket, text);
    }
  }

  market(envelope: Envelope): void {
    if (this.clients.size === 0) return;
    const text = JSON.stringify({ kind: 'market', envelope });
    for (const socket of this.clients.keys()) this.send(socket, text);
  }

  /** Closes every connection (clients see code 1001 and reconnect) and the server. */
  async close(): Promise<void> {
    for (const socket of this.clients.keys()) socket.close(1001, 'venue shutting down');
    const deadline = setTimeout(() => {
      for (const socket of this.clients.keys()) socket.terminate();
    }, 1000);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    while (this.clients.size > 0) await new Promise((r) => setTimeout(r, 10));
    clearTimeout(deadline);
  }

  private accept(socket: WebSocket): void {
    this.clients.set(socket, { accounts: undefined });
    socket.on('message', (data: RawData) => this.onMessage(socket, data));
    socket.on('close', () => this.clients.delete(socket));
    socket.on('error', (err) => {
      this.o.warn(`stream client error: ${err.message}`);
      this.clients.delete(socket);
    });
    this.sendMessage(socket, {
      kind: 'hello',
      venue: this.o.venue,
      incarnation: this.o.incarnation,
      last_seq: this.o.lastSeq().toString(),
    });
  }

  private onMessage(socket: WebSocket, data: RawData): void {
    const client = this.clients.get(socket);
    if (!client) return;
    let subscription: ReturnType<typeof parseClientMessage>;
    try {
      subscription = parseClientMessage(rawText(data));
    } catch (e) {
      const error = e instanceof ModelError ? e.message : `message: ${(e as Error).message}`;
      this.sendMessage(socket, { kind: 'error', error });
      return;
    }
    client.accounts = subscription.accounts;
    const missed = subscription.after === undefined ? [] : this.since(socket, subscription.after);
    const covered = missed.filter((r) => client.accounts === undefined || client.accounts.has(r.accountId));
    this.sendMessage(socket, {
      kind: 'subscribed',
      accounts: client.accounts === undefined ? null : [...client.accounts],
      replayed: covered.length,
    });
    for (const r of covered) this.send(socket, r.text);
  }

  /** The held reports after `after`; when some of them are no longer held, the client is told to reconcile. */
  private since(socket: WebSocket, after: bigint): HeldReport[] {
    const first = this.held[0];
    const last = this.o.lastSeq();
    if (after >= last) return [];
    if (!first || after + 1n < first.seq) {
      const error = `reports ${after + 1n}..${last} are no longer held (the oldest held is ${first?.seq ?? 'none'}); ask the venue for its state to reconcile`;
      this.o.warn(`a stream client resumed after report ${after}: ${error}`);
      this.sendMessage(socket, { kind: 'error', error });
      return [];
    }
    return this.held.slice(Number(after + 1n - first.seq));
  }

  private sendMessage(socket: WebSocket, message: StreamServerMessage): void {
    this.send(socket, JSON.stringify(message));
  }

  private send(socket: WebSocket, text: string): void {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.o.warn(
        'a stream client fell too far behind; it was disconnected and will resume when it reconnects',
      );
      socket.terminate();
      this.clients.delete(socket);
      return;
    }
    socket.send(text);
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
