/**
 * The one error the credit functions throw for a request they cannot price.
 *
 * `field` is a path into the request as the caller wrote it (`stages[1].diffusion.steps`,
 * `params.17.inputs.steps`, `count`), so an emulator can map it to its provider's own error body
 * (TAMS `ArgumentError.field`, Qolaba `error_data.errors[].field`) and the CLI can name it.
 */
export class CreditsInputError extends Error {
  override readonly name = "CreditsInputError";
  /** Path of the offending field in the request, in the spelling the request used. */
  readonly field: string;
  /** What is wrong, without the path (the message is `${field}: ${detail}`). */
  readonly detail: string;

  /**
   * @example throw new CreditsInputError("stages[1].diffusion.steps", "must be an integer ≥ 1, got \"abc\"")
   */
  constructor(field: string, detail: string) {
    super(field ? `${field}: ${detail}` : detail);
    this.field = field;
    this.detail = detail;
  }
}

/** Type guard for {@link CreditsInputError} (also across module copies, by name and shape). */
export function isCreditsInputError(error: unknown): error is CreditsInputError {
  return (
    error instanceof CreditsInputError ||
    (error instanceof Error &&
      error.name === "CreditsInputError" &&
      typeof (error as { field?: unknown }).field === "string")
  );
}
