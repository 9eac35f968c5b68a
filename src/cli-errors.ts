/** A mistake in how a command was called: printed as one line, with no stack trace. */
export class UsageError extends Error {}
