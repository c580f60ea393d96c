import { afterEach, describe, expect, it } from 'vitest';
import {
  currentStream,
  openAuthorizedStream,
  reconnectDelay,
  type SseMessage,
  SseParser,
} from '../src/sse.ts';

describe('the SSE parser', () => {
  it('parses named events, multi-line data, ids and comments', () => {
    const parser = new SseParser();
    const messages = parser.feed(
      ': heartbeat\nevent: held\nid: 7\ndata: {"seat":\ndata: "A1"}\n\ndata: plain\n\n',
    );
    expect(messages).toEqual([
      { type: 'held', data: '{"seat":\n"A1"}', lastEventId: '7' },
      { type: 'message', data: 'plain', lastEventId: '7' },
    ]);
  });

  it('gives the same messages however the stream is split, CRLF included', () => {
    const text = '\uFEFFevent: sold\r\nid: 41\r\ndata: x\r\n\r\nretry: 1500\nevent: released\rdata:y\r\r';
    const whole = new SseParser().feed(text);
    for (let size = 1; size <= 5; size++) {
      const parser = new SseParser();
      const parts: SseMessage[] = [];
      for (let i = 0; i < text.length; i += size) parts.push(...parser.feed(text.slice(i, i + size)));
      expect(parts).toEqual(whole);
      expect(parser.retry).toBe(1500);
    }
    expect(whole.map((m) => m.type)).toEqual(['sold', 'released']);
    expect(whole[1]?.data).toBe('y');
  });

  it('dispatches nothing for an event without data and ignores ids with NUL', () => {
    const parser = new SseParser();
    expect(parser.feed('event: ping\n\nid: a\0b\ndata: z\n\n')).toEqual([
      { type: 'message', data: 'z', lastEventId: undefined },
    ]);
  });

  it('backs off from half a second to fifteen, or uses the server retry', () => {
    expect(reconnectDelay(1)).toBe(500);
    expect(reconnectDelay(3)).toBe(2000);
    expect(reconnectDelay(30)).toBe(15_000);
    expect(reconnectDelay(4, 250)).toBe(250);
  });
});

function streamOf(text: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });
}

/** Resolves when `predicate` holds, failing after a deadline instead of sleeping. */
async function until(predicate: () => boolean, deadlineMs = 2000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('an authorised stream', () => {
  afterEach(() => currentStream()?.close());

  it('sends the token, and on reconnect the Last-Event-ID it saw', async () => {
    const requests: Headers[] = [];
    const bodies = ['retry: 10\nid: 5\nevent: sale\ndata: one\n\n', 'id: 6\nevent: sale\ndata: two\n\n'];
    const fetch = (async (_url: string | URL | Request, init?: RequestInit) => {
      requests.push(new Headers(init?.headers));
      const body = bodies.shift();
      if (!body) return new Promise<Response>(() => {}); // stays connected
      return new Response(streamOf(body), { headers: { 'Content-Type': 'text/event-stream' } });
    }) as typeof globalThis.fetch;
    const received: string[] = [];
    let token = 0;
    const stream = openAuthorizedStream('/api/catalog/events/e1/sales/stream', {
      fetch,
      accessToken: () => `t${++token}`,
      onMessage: (message) => received.push(`${message.type}:${message.data}`),
    });
    await until(() => requests.length === 3);
    expect(received).toEqual(['sale:one', 'sale:two']);
    expect(requests[0]?.get('Authorization')).toBe('Bearer t1');
    expect(requests[0]?.has('Last-Event-ID')).toBe(false);
    expect(requests[1]?.get('Last-Event-ID')).toBe('5');
    expect(requests[1]?.get('Authorization')).toBe('Bearer t2');
    expect(requests[2]?.get('Last-Event-ID')).toBe('6');
    expect(stream.lastEventId).toBe('6');
  });

  it('stops on 403 and reports it instead of retrying', async () => {
    let calls = 0;
    const fetch = (async () => {
      calls++;
      return new Response('', { status: 403 });
    }) as typeof globalThis.fetch;
    let fatal: number | undefined;
    const stream = openAuthorizedStream('/s', {
      fetch,
      accessToken: () => 't',
      onMessage: () => {},
      onFatal: (e) => {
        fatal = e.status;
      },
    });
    await until(() => fatal !== undefined);
    expect(fatal).toBe(403);
    expect(stream.state).toBe('closed');
    expect(calls).toBe(1);
  });

  it('keeps one stream per tab: opening another closes the first', () => {
    const fetch = (() => new Promise<Response>(() => {})) as typeof globalThis.fetch;
    const first = openAuthorizedStream('/a', { fetch, accessToken: () => 't', onMessage: () => {} });
    const second = openAuthorizedStream('/b', { fetch, accessToken: () => 't', onMessage: () => {} });
    expect(first.state).toBe('closed');
    expect(currentStream()).toBe(second);
  });
});
