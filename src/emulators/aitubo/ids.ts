/**
 * Aitubo-looking identifiers: 24-hex ObjectIds for jobs and arts, 20-char xids for file names
 * (the shapes in the doc's examples). Like MongoDB's and xid's, they are time from the clock, a
 * per-process random part and a counter that starts at a random point: different on every start,
 * reproducible with the server's seed.
 */

/** Makes ids for one provider instance, drawing its random parts from `random`. */
export function createIdFactory(random: () => number) {
  const draw = () => ({
    machine: Math.floor(random() * 2 ** 32),
    start: Math.floor(random() * 2 ** 24),
  });
  let { machine, start } = draw();
  let seq = start;
  return {
    /** `64351e4d567bcd86773dc841`-style: 4 bytes of seconds, 4 random bytes, 4 bytes of counter. */
    objectId(now: number): string {
      seq++;
      return objectIdOf(Math.floor(now / 1000), machine, seq);
    },
    /** `cgqhsljj5mf00080001g`-style (xid, base32hex). */
    xid(now: number): string {
      seq++;
      return xidOf(Math.floor(now / 1000), machine, seq);
    },
    /** Draws the random parts again (after the server's full reset restarted the stream). */
    reset() {
      ({ machine, start } = draw());
      seq = start;
    },
  };
}

/** Hex digits, as char codes. */
const HEX = [..."0123456789abcdef"].map((ch) => ch.charCodeAt(0));
/** The digits of the ObjectId being made (reused: made synchronously, one at a time). */
const hexDigits: number[] = new Array(24).fill(0);

/** Writes the low 32 bits of `n` as 8 hex digits at `at`. */
function putHex8(n: number, at: number): void {
  for (let i = 7; i >= 0; i--) {
    hexDigits[at + i] = HEX[n & 15]!;
    n >>>= 4;
  }
}

/**
 * A 24-hex ObjectId: 4 bytes each of seconds, machine and counter (each taken mod 2³²).
 * One flat string made at once (joined parts would be slower; `+` would keep a rope).
 */
export function objectIdOf(seconds: number, machine: number, seq: number): string {
  putHex8(seconds >>> 0, 0);
  putHex8(machine >>> 0, 8);
  putHex8(seq >>> 0, 16);
  return String.fromCharCode(...hexDigits);
}

/** base32hex digits, as char codes. */
const BASE32HEX = [..."0123456789abcdefghijklmnopqrstuv"].map((ch) => ch.charCodeAt(0));
/** The digits of the id being made (reused: made synchronously, one at a time). */
const digits: number[] = new Array(20).fill(0);

/**
 * An xid's 20 base32hex digits of the 96-bit number `seconds·2⁶⁴ + machine·2²⁴ + (seq mod 2²⁴)`
 * (4 bytes of seconds, the machine part, 3 bytes of counter), most significant digit first.
 * Computed on three 32-bit words, not a BigInt: it runs for every image of every job.
 */
export function xidOf(seconds: number, machine: number, seq: number): string {
  // Bits 0–31, 32–63 and 64–95 of the number.
  const w0 = (((machine & 0xff) << 24) | (seq & 0xffffff)) >>> 0;
  const w1 = machine >>> 8;
  const w2 = seconds >>> 0;
  for (let i = 0; i < 20; i++) {
    const p = i * 5;
    const o = p & 31;
    const w = p >>> 5;
    let v = (w === 0 ? w0 : w === 1 ? w1 : w2) >>> o;
    // A digit that straddles two words takes its high bits from the next one.
    if (o > 27 && w < 2) v |= (w === 0 ? w1 : w2) << (32 - o);
    digits[19 - i] = BASE32HEX[v & 31]!;
  }
  // One flat string, made at once (appending would keep a rope of parts as long as the id lives).
  return String.fromCharCode(...digits);
}
