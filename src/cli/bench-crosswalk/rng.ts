/** mulberry32: a small seeded PRNG (uniform in [0, 1)), so a seed always gives the same data set. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Helpers over one random source. */
export class Rng {
  constructor(readonly next: () => number) {}
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(min: number, maxInclusive: number): number {
    return min + Math.floor(this.next() * (maxInclusive - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
  /** One keyboard-style edit: substitute, delete, insert or swap two neighbours. */
  typo(value: string): string {
    if (value.length < 2) return value;
    const i = this.int(0, value.length - 1);
    const letter = String.fromCharCode(97 + this.int(0, 25));
    switch (this.int(0, 3)) {
      case 0: return value.slice(0, i) + letter + value.slice(i + 1);
      case 1: return value.slice(0, i) + value.slice(i + 1);
      case 2: return value.slice(0, i) + letter + value.slice(i);
      default: {
        const j = Math.min(i + 1, value.length - 1);
        return j === i ? value : value.slice(0, i) + value[j] + value[i] + value.slice(j + 1);
      }
    }
  }
}
