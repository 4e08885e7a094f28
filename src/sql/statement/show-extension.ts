/**
 * SHOW statements served by the process around the database rather than by settings: SHOW
 * METRICS and SHOW WAF (the operations issue). Their result columns are fixed here, so a plan
 * knows them from the statement alone; their rows come from a provider the server registers on
 * the Database (`database.showExtensions.set('metrics', rows)`).
 *
 * - Names are lower case; without a registered provider the name is an ordinary (unknown)
 *   setting and SHOW fails as PostgreSQL does (42704).
 * - Every value is text (as SHOW's columns are).
 */

/** Produces the rows of one SHOW extension (called once per execution). */
export type ShowRows = () => Array<Array<string | null>>;

export const SHOW_EXTENSION_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  metrics: ['metric', 'labels', 'value'],
  waf: ['component', 'bytes_written', 'write_amplification'],
};
