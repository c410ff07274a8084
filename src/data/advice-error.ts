/**
 * Errors of an add whose advice names one of its options, said both ways the option is given:
 * `--encoding latin-1` on the command line, `?encoding=latin-1` in the HTTP API's query (each of
 * these options is a flag and a query parameter of the same name, the flag in kebab-case:
 * `--fill-short-rows`, `?fillShortRows=true`). The message says the CLI's; the HTTP API answers
 * with queryMessage.
 */
import { KeelError } from '../core/index.js';

/** The options that errors' advice names. */
export type AdviceOption = 'format' | 'encoding' | 'skip' | 'delimiter' | 'decimal' | 'na' | 'fillShortRows';

/** The options that are switches: a flag without a value, `true` in the query. */
const SWITCHES: ReadonlySet<AdviceOption> = new Set(['fillShortRows']);

/** An option as the advice names it, with the value to give it if the advice has one. */
export type Say = (option: AdviceOption, value?: string) => string;

/** A value as a shell takes it: quoted when it holds more than word characters (`';'`). */
const shellWord = (v: string): string => (/^[\w.,:/-]+$/.test(v) ? v : `'${v}'`);

const flag = (o: AdviceOption): string => `--${o.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
const onCommandLine: Say = (o, v) => (v === undefined || SWITCHES.has(o) ? flag(o) : `${flag(o)} ${shellWord(v)}`);
const inQuery: Say = (o, v) => `?${o}=${SWITCHES.has(o) ? 'true' : (v ?? '')}`;

/** Where the error keeps its message as the HTTP API says it. */
const QUERY_MESSAGE = 'queryMessage';

/** An INVALID_ARGUMENT about `field`, `field: text`, whose text names options with `say`. */
export function adviceError(field: string, text: (say: Say) => string, cause?: unknown): KeelError {
  return new KeelError('INVALID_ARGUMENT', `${field}: ${text(onCommandLine)}`, { field, cause, details: { [QUERY_MESSAGE]: `${field}: ${text(inQuery)}` } });
}

/** An error's message as the HTTP API says it: the options its advice names as query parameters. */
export function queryMessage(e: KeelError): string {
  const said = e.details?.[QUERY_MESSAGE];
  return typeof said === 'string' ? said : e.message;
}

/** `e` with `rewrite` applied to its message, both ways it is said (a file named as the user knows it, say). */
export function rewritten(e: KeelError, rewrite: (message: string) => string): KeelError {
  const message = rewrite(e.message);
  const said = e.details?.[QUERY_MESSAGE];
  if (message === e.message && (typeof said !== 'string' || rewrite(said) === said)) return e;
  const details = typeof said === 'string' ? { ...e.details, [QUERY_MESSAGE]: rewrite(said) } : e.details;
  return new KeelError(e.code, message, { ...(e.field === undefined ? {} : { field: e.field }), ...(details === undefined ? {} : { details }), cause: e });
}

/** The options advice names, as the HTTP API says them: `?format=`, `?encoding=latin-1`, `?delimiter=;`, `?na=a,b`, `?fillShortRows=true`. */
const QUERY_ADVICE = /\?(format|encoding|skip|delimiter|decimal|na|fillShortRows)=([^\s)]*)/g;

/**
 * A message of the HTTP API with its advice said as the CLI's flags (`?encoding=latin-1` becomes
 * `--encoding latin-1`): what `keel --server URL data add` prints.
 */
export const commandLineAdvice = (message: string): string => message.replace(QUERY_ADVICE, (_, option: AdviceOption, value: string) => onCommandLine(option, value === '' ? undefined : value));
