import { DataFrameType, FieldType, type DataFrame } from '@grafana/data';
import type { StatsResponse } from '@auditlens/contract';

/** One series' name and its total over the range. */
export interface SeriesTotal {
  readonly name: string;
  readonly total: number;
}

/**
 * Counts as time series frames (one per action or outcome), one bucket per step across [from, to) with zeros
 * where nothing happened, so bars stand at their time and quiet periods show as gaps.
 */
export function countsFrames(stats: StatsResponse, from: number, to: number): DataFrame[] {
  const stepMs = stats.step * 1000;
  const first = stats.series.flatMap((s) => s.points.map(([at]) => at))[0];
  // Buckets keep the phase of the service's points (Loki aligns them to its own start), or start at `from`.
  const phase = first === undefined ? from : first;
  const start = phase - Math.ceil((phase - from) / stepMs) * stepMs;
  const times: number[] = [];
  for (let t = start; t < to; t += stepMs) times.push(t);
  const slot = (at: number): number => Math.round((at - start) / stepMs);
  return stats.series.map((series) => {
    const counts = times.map(() => 0);
    for (const [at, count] of series.points) {
      const i = slot(at);
      if (i >= 0 && i < counts.length) counts[i]! += count;
    }
    return {
      name: series.name,
      refId: `counts-${stats.by}`,
      meta: { type: DataFrameType.TimeSeriesMulti, custom: { by: stats.by } },
      length: times.length,
      fields: [
        { name: 'time', type: FieldType.time, config: { interval: stepMs }, values: times },
        {
          name: series.name,
          type: FieldType.number,
          labels: { [stats.by]: series.name },
          config: { displayNameFromDS: series.name },
          values: counts,
        },
      ],
    };
  });
}

/** Each series' total, in the frames' order. */
export function totalsOf(frames: readonly DataFrame[]): SeriesTotal[] {
  return frames.map((frame) => ({
    name: frame.name ?? '',
    total: (frame.fields[1]?.values ?? []).reduce((n: number, v: unknown) => n + Number(v), 0),
  }));
}
