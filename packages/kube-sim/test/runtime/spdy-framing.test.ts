import { describe, expect, it } from 'vitest';
import { constants, createDeflate, inflateSync } from 'node:zlib';
import { dataFrame, FrameReader, HeaderBlockReader, HeaderBlockWriter, synReplyFrame } from '../../src/runtime/spdy/spdy-framing.js';
import { SPDY3_DICTIONARY } from '../../src/runtime/spdy/spdy-dictionary.js';

function headerBlock(headers: [string, string][]): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
  parts.push(u32(headers.length));
  for (const [k, v] of headers) parts.push(u32(k.length), Buffer.from(k), u32(v.length), Buffer.from(v));
  return Buffer.concat(parts);
}

/** Compresses blocks the way a SPDY peer does: one zlib stream with the dictionary, a sync flush per block. */
async function peerCompress(blocks: Buffer[]): Promise<Buffer[]> {
  const deflate = createDeflate({ dictionary: SPDY3_DICTIONARY });
  const out: Buffer[] = [];
  for (const block of blocks) {
    const chunks: Buffer[] = [];
    const onData = (c: Buffer) => chunks.push(c);
    deflate.on('data', onData);
    deflate.write(block);
    await new Promise<void>((r) => deflate.flush(constants.Z_SYNC_FLUSH, () => r()));
    deflate.off('data', onData);
    out.push(Buffer.concat(chunks));
  }
  deflate.close();
  return out;
}

describe('SPDY/3.1 framing', () => {
  it('has the 1423-byte SPDY/3 header dictionary', () => {
    expect(SPDY3_DICTIONARY.length).toBe(1423);
    expect(SPDY3_DICTIONARY.subarray(0, 11)).toEqual(Buffer.from('\0\0\0\x07options'));
    expect(SPDY3_DICTIONARY.subarray(-7).toString()).toBe(',enq=0.');
  });

  it('reads header blocks compressed with a shared dictionary stream', async () => {
    const [a, b] = await peerCompress([headerBlock([['streamtype', 'error']]), headerBlock([['streamtype', 'stdin'], ['x', 'y']])]);
    const reader = new HeaderBlockReader();
    expect(reader.read(a as Buffer).get('streamtype')).toEqual(['error']);
    const second = reader.read(b as Buffer);
    expect(second.get('streamtype')).toEqual(['stdin']);
    expect(second.get('x')).toEqual(['y']);
  });

  it('writes header blocks any zlib reader can inflate, and splits frames from a byte stream', () => {
    const writer = new HeaderBlockWriter();
    const first = writer.write({ a: '1' });
    const second = writer.write({});
    const plain = inflateSync(Buffer.concat([first, second]), { finishFlush: constants.Z_SYNC_FLUSH });
    expect(plain).toEqual(Buffer.concat([headerBlock([['a', '1']]), headerBlock([])]));

    const bytes = Buffer.concat([synReplyFrame(1, first), dataFrame(3, Buffer.from('hello'), 1)]);
    const reader = new FrameReader();
    const frames = [...reader.push(bytes.subarray(0, 7)), ...reader.push(bytes.subarray(7))];
    expect(frames).toHaveLength(2);
    expect(frames[0]).toMatchObject({ control: true, type: 2 });
    expect(frames[1]).toMatchObject({ control: false, streamId: 3, flags: 1, data: Buffer.from('hello') });
  });
});
