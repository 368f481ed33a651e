// Draws Hookdock's icons as PNGs with nothing but Node (zlib): the app icon
// for the installers (build/) and the tray icons per state and OS
// (electron/shell/assets/). Shapes are signed distance functions, so edges are
// anti-aliased at every size. Run: node build/generate-icons.mjs
// The PNGs are committed; run this again only to change the artwork.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// --- PNG writer ------------------------------------------------------------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
export function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// --- shapes (unit square, y down) -------------------------------------------
const len = (x, y) => Math.hypot(x, y);
const circle = (cx, cy, r) => (x, y) => len(x - cx, y - cy) - r;
const capsule = (ax, ay, bx, by, r) => (x, y) => {
  const px = x - ax, py = y - ay, dx = bx - ax, dy = by - ay;
  const h = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return len(px - dx * h, py - dy * h) - r;
};
const roundedBox = (cx, cy, hw, hh, r) => (x, y) => {
  const qx = Math.abs(x - cx) - hw + r, qy = Math.abs(y - cy) - hh + r;
  return len(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const union = (...fs) => (x, y) => Math.min(...fs.map((f) => f(x, y)));
const subtract = (a, b) => (x, y) => Math.max(a(x, y), -b(x, y));
/** The lower half of a ring: the bend of the hook. */
const lowerArc = (cx, cy, r, w) => (x, y) => Math.max(Math.abs(len(x - cx, y - cy) - r) - w / 2, cy - y);

/** The hook glyph, fitted in the unit square with `pad` around it. */
function hook(pad = 0.1, stroke = 0.13) {
  const s = 1 - 2 * pad, m = (v) => pad + v * s, w = stroke * s;
  return union(
    capsule(m(0.66), m(0.12), m(0.66), m(0.6), w / 2), // stem
    lowerArc(m(0.43), m(0.6), 0.23 * s, w), // bend
    capsule(m(0.2), m(0.6), m(0.2), m(0.46), w / 2), // point
    circle(m(0.66), m(0.1), w * 0.85), // eye
  );
}

/** Renders layers [[sdf, [r,g,b,a]], ...] bottom to top, anti-aliased by distance. */
function render(size, layers) {
  const out = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (const [sdf, [lr, lg, lb, la]] of layers) {
        const d = sdf((px + 0.5) / size, (py + 0.5) / size) * size;
        const cov = Math.max(0, Math.min(1, 0.5 - d)) * la;
        // "over" compositing, premultiplied
        r = lr * cov + r * (1 - cov);
        g = lg * cov + g * (1 - cov);
        b = lb * cov + b * (1 - cov);
        a = cov + a * (1 - cov);
      }
      const i = (py * size + px) * 4;
      out[i] = a ? Math.round(r / a) : 0;
      out[i + 1] = a ? Math.round(g / a) : 0;
      out[i + 2] = a ? Math.round(b / a) : 0;
      out[i + 3] = Math.round(a * 255);
    }
  }
  return out;
}

const WHITE = [255, 255, 255, 1];
const BLACK = [0, 0, 0, 1];
const STATE_COLORS = {
  ok: [22, 163, 74, 1], // green
  attention: [220, 38, 38, 1], // red
  paused: [217, 119, 6, 1], // amber
  off: [107, 114, 128, 1], // grey
};

/** Coloured tray icon (Windows, Linux): a disc in the state's colour with a white glyph. */
function colouredTray(state) {
  const disc = circle(0.5, 0.5, 0.48);
  const glyph =
    state === 'attention'
      ? union(capsule(0.5, 0.22, 0.5, 0.56, 0.075), circle(0.5, 0.76, 0.08))
      : state === 'paused'
        ? union(roundedBox(0.38, 0.5, 0.07, 0.22, 0.03), roundedBox(0.62, 0.5, 0.07, 0.22, 0.03))
        : hook(0.2, 0.15);
  if (state === 'off') return [[subtract(disc, circle(0.5, 0.5, 0.38)), STATE_COLORS.off], [hook(0.24, 0.13), STATE_COLORS.off]];
  return [[disc, STATE_COLORS[state]], [glyph, WHITE]];
}

/** macOS template image: black + alpha only; the state shows in the shape. */
function templateTray(state) {
  const glyph = hook(0.08, 0.15);
  if (state === 'ok') return [[glyph, BLACK]];
  if (state === 'off') return [[glyph, [0, 0, 0, 0.4]]];
  if (state === 'paused') return [[union(roundedBox(0.33, 0.5, 0.1, 0.32, 0.04), roundedBox(0.67, 0.5, 0.1, 0.32, 0.04)), BLACK]];
  // attention: the hook with a badge cut out of it, top left.
  return [[subtract(glyph, circle(0.24, 0.24, 0.25)), BLACK], [circle(0.24, 0.24, 0.18), BLACK]];
}

function appIcon() {
  return [
    [roundedBox(0.5, 0.5, 0.44, 0.44, 0.1), [37, 99, 235, 1]],
    [hook(0.22, 0.12), WHITE],
  ];
}

function write(file, size, layers) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, encodePng(size, render(size, layers)));
  return path.relative(root, file);
}

const written = [];
const buildDir = path.join(root, 'build');
written.push(write(path.join(buildDir, 'icon.png'), 512, appIcon()));
for (const s of [16, 32, 48, 64, 128, 256, 512]) written.push(write(path.join(buildDir, 'icons', `${s}x${s}.png`), s, appIcon()));
const assets = path.join(root, 'electron', 'shell', 'assets');
written.push(write(path.join(assets, 'app-icon.png'), 256, appIcon()));
for (const state of Object.keys(STATE_COLORS)) {
  const tray = path.join(assets, 'tray');
  written.push(write(path.join(tray, `tray-${state}.png`), 16, colouredTray(state)));
  written.push(write(path.join(tray, `tray-${state}@2x.png`), 32, colouredTray(state)));
  written.push(write(path.join(tray, `tray-${state}-32.png`), 32, colouredTray(state)));
  written.push(write(path.join(tray, `tray-${state}-32@2x.png`), 64, colouredTray(state)));
  written.push(write(path.join(tray, `tray-${state}Template.png`), 16, templateTray(state)));
  written.push(write(path.join(tray, `tray-${state}Template@2x.png`), 32, templateTray(state)));
}
console.log(`wrote ${written.length} icons:\n  ${written.join('\n  ')}`);
