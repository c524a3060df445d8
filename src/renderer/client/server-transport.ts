/**
 * The contract over the headless server: `POST /rpc` for calls, `WS /events` for events, the token
 * on both. Replies and events holding typed arrays arrive as typed frames (src/shared/typed-frame.ts)
 * and are decoded into typed arrays viewing the received bytes. The WebSocket reconnects after a
 * drop so a restarted server is picked up again.
 */
import type { EventName } from '../../shared/contract';
import { readEventMessage, readRpcReply, TOKEN_PARAM, type DesaBridge } from '../../shared/rpc';

/** A bridge with the same shape as the preload's, backed by HTTP + WebSocket. */
export function serverBridge(token: string, origin = window.location.origin): DesaBridge {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let socket: WebSocket | null = null;
  let retryMs = 500;

  function connect(): void {
    const url = new URL('/events', origin.replace(/^http/, 'ws'));
    url.searchParams.set(TOKEN_PARAM, token);
    socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      retryMs = 500;
    };
    socket.onmessage = (frame) => {
      const message = readEventMessage(frame.data as string | ArrayBuffer);
      for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
    };
    socket.onclose = () => {
      socket = null;
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  }
  connect();

  return {
    async call(method, params) {
      const response = await fetch(new URL('/rpc', origin), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ method, params }),
      });
      if (response.status === 401 || response.status === 403) {
        return { ok: false, error: { code: 'bad-request', message: `server refused the request (${response.status}): ${await response.text()}` } };
      }
      return readRpcReply(response);
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => void set.delete(listener);
    },
  };
}
