/**
 * The renderer's one client of the contract. Inside Electron it uses the preload's `window.desa`
 * bridge; in a browser it talks to the headless server with the token from the page URL
 * (`?token=…` or `#token=…`).
 */
import type { Backend, DesaApi, EventName, Events, MethodName, Params, Result } from '../../shared/contract';
import { fromErrorJson, TOKEN_PARAM, type DesaBridge } from '../../shared/rpc';
import { serverBridge } from './server-transport';

declare global {
  interface Window {
    /** Set by src/preload when running inside Electron. */
    desa?: DesaBridge;
  }
}

export interface DesaClient extends DesaApi {
  /** Which transport this client uses. */
  transport: Extract<Backend, 'electron' | 'server'>;
}

/** The token the page was opened with, from the query string or the fragment. */
export function tokenFromLocation(location: Location = window.location): string | null {
  return (
    new URLSearchParams(location.search).get(TOKEN_PARAM) ??
    new URLSearchParams(location.hash.replace(/^#/, '')).get(TOKEN_PARAM)
  );
}

/** Creates the client for wherever the page runs. */
export function createClient(): DesaClient {
  let bridge: DesaBridge;
  let transport: DesaClient['transport'];
  if (window.desa) {
    bridge = window.desa;
    transport = 'electron';
  } else {
    const token = tokenFromLocation();
    if (!token) throw new Error('This page needs the access token: open the URL printed by `desa serve` (it ends in ?token=…).');
    bridge = serverBridge(token);
    transport = 'server';
  }
  return {
    transport,
    async call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
      const reply = await bridge.call(method, params);
      if (!reply.ok) throw fromErrorJson(reply.error);
      return reply.result as Result<M>;
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      return bridge.on(event, (payload) => listener(payload as Events[E]));
    },
  };
}
