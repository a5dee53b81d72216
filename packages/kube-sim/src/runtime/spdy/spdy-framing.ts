// SPDY/3.1 framing, as far as the remotecommand protocol over an upgraded connection needs it:
// parsing frames out of a byte stream, reading zlib-compressed header blocks, and writing
// SYN_REPLY, DATA, WINDOW_UPDATE, PING and GOAWAY frames.
import { constants, inflateSync } from 'node:zlib';
import { SPDY3_DICTIONARY } from './spdy-dictionary.js';

export const FLAG_FIN = 0x01;

export const enum ControlType {
  SynStream = 1,
  SynReply = 2,
  RstStream = 3,
  Settings = 4,
  Ping = 6,
  GoAway = 7,
  Headers = 8,
  WindowUpdate = 9,
}

export type SpdyFrame =
  | { control: false; streamId: number; flags: number; data: Buffer }
  | { control: true; type: number; flags: number; payload: Buffer };

/** Splits a byte stream into frames. */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): SpdyFrame[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const frames: SpdyFrame[] = [];
    while (this.buffer.length >= 8) {
      const length = this.buffer.readUIntBE(5, 3);
      if (this.buffer.length < 8 + length) break;
      const flags = this.buffer[4] as number;
      const body = this.buffer.subarray(8, 8 + length);
      if ((this.buffer[0] as number) & 0x80) frames.push({ control: true, type: this.buffer.readUInt16BE(2), flags, payload: body });
      else frames.push({ control: false, streamId: this.buffer.readUInt32BE(0) & 0x7fffffff, flags, data: body });
      this.buffer = this.buffer.subarray(8 + length);
    }
    return frames;
  }
}

/**
 * Reads header blocks. All blocks of a connection share one zlib stream (with the SPDY
 * dictionary); the blocks so far are re-inflated each time, which is cheap for the handful of
 * streams an exec opens and keeps this synchronous.
 */
export class HeaderBlockReader {
  private compressed: Buffer[] = [];
  private produced = 0;

  read(block: Buffer): Map<string, string[]> {
    this.compressed.push(block);
    const all = inflateSync(Buffer.concat(this.compressed), { dictionary: SPDY3_DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH });
    const plain = all.subarray(this.produced);
    this.produced = all.length;
    const headers = new Map<string, string[]>();
    let at = 0;
    const count = plain.readUInt32BE(at);
    at += 4;
    for (let i = 0; i < count; i++) {
      const nameLength = plain.readUInt32BE(at);
      const name = plain.subarray(at + 4, at + 4 + nameLength).toString('latin1').toLowerCase();
      at += 4 + nameLength;
      const valueLength = plain.readUInt32BE(at);
      const value = plain.subarray(at + 4, at + 4 + valueLength).toString('latin1');
      at += 4 + valueLength;
      headers.set(name, value.split('\0'));
    }
    return headers;
  }
}

/**
 * Writes header blocks as stored (uncompressed) deflate blocks inside one zlib stream, each
 * ended like a sync flush: valid for any zlib reader, and headers here are few and small.
 */
export class HeaderBlockWriter {
  private started = false;

  write(headers: Record<string, string>): Buffer {
    const parts: Buffer[] = [];
    const u32 = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(n);
      return b;
    };
    const entries = Object.entries(headers);
    parts.push(u32(entries.length));
    for (const [name, value] of entries) {
      const n = Buffer.from(name.toLowerCase(), 'latin1');
      const v = Buffer.from(value, 'latin1');
      parts.push(u32(n.length), n, u32(v.length), v);
    }
    const plain = Buffer.concat(parts);
    const out: Buffer[] = [];
    if (!this.started) {
      // zlib header: deflate, 32K window, no preset dictionary needed for stored blocks
      out.push(Buffer.from([0x78, 0x01]));
      this.started = true;
    }
    for (let i = 0; i < plain.length || i === 0; i += 0xffff) {
      const piece = plain.subarray(i, i + 0xffff);
      const head = Buffer.alloc(5);
      head[0] = 0x00; // not final, stored
      head.writeUInt16LE(piece.length, 1);
      head.writeUInt16LE(~piece.length & 0xffff, 3);
      out.push(head, piece);
      if (plain.length === 0) break;
    }
    // an empty stored block, as Z_SYNC_FLUSH ends with: readers hand out the data when they see it
    out.push(Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]));
    return Buffer.concat(out);
  }
}

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8003, 0);
  head.writeUInt16BE(type, 2);
  head[4] = flags;
  head.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([head, payload]);
}

const streamIdOf = (payload: Buffer) => payload.readUInt32BE(0) & 0x7fffffff;
export { streamIdOf };

export function synReplyFrame(streamId: number, headerBlock: Buffer, flags = 0): Buffer {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(streamId & 0x7fffffff);
  return controlFrame(ControlType.SynReply, flags, Buffer.concat([id, headerBlock]));
}

export function dataFrame(streamId: number, data: Buffer, flags = 0): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head[4] = flags;
  head.writeUIntBE(data.length, 5, 3);
  return Buffer.concat([head, data]);
}

export function windowUpdateFrame(streamId: number, delta: number): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt32BE(streamId & 0x7fffffff, 0);
  body.writeUInt32BE(delta & 0x7fffffff, 4);
  return controlFrame(ControlType.WindowUpdate, 0, body);
}

export function pingFrame(payload: Buffer): Buffer {
  return controlFrame(ControlType.Ping, 0, payload);
}

export function goAwayFrame(lastStreamId: number): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt32BE(lastStreamId & 0x7fffffff, 0);
  body.writeUInt32BE(0, 4);
  return controlFrame(ControlType.GoAway, 0, body);
}

/** Longest DATA payload we send in one frame. */
export const MAX_DATA = 16 * 1024;
