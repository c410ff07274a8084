/**
 * JSON.stringify's replacer for what Keel writes as JSON, the CLI's `--json` and the API's bodies
 * alike, so that a command prints the same through `--server` as locally: NaN and ±Infinity
 * survive as strings, as MLflow writes them (JSON.stringify alone would write null, which reads
 * as "missing"); a bigint becomes a number (JSON.stringify alone would throw).
 */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return Number(value);
  return value;
}

/** A number as jsonReplacer wrote it, back: 'NaN', 'Infinity' and '-Infinity' become numbers again. */
export function fromJsonNumber(value: number | string): number {
  return typeof value === 'number' ? value : Number(value);
}

/** A record of numbers as JSON carried them (metrics by name), each a number again ('NaN', 'Infinity' included). */
export function numbersFromJson(record: Readonly<Record<string, number | string>>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fromJsonNumber(v)]));
}

/** The numbers of a drift column that can be non-finite (a chi-squared statistic of a new category is Infinity). */
interface DriftNumbersJson {
  readonly statistic: number | string;
  readonly pValue?: number | string;
  readonly threshold: number | string;
}

/**
 * A drift report (validation's, or a monitor window's) as JSON carried it, its columns' statistic,
 * p-value and threshold numbers again: read back, 'Infinity' is the number, as the report that was
 * written held it, and a remote caller sees what a local one does.
 */
export function driftReportFromJson<R extends { readonly columns: readonly object[] }>(report: R): R {
  const columns = (report.columns as readonly DriftNumbersJson[]).map((c) => ({
    ...c,
    statistic: fromJsonNumber(c.statistic),
    ...(c.pValue !== undefined ? { pValue: fromJsonNumber(c.pValue) } : {}),
    threshold: fromJsonNumber(c.threshold),
  }));
  return { ...report, columns };
}

/** A monitor window as JSON carried it: its metrics and drift reports hold numbers again (driftReportFromJson). */
export function windowFromJson<W extends { readonly metrics: Readonly<Record<string, number | string>>; readonly details: { readonly inputDrift?: { readonly columns: readonly object[] }; readonly outputDrift?: { readonly columns: readonly object[] } } }>(window: W): W {
  const { inputDrift, outputDrift } = window.details;
  return {
    ...window,
    metrics: numbersFromJson(window.metrics),
    details: {
      ...window.details,
      ...(inputDrift ? { inputDrift: driftReportFromJson(inputDrift) } : {}),
      ...(outputDrift ? { outputDrift: driftReportFromJson(outputDrift) } : {}),
    },
  };
}

/** An alert as JSON carried it: the value that fired it a number again (a drift statistic of Infinity). */
export function alertFromJson<A extends { readonly value: number | string | null }>(alert: A): A {
  return alert.value === null ? alert : { ...alert, value: fromJsonNumber(alert.value) };
}

/** A monitor's status (`GET /monitor-status/...`) as JSON carried it: windows and alerts with their numbers. */
export function monitorStatusFromJson<S extends { readonly windows: readonly Parameters<typeof windowFromJson>[0][]; readonly alerts: readonly Parameters<typeof alertFromJson>[0][] }>(status: S): S {
  return { ...status, windows: status.windows.map(windowFromJson), alerts: status.alerts.map(alertFromJson) };
}

/** A monitor run's result (`POST /monitors/:name/run`) as JSON carried it: the windows it evaluated and the alerts it fired with their numbers. */
export function monitorRunFromJson<R extends { readonly evaluated: readonly Parameters<typeof windowFromJson>[0][]; readonly fired: readonly Parameters<typeof alertFromJson>[0][] }>(result: R): R {
  return { ...result, evaluated: result.evaluated.map(windowFromJson), fired: result.fired.map(alertFromJson) };
}
