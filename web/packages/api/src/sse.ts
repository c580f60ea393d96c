// Server-sent events from the browser. Public streams (the seat streams) use EventSource, which
// reconnects and sends Last-Event-ID by itself. Streams that need a token (the organiser's sales
// stream) cannot: EventSource sends no Authorization header and a token must never sit in a
// query string, so they go through fetch with a streaming parser and our own reconnect loop.
// Browsers allow about six HTTP/1.1 connections per origin, so a tab holds one stream at a time:
// opening a stream closes the one opened before it.

export interface SseMessage {
  /** The `event:` field; "message" when the server sent none. */
  type: string;
  data: string;
  /** The last event id seen on the stream when this message was dispatched. */
  lastEventId: string | undefined;
}

/**
 * An incremental parser for the text/event-stream format (WHATWG HTML, "Server-sent events"):
 * feed it decoded chunks as they arrive, in any split, and it returns the complete messages.
 */
export class SseParser {
  private buffer = '';
  private started = false;
  private pendingCarriageReturn = false;
  private eventType = '';
  private data: string[] = [];
  private hasData = false;
  /** The stream's last event id, persisted across messages as the spec says. */
  lastEventId: string | undefined;
  /** The reconnection delay the server asked for with `retry:`, in milliseconds. */
  retry: number | undefined;

  feed(chunk: string): SseMessage[] {
    let text = chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    // A CR that ended the previous chunk already ended its line; skip the LF of a split CRLF.
    if (this.pendingCarriageReturn && text.startsWith('\n')) text = text.slice(1);
    this.pendingCarriageReturn = false;
    this.buffer += text;
    const messages: SseMessage[] = [];
    let lineStart = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      this.line(this.buffer.slice(lineStart, i), messages);
      if (c === '\r') {
        if (i + 1 === this.buffer.length) this.pendingCarriageReturn = true;
        else if (this.buffer[i + 1] === '\n') i++;
      }
      lineStart = i + 1;
    }
    this.buffer = this.buffer.slice(lineStart);
    return messages;
  }

  private line(line: string, messages: SseMessage[]): void {
    if (line === '') {
      this.dispatch(messages);
      return;
    }
    if (line.startsWith(':')) return; // a comment, e.g. a heartbeat
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.data.push(value);
        this.hasData = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  private dispatch(messages: SseMessage[]): void {
    if (this.hasData) {
      messages.push({
        type: this.eventType || 'message',
        data: this.data.join('\n'),
        lastEventId: this.lastEventId,
      });
    }
    this.eventType = '';
    this.data = [];
    this.hasData = false;
  }
}

export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StreamHandlers {
  onMessage: (message: SseMessage) => void;
  onStateChange?: (state: StreamState) => void;
  /** A failure the stream does not retry (e.g. 401/403); the stream is closed after it. */
  onFatal?: (error: StreamError) => void;
}

export class StreamError extends Error {
  override readonly name = 'StreamError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface StreamHandle {
  close(): void;
  readonly state: StreamState;
  readonly lastEventId: string | undefined;
}

let activeStream: StreamHandle | undefined;

/** The stream this tab holds open, if any. */
export function currentStream(): StreamHandle | undefined {
  return activeStream && activeStream.state !== 'closed' ? activeStream : undefined;
}

function claimSlot(handle: StreamHandle): void {
  if (activeStream && activeStream !== handle && activeStream.state !== 'closed') activeStream.close();
  activeStream = handle;
}

/** Backoff for reconnects: the server's `retry:` if it gave one, else 0.5 s doubling to 15 s. */
export function reconnectDelay(attempt: number, serverRetry?: number): number {
  if (serverRetry !== undefined) return serverRetry;
  return Math.min(15_000, 500 * 2 ** Math.max(0, attempt - 1));
}

export interface PublicStreamOptions extends StreamHandlers {
  /** Named event types to listen for besides "message". */
  events?: string[];
  eventSource?: typeof EventSource;
}

/** A public stream through EventSource (same origin, no credentials in the URL). */
export function openPublicStream(url: string, options: PublicStreamOptions): StreamHandle {
  const Source = options.eventSource ?? EventSource;
  let source: EventSource | undefined;
  let state: StreamState = 'connecting';
  let lastEventId: string | undefined;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const setState = (next: StreamState) => {
    if (state === next) return;
    state = next;
    options.onStateChange?.(next);
  };
  const deliver = (event: MessageEvent<string>) => {
    if (event.lastEventId) lastEventId = event.lastEventId;
    options.onMessage({ type: event.type, data: event.data, lastEventId });
  };
  const connect = () => {
    source = new Source(url);
    source.onopen = () => {
      attempt = 0;
      setState('open');
    };
    source.onmessage = deliver;
    for (const type of options.events ?? []) source.addEventListener(type, deliver as EventListener);
    source.onerror = () => {
      if (state === 'closed' || !source) return;
      if (source.readyState === Source.CONNECTING) {
        setState('reconnecting'); // the browser retries by itself, sending Last-Event-ID
        return;
      }
      // CLOSED: the browser gave up (an HTTP error or a wrong content type); retry ourselves.
      source.close();
      setState('reconnecting');
      attempt++;
      timer = setTimeout(connect, reconnectDelay(attempt));
    };
  };

  const handle: StreamHandle = {
    close() {
      clearTimeout(timer);
      source?.close();
      setState('closed');
    },
    get state() {
      return state;
    },
    get lastEventId() {
      return lastEventId;
    },
  };
  claimSlot(handle);
  connect();
  return handle;
}

export interface AuthorizedStreamOptions extends StreamHandlers {
  /** Asked before every (re)connect, so a renewed token is picked up. */
  accessToken: () => Promise<string | null | undefined> | string | null | undefined;
  fetch?: typeof fetch;
}

/** A stream that needs a bearer token: fetch + SseParser, reconnecting with Last-Event-ID. */
export function openAuthorizedStream(url: string, options: AuthorizedStreamOptions): StreamHandle {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  let state: StreamState = 'connecting';
  let lastEventId: string | undefined;
  let serverRetry: number | undefined;
  let attempt = 0;
  let abort: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const setState = (next: StreamState) => {
    if (state === next) return;
    state = next;
    options.onStateChange?.(next);
  };
  const fatal = (error: StreamError) => {
    handle.close();
    options.onFatal?.(error);
  };
  const scheduleReconnect = () => {
    if (state === 'closed') return;
    setState('reconnecting');
    attempt++;
    timer = setTimeout(() => void connect(), reconnectDelay(attempt, serverRetry));
  };

  const connect = async () => {
    abort = new AbortController();
    const headers: Record<string, string> = { Accept: 'text/event-stream', 'Cache-Control': 'no-cache' };
    try {
      const token = await options.accessToken();
      if (!token) return fatal(new StreamError(401, 'sign in to watch this stream'));
      headers.Authorization = `Bearer ${token}`;
      if (lastEventId !== undefined) headers['Last-Event-ID'] = lastEventId;
      const response = await doFetch(url, { headers, signal: abort.signal, cache: 'no-store' });
      if (response.status === 401 || response.status === 403 || response.status === 404) {
        return fatal(new StreamError(response.status, `the stream answered ${response.status}`));
      }
      if (!response.ok || !response.body) return scheduleReconnect();
      const parser = new SseParser();
      parser.lastEventId = lastEventId;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      setState('open');
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        attempt = 0;
        for (const message of parser.feed(value)) {
          lastEventId = parser.lastEventId;
          options.onMessage(message);
        }
        lastEventId = parser.lastEventId;
        serverRetry = parser.retry ?? serverRetry;
      }
      scheduleReconnect(); // the server ended the stream: come back for what follows
    } catch {
      if (state !== 'closed') scheduleReconnect();
    }
  };

  const handle: StreamHandle = {
    close() {
      clearTimeout(timer);
      setState('closed');
      abort?.abort();
    },
    get state() {
      return state;
    },
    get lastEventId() {
      return lastEventId;
    },
  };
  claimSlot(handle);
  void connect();
  return handle;
}
