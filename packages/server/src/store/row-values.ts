/** A timestamp column as a Date; null stays null. (PGlite gives Dates, pg strings or Dates.) */
export const dateOrNull = (value: unknown): Date | null => (value == null ? null : new Date(value as string));
