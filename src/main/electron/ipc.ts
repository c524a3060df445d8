/** The services over Electron IPC: one invoke channel for calls, one channel for pushed events. */
import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type RpcRequest, type RpcResponse } from '../../shared/rpc';
import type { ServiceHost } from '../services/index';

/**
 * Routes `window.desa.call` to the services and broadcasts every service event to all windows.
 * `isTrustedSender` rejects calls from frames that are not our renderer (e.g. a navigated-away page).
 */
export function registerIpc(services: ServiceHost, isTrustedSender: (url: string) => boolean): () => void {
  ipcMain.handle(IPC_CALL_CHANNEL, async (event: IpcMainInvokeEvent, request: RpcRequest): Promise<RpcResponse> => {
    const url = event.senderFrame?.url ?? '';
    if (!isTrustedSender(url)) {
      return { ok: false, error: { code: 'bad-request', message: `IPC call refused from untrusted frame ${url}` } };
    }
    return services.dispatch(request);
  });
  const unsubscribe = services.subscribe((message) => {
    for (const window of BrowserWindow.getAllWindows()) {
      if (!window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, message);
    }
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_CALL_CHANNEL);
  };
}
