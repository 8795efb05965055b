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
  const hex = (n: number, width: number) => n.toString(16).padStart(width, "0").slice(-width);
  return {
    /** `64351e4d567bcd86773dc841`-style: 4 bytes of seconds, 4 random bytes, 4 bytes of counter. */
    objectId(now: number): string {
      seq++;
      // join() makes one flat string; `+` would keep a rope of the parts for as long as the id lives.
      return [hex(Math.floor(now / 1000), 8), hex(machine, 8), hex(seq, 8)].join("");
    },
    /** `cgqhsljj5mf00080001g`-style (xid, base32hex). */
    xid(now: number): string {
      seq++;
      const alphabet = "0123456789abcdefghijklmnopqrstuv";
      // xid: 4 bytes of seconds, 5 bytes of machine and process, 3 bytes of counter.
      let n = (BigInt(Math.floor(now / 1000)) << 64n) | (BigInt(machine) << 24n) | BigInt(seq & 0xffffff);
      const out: string[] = [];
      for (let i = 19; i >= 0; i--) {
        out[i] = alphabet[Number(n % 32n)]!;
        n /= 32n;
      }
      return out.join("");
    },
    /** Draws the random parts again (after the server's full reset restarted the stream). */
    reset() {
      ({ machine, start } = draw());
      seq = start;
    },
  };
}
