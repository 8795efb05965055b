/**
 * The printed report: one row per figure, with the emulator's value, the baseline's, their ratio,
 * the target and whether it is met.
 */

/** One line of the table. */
export interface Row {
  figure: string;
  emulator: string;
  baseline: string;
  ratio: string;
  target: string;
  /** true = pass, false = fail, undefined = for information (no target). */
  pass: boolean | undefined;
}

/** Formats a number with a fixed number of decimals and thousands separators. */
export function num(n: number | undefined, decimals = 0): string {
  if (n === undefined || !Number.isFinite(n)) return "n/a";
  return n.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** `a / b` as "1.23×". */
export function ratio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0)
    return "n/a";
  return `${(a / b).toFixed(2)}×`;
}

/** The table, as aligned plain text (also valid inside a Markdown code block). */
export function renderTable(rows: readonly Row[]): string {
  const header = ["figure", "emulator", "baseline", "ratio", "target", "result"];
  const cells = rows.map((r) => [
    r.figure,
    r.emulator,
    r.baseline,
    r.ratio,
    r.target,
    r.pass === undefined ? "info" : r.pass ? "PASS" : "FAIL",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  // Text columns left-aligned, figures right-aligned.
  const line = (c: string[]) =>
    c.map((s, i) => (i === 0 || i >= 4 ? s.padEnd(widths[i]!) : s.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}

/** The same rows as a Markdown table (for pasting into the README). */
export function renderMarkdown(rows: readonly Row[]): string {
  const out = ["| figure | emulator | baseline | ratio | target | result |", "|---|---:|---:|---:|---|---|"];
  for (const r of rows) {
    const result = r.pass === undefined ? "info" : r.pass ? "pass" : "**fail**";
    out.push(`| ${r.figure} | ${r.emulator} | ${r.baseline} | ${r.ratio} | ${r.target} | ${result} |`);
  }
  return out.join("\n");
}
