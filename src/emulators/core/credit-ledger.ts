/**
 * A tenant's credit balance and its history.
 *
 * Amounts are kept in integer hundredths of a credit, so TAMS's 0.8 + 2.4 + 1.6 is exactly 4.8.
 * Every operation is synchronous: on Node's single thread a check and a debit in one call cannot
 * interleave with another request, which is what makes {@link CreditLedger.tryCharge} atomic.
 */

/** One line of the ledger. */
export interface LedgerEntry {
  at: number;
  kind: "charge" | "refund" | "set";
  /** Credits moved (positive), or the new balance for `set`. */
  amount: number;
  balanceAfter: number;
  memo: string;
}

/** The answer of a charge attempt. */
export type ChargeResult = { ok: true; balance: number } | { ok: false; balance: number; shortBy: number };

/** A balance that cannot be overdrawn. */
export interface CreditLedger {
  /** Current balance in credits. */
  balance(): number;
  /** Takes `amount` if the balance covers it, else takes nothing. */
  tryCharge(amount: number, memo: string): ChargeResult;
  /** Gives `amount` back (a failed job the provider does not bill). */
  refund(amount: number, memo: string): number;
  /** Sets the balance (control plane). */
  set(balance: number, memo?: string): number;
  entries(): readonly LedgerEntry[];
}

/** Credits → integer hundredths. */
export function toHundredths(credits: number): number {
  return Math.round(credits * 100);
}

/** Integer hundredths → credits. */
export function fromHundredths(h: number): number {
  return h / 100;
}

/** Ledger history is capped so a long-running server does not grow without bound. */
const MAX_ENTRIES = 1000;

/**
 * Creates a ledger.
 * @example
 * const ledger = createCreditLedger(10, () => clock.now());
 * ledger.tryCharge(4.8, "job 1"); // { ok: true, balance: 5.2 }
 */
export function createCreditLedger(
  startBalance: number,
  now: () => number,
  /** Called with each new entry (the tenant store publishes it as an event). */
  onEntry?: (entry: LedgerEntry) => void,
): CreditLedger {
  let cents = toHundredths(startBalance);
  const log: LedgerEntry[] = [];
  const record = (kind: LedgerEntry["kind"], amountCents: number, memo: string) => {
    const entry: LedgerEntry = {
      at: now(),
      kind,
      amount: fromHundredths(amountCents),
      balanceAfter: fromHundredths(cents),
      memo,
    };
    log.push(entry);
    if (log.length > MAX_ENTRIES) log.shift();
    onEntry?.(entry);
  };
  return {
    balance: () => fromHundredths(cents),
    tryCharge(amount, memo) {
      const c = toHundredths(amount);
      if (c < 0 || !Number.isFinite(c)) throw new RangeError("charge must be a non-negative number");
      if (c > cents) return { ok: false, balance: fromHundredths(cents), shortBy: fromHundredths(c - cents) };
      cents -= c;
      record("charge", c, memo);
      return { ok: true, balance: fromHundredths(cents) };
    },
    refund(amount, memo) {
      const c = toHundredths(amount);
      if (c < 0 || !Number.isFinite(c)) throw new RangeError("refund must be a non-negative number");
      cents += c;
      record("refund", c, memo);
      return fromHundredths(cents);
    },
    set(balance, memo = "set by control plane") {
      cents = toHundredths(balance);
      record("set", cents, memo);
      return fromHundredths(cents);
    },
    entries: () => log,
  };
}
