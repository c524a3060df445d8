/**
 * Preload: exposes exactly one object, `window.desa`, to the renderer: `call(method, params)` and
 * `on(event, listener)`. No Node or Electron API crosses the bridge, only these two functions.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isMethodName, type EventName } from '../shared/contract';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type DesaBridge, type EventMessage, type RpcResponse } from '../shared/rpc';

const bridge: DesaBridge = {
  call(method: string, params: unknown): Promise<RpcResponse> {
    if (!isMethodName(method)) {
      return Promise.resolve({ ok: false, error: { code: 'bad-request', message: `unknown method '${method}'` } });
    }
    return ipcRenderer.invoke(IPC_CALL_CHANNEL, { method, params }) as Promise<RpcResponse>;
  },
  on(event: EventName, listener: (payload: unknown) => void): () => void {
    const handler = (_e: IpcRendererEvent, message: EventMessage): void => {
      if (message.event === event) listener(message.payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => void ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
  },
};

contextBridge.exposeInMainWorld('desa', bridge);
