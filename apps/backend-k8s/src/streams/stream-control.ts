// Sending the JSON control frames of contracts/streams.ts and closing with a reason the browser
// can show. Close reasons are limited to 123 bytes by the protocol.
import type { StreamServerControl } from '@k8s-console/contracts';
import type WebSocket from 'ws';

export function sendControl(socket: WebSocket, message: StreamServerControl): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

export function closeSocket(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState !== socket.OPEN && socket.readyState !== socket.CONNECTING) return;
  let r = reason;
  while (Buffer.byteLength(r) > 123) r = r.slice(0, -1);
  socket.close(code, r);
}
