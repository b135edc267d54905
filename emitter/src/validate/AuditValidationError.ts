/** One wrong input field and what is wrong with it. */
export interface ValidationIssue {
  readonly field: string;
  readonly message: string;
}

/** Invalid input to an emitter call; thrown only with `throwOnInvalid`, otherwise passed to `onError`. */
export class AuditValidationError extends Error {
  constructor(
    readonly logType: string,
    readonly issues: readonly ValidationIssue[]
  ) {
    super(`invalid ${logType} event: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
    this.name = 'AuditValidationError';
  }
}
