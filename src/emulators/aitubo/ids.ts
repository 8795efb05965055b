/**
 * Aitubo-looking identifiers: 24-hex ObjectIds for jobs and arts, 20-char xids for file names
 * (the shapes in the doc's examples). Deterministic per server: time from the clock plus a counter.
 */

/** Makes ids for one provider instance. */
export function createIdFactory() {
  let seq = 0x5a17;
  const hex = (n: number, width: number) => n.toString(16).padStart(width, "0").slice(-width);
  const MACHINE = hex(0x567bcd86, 8);
  return {
    /** `64351e4d567bcd86773dc841`-style: 4 bytes of seconds, 8 bytes of counter. */
    objectId(now: number): string {
      seq++;
      // join() makes one flat string; `+` would keep a rope of the parts for as long as the id lives.
      return [hex(Math.floor(now / 1000), 8), MACHINE, hex(seq, 8)].join("");
    },
    /**
     * `cgqhsljj5mf00080001g`-style (xid, base32hex): seconds × 2^40 + counter in 20 digits. The low
     * 8 digits are the counter's 40 bits and the high 12 the seconds, so no BigInt is needed; base32hex
     * is Number#toString(32)'s own alphabet.
     */
    xid(now: number): string {
      seq++;
      const high = Math.floor(now / 1000)
        .toString(32)
        .padStart(12, "0")
        .slice(-12);
      return [high, (seq % 2 ** 40).toString(32).padStart(8, "0")].join("");
    },
    reset() {
      seq = 0x5a17;
    },
  };
}
