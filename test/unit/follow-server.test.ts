// Follow mode, server side, pure parts: who may speak plain HTTP, and the settled watermark.
import { describe, expect, it } from 'vitest';
import { SettledWatermark, settledIdsAfter } from '../../electron/engine/store/settled';
import { isLoopbackAddress, refusePlainHttp } from '../../electron/engine/follow/server/transport';
import { hashToken, newFollowerToken } from '../../electron/engine/follow/server/followers';

const facts = (over: Partial<Parameters<typeof refusePlainHttp>[0]>) =>
  refusePlainHttp({
    remoteAddress: '127.0.0.1',
    encrypted: false,
    forwardedProto: undefined,
    forwarded: undefined,
    ...over,
  });

describe('refusePlainHttp', () => {
  it('lets a local client in over plain HTTP', () => {
    expect(facts({})).toBeNull();
    expect(facts({ remoteAddress: '::1' })).toBeNull();
    expect(facts({ remoteAddress: '::ffff:127.0.0.1' })).toBeNull();
  });

  it('lets a loopback TLS proxy in when every hop it reports was https', () => {
    expect(facts({ forwardedProto: 'https' })).toBeNull();
    expect(facts({ forwardedProto: 'https, https' })).toBeNull();
    expect(facts({ forwarded: 'for=203.0.113.9;proto=https' })).toBeNull();
  });

  it('refuses a loopback proxy that took the request over plain http', () => {
    expect(facts({ forwardedProto: 'http' })).toMatch(/plain HTTP/);
    expect(facts({ forwardedProto: 'https, http' })).toMatch(/https:\/\//);
    expect(facts({ forwarded: 'for=203.0.113.9;proto=http' })).toMatch(/plain HTTP/);
    expect(facts({ forwardedProto: 'https', forwarded: 'proto="http"' })).toMatch(/plain HTTP/);
  });

  it('refuses any other machine over plain HTTP, whatever headers it sends', () => {
    for (const remoteAddress of ['192.0.2.2', '10.0.0.5', 'fd00::2', '::ffff:192.168.1.4', undefined]) {
      expect(facts({ remoteAddress })).toMatch(/HTTPS from other machines/);
      expect(facts({ remoteAddress, forwardedProto: 'https' })).toMatch(/HTTPS/);
    }
    expect(facts({ remoteAddress: '192.0.2.2', encrypted: true })).toBeNull();
  });

  it('knows loopback addresses', () => {
    expect(isLoopbackAddress('127.8.9.10')).toBe(true);
    expect(isLoopbackAddress('128.0.0.1')).toBe(false);
    expect(isLoopbackAddress('::2')).toBe(false);
  });
});

describe('follower tokens', () => {
  it('are hdf_ + 32 random bytes, and hash to 32 bytes', () => {
    const a = newFollowerToken();
    expect(a).toMatch(/^hdf_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.slice(4), 'base64url')).toHaveLength(32);
    expect(newFollowerToken()).not.toBe(a);
    expect(hashToken(a)).toHaveLength(32);
  });
});

describe('settled watermark', () => {
  const order = ['a1', 'a2', 'a3', 'a4', 'a5'];
  const all = () => true;

  it('pages by id after a cursor, stopping below the smallest id in flight', () => {
    expect(settledIdsAfter(order, null, null, 2, all)).toEqual({ ids: ['a1', 'a2'], scanned: 'a2', behind: 3 });
    expect(settledIdsAfter(order, 'a2', 'a4', 10, all)).toEqual({ ids: ['a3'], scanned: 'a3', behind: 0 });
    expect(settledIdsAfter(order, 'a5', null, 10, all)).toEqual({ ids: [], scanned: 'a5', behind: 0 });
    // A cursor that is no longer stored (pruned) still places the page.
    expect(settledIdsAfter(order, 'a25', null, 10, all).ids).toEqual(['a3', 'a4', 'a5']);
    expect(settledIdsAfter(order, null, null, 0, all)).toEqual({ ids: [], scanned: null, behind: 5 });
  });

  it('moves the cursor past filtered ids, so a page is not empty while more lies ahead', () => {
    const p = settledIdsAfter(order, null, null, 1, (id) => id !== 'a1' && id !== 'a2');
    expect(p).toEqual({ ids: ['a3'], scanned: 'a3', behind: 2 });
    // Filtered ids ahead are not counted as behind.
    expect(settledIdsAfter(order, null, null, 1, (id) => id !== 'a4').behind).toBe(3);
  });

  it('holds the watermark at the smallest id in flight until it settles, and tells listeners', () => {
    const w = new SettledWatermark();
    let told = 0;
    w.onSettled(() => told++);
    w.begin('b');
    w.begin('a');
    w.begin('a'); // a retried id appended twice at once
    expect(w.below()).toBe('a');
    w.end('a');
    expect(w.below()).toBe('a');
    w.end('a');
    expect(w.below()).toBe('b');
    w.end('b');
    expect(w.below()).toBeNull();
    expect(told).toBe(3);
  });
});
