/**
 * A growing Bloom filter over strings ("scalable Bloom filter", Almeida et al. 2007): answers
 * "certainly absent" or "maybe present", never a false "absent" for a string that was added.
 * The engine runtime keeps one of every idempotency key (account, key) so that a fresh key —
 * almost every order's — needs no database lookup (server/engine/runtime.ts).
 *
 * Growth without knowing the final count: strings go into the newest layer; when it holds its
 * capacity a new layer with twice its bits is added (it holds a little less than twice as many
 * strings, its rate being tighter); a query checks every layer.
 *
 * False positives, bounded however many strings are added: layer i is sized so that, full, its
 * false-positive rate is at most p_i = p₀·rⁱ (defaults p₀ = 0.5 %, r = 0.8; by the standard
 * approximation (1 − e^(−kn/m))^k: its bit count is a power of two and its capacity is what
 * that count holds at p_i). A query against all layers is a false
 * positive with probability at most 1 − Π(1 − p_i) < p₀ / (1 − r) = 2.5 %, and each layer is
 * at most 0.5 % — the price is ~11 bits per string at first, ~0.3 more per layer.
 *
 * Hashing: two independent 32-bit multiplicative hashes over the UTF-16 code units (one pass,
 * each finished by murmur3's fmix32), and the k positions by double hashing h1 + i·h2 (h2 odd,
 * so on a power-of-two table the positions are distinct). Not cryptographic: the keys are
 * chosen by clients, and a client who crafts colliding keys only makes its own orders take the
 * database lookup, as they all did before.
 */

export interface KeyFilterOptions {
  /** strings the first layer holds at least (default 65_536); each next layer has twice the bits */
  initialCapacity?: number;
  /** the first layer's false-positive rate when full (default 0.005) */
  falsePositiveRate?: number;
  /** each next layer's rate is this times the previous one's (default 0.8; < 1 bounds the sum) */
  tightening?: number;
}

interface Layer {
  readonly words: Uint32Array;
  /** bit count − 1 (bit count is a power of two) */
  readonly mask: number;
  readonly k: number;
  /** strings it holds at its rate */
  readonly capacity: number;
  /** the rate it was sized for */
  readonly rate: number;
  count: number;
}

/** 2³² bits (512 MiB) per layer at most: positions are 32-bit. */
const MAX_BITS_LOG2 = 32;
const MIN_BITS_LOG2 = 10;

export class KeyFilter {
  private readonly layers: Layer[] = [];
  private readonly initialCapacity: number;
  private readonly firstRate: number;
  private readonly tightening: number;
  // the two hashes of the last string hashed (no allocation per call)
  private h1 = 0;
  private h2 = 0;

  constructor(options: KeyFilterOptions = {}) {
    this.initialCapacity = options.initialCapacity ?? 65_536;
    this.firstRate = options.falsePositiveRate ?? 0.005;
    this.tightening = options.tightening ?? 0.8;
    if (
      !(this.initialCapacity >= 1) ||
      !(this.firstRate > 0 && this.firstRate < 1) ||
      !(this.tightening > 0 && this.tightening <= 1)
    ) {
      throw new RangeError("KeyFilter: initialCapacity >= 1, 0 < falsePositiveRate < 1, 0 < tightening <= 1");
    }
  }

  /** Remember `s`. */
  add(s: string): void {
    let layer = this.layers[this.layers.length - 1];
    if (layer === undefined || layer.count >= layer.capacity) layer = this.addLayer();
    this.hash(s);
    const { words, mask, k } = layer;
    const h2 = this.h2 | 1;
    let pos = this.h1;
    for (let i = 0; i < k; i++) {
      const bit = (pos & mask) >>> 0;
      words[bit >>> 5] = words[bit >>> 5]! | (1 << (bit & 31));
      pos = (pos + h2) | 0;
    }
    // every add counts, also a repeat: the fill (what the rate depends on) is never underestimated
    layer.count++;
  }

  /** false: `s` was certainly never added; true: it may have been. */
  mightContain(s: string): boolean {
    if (this.layers.length === 0) return false;
    this.hash(s);
    const h2 = this.h2 | 1;
    // newest first: a retry is usually of a recent key
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const { words, mask, k } = this.layers[l]!;
      let pos = this.h1;
      let all = true;
      for (let i = 0; i < k; i++) {
        const bit = (pos & mask) >>> 0;
        if ((words[bit >>> 5]! & (1 << (bit & 31))) === 0) {
          all = false;
          break;
        }
        pos = (pos + h2) | 0;
      }
      if (all) return true;
    }
    return false;
  }

  /** strings added (a string added twice counts twice) */
  get size(): number {
    let n = 0;
    for (const l of this.layers) n += l.count;
    return n;
  }

  get layerCount(): number {
    return this.layers.length;
  }

  /** memory held by the bit arrays */
  get bytes(): number {
    let n = 0;
    for (const l of this.layers) n += l.words.byteLength;
    return n;
  }

  /** The most a query can be a false positive with the layers there are now: 1 − Π(1 − p_i) (each layer as if full). */
  falsePositiveBound(): number {
    let none = 1;
    for (const l of this.layers) none *= 1 - l.rate;
    return 1 - none;
  }

  /** Per layer: capacity, strings held, hash count, bits and the rate it is sized for (for tests and stats). */
  layerInfo(): { capacity: number; count: number; k: number; bits: number; rate: number }[] {
    return this.layers.map((l) => ({ capacity: l.capacity, count: l.count, k: l.k, bits: l.mask + 1, rate: l.rate }));
  }

  private addLayer(): Layer {
    const index = this.layers.length;
    const prev = this.layers[index - 1];
    const rate = this.firstRate * this.tightening ** index;
    const k = Math.max(1, Math.round(Math.log2(1 / rate)));
    // bits per string at `rate` with k hashes: (1 − e^(−kn/m))^k = rate ⇔ m/n = −k / ln(1 − rate^(1/k))
    const perString = -k / Math.log(1 - rate ** (1 / k));
    // the first layer: the power of two that holds initialCapacity; then twice the previous one's bits
    const log2Bits =
      prev === undefined
        ? Math.max(MIN_BITS_LOG2, Math.ceil(Math.log2(this.initialCapacity * perString)))
        : Math.min(MAX_BITS_LOG2, Math.log2(prev.mask + 1) + 1);
    const bits = 2 ** log2Bits;
    // as many strings as those bits hold at the rate
    const capacity = Math.max(1, Math.floor(bits / perString));
    const layer: Layer = { words: new Uint32Array(bits / 32), mask: bits - 1, k, capacity, rate, count: 0 };
    this.layers.push(layer);
    return layer;
  }

  /** Two independent 32-bit hashes of `s` into h1, h2. */
  private hash(s: string): void {
    let a = 0x811c9dc5; // FNV-1a
    let b = 0x9747b28c;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    this.h1 = fmix32(a ^ s.length);
    this.h2 = fmix32(b + Math.imul(s.length, 0x27d4eb2f));
  }
}

/** murmur3's finalizer: every input bit affects every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
