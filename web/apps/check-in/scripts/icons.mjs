// Writes the app's PNG icons (a white tick on the brand colour) into public/icons, so the
// manifest has the raster icons install prompts need without an image tool or a design file.
//   node apps/check-in/scripts/icons.mjs
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const out = path.join(import.meta.dirname, '../public/icons');
const BRAND = [0x3b, 0x36, 0xc9];

function png(size, pixel) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) raw.set(pixel(x + 0.5, y + 0.5), y * (size * 4 + 1) + 1 + x * 4);
  }
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function segmentDistance(px, py, ax, ay, bx, by) {
  const t = Math.max(
    0,
    Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)),
  );
  return Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)));
}

/** The icon at `size`; `inset` is how much of the canvas the tick may use (maskable icons keep to the safe zone). */
function icon(size, { rounded, inset }) {
  const s = (v) => size / 2 + (v - 0.5) * size * inset;
  return png(size, (x, y) => {
    const r = size * 0.18;
    if (rounded) {
      const cx = Math.min(Math.max(x, r), size - r);
      const cy = Math.min(Math.max(y, r), size - r);
      if (Math.hypot(x - cx, y - cy) > r) return [0, 0, 0, 0];
    }
    const d = Math.min(
      segmentDistance(x, y, s(0.27), s(0.52), s(0.43), s(0.68)),
      segmentDistance(x, y, s(0.43), s(0.68), s(0.75), s(0.34)),
    );
    const edge = Math.max(0, Math.min(1, size * inset * 0.06 - d + 0.5));
    return [0, 1, 2].map((i) => Math.round(BRAND[i] + (255 - BRAND[i]) * edge)).concat(255);
  });
}

fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'icon-192.png'), icon(192, { rounded: true, inset: 1 }));
fs.writeFileSync(path.join(out, 'icon-512.png'), icon(512, { rounded: true, inset: 1 }));
fs.writeFileSync(path.join(out, 'icon-maskable-512.png'), icon(512, { rounded: false, inset: 0.7 }));
fs.writeFileSync(path.join(out, 'apple-touch-icon.png'), icon(180, { rounded: false, inset: 0.85 }));
console.log(`icons written to ${out}`);
