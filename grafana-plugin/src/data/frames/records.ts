import { DataFrameView, arrayToDataFrame, type DataFrame } from '@grafana/data';

/**
 * Plain records (exports, alerts) as a frame with a column per key, named so that an empty list still keeps
 * its columns; {@link recordsOf} reads them back through Grafana's `DataFrameView`.
 */
export function recordsFrame<T extends object>(
  name: string,
  records: readonly T[],
  keys: ReadonlyArray<keyof T & string>
): DataFrame {
  const frame = arrayToDataFrame(records as T[], [...keys]);
  return { ...frame, name, refId: name, length: records.length };
}

/** The records of a frame built by {@link recordsFrame}. */
export function recordsOf<T extends object>(frame: DataFrame | undefined): T[] {
  if (!frame || frame.length === 0) return [];
  return new DataFrameView<T>(frame).toArray();
}
