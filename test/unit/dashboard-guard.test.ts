// The dashboard's trust checks, as pure functions.
import { describe, expect, it } from 'vitest';
import {
  bearerToken,
  isAllowedOrigin,
  isAuthorized,
  isLoopbackHost,
  readCookie,
  safeEqual,
  sessionValue,
} from '../../electron/engine/dashboard/guard';

describe('dashboard guard', () => {
  it('accepts only loopback names on our own port as Host', () => {
    expect(isLoopbackHost('127.0.0.1:8788', 8788)).toBe(true);
    expect(isLoopbackHost('LOCALHOST:8788', 8788)).toBe(true);
    expect(isLoopbackHost('[::1]:8788', 8788)).toBe(true);
    expect(isLoopbackHost('127.0.0.1:8787', 8788)).toBe(false);
    expect(isLoopbackHost('127.0.0.1', 8788)).toBe(false);
    expect(isLoopbackHost('attacker.example:8788', 8788)).toBe(false);
    expect(isLoopbackHost('127.0.0.1.nip.io:8788', 8788)).toBe(false);
    expect(isLoopbackHost(undefined, 8788)).toBe(false);
  });

  it('accepts no Origin or exactly our own', () => {
    expect(isAllowedOrigin(undefined, '127.0.0.1:1')).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:1', '127.0.0.1:1')).toBe(true);
    expect(isAllowedOrigin('http://localhost:1', '127.0.0.1:1')).toBe(false);
    expect(isAllowedOrigin('https://127.0.0.1:1', '127.0.0.1:1')).toBe(false);
    expect(isAllowedOrigin('null', '127.0.0.1:1')).toBe(false);
  });

  it('reads bearer tokens and cookies', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(readCookie('a=1; hookdock_session=xyz; b=2', 'hookdock_session')).toBe('xyz');
    expect(readCookie('a=1', 'hookdock_session')).toBeNull();
  });

  it('compares in constant time and authorizes by bearer or session cookie', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    const token = 't'.repeat(43);
    expect(sessionValue(token)).not.toContain(token);
    expect(isAuthorized({ authorization: `Bearer ${token}` }, token)).toBe(true);
    expect(isAuthorized({ cookie: `hookdock_session=${sessionValue(token)}` }, token)).toBe(true);
    expect(isAuthorized({ cookie: `hookdock_session=${token}` }, token)).toBe(false);
    expect(isAuthorized({ authorization: 'Bearer nope' }, token)).toBe(false);
    expect(isAuthorized({}, token)).toBe(false);
  });
});
