/**
 * Aitubo-looking identifiers: 24-hex ObjectIds for jobs and arts, 20-char xids for file names
 * (the shapes in the doc's examples). Deterministic per server: time from the clock plus a counter.
 */

/** Makes ids for one provider instance. */
export function createIdFactory() {
  let seq = 0x5a17;
  const hex = (n: number, width: number) => n.toString(16).padStart(width, "0").slice(-width);
  return {
    /** `64351e4d567bcd86773dc841`-style: 4 bytes of seconds, 8 bytes of counter. */
    objectId(now: number): string {
      seq++;
      return hex(Math.floor(now / 1000), 8) + hex(0x567bcd86, 8) + hex(seq, 8);
    },
    /** `cgqhsljj5mf00080001g`-style (xid, base32hex). */
    xid(now: number): string {
      seq++;
      const alphabet = "0123456789abcdefghijklmnopqrstuv";
      let n = BigInt(Math.floor(now / 1000)) * 2n ** 40n + BigInt(seq);
      let out = "";
      for (let i = 0; i < 20; i++) {
        out = alphabet[Number(n % 32n)] + out;
        n /= 32n;
      }
      return out;
    },
    reset() {
      seq = 0x5a17;
    },
  };
}
