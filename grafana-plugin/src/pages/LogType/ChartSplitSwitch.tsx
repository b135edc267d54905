import React from 'react';
import { RadioButtonGroup } from '@grafana/ui';
import {
  SceneObjectBase,
  sceneGraph,
  type SceneComponentProps,
  type SceneObjectState,
} from '@grafana/scenes';
import { STATS_SPLITS, type StatsSplit } from '@auditlens/contract';
import { AuditQueryRunner } from '../../data/AuditQueryRunner';

const SPLIT_OPTIONS = STATS_SPLITS.map((s) => ({ label: `By ${s}`, value: s }));

/** In a chart panel's header: split the counts by action or by outcome (the nearest counts runner's `by`). */
export class ChartSplitSwitch extends SceneObjectBase<SceneObjectState> {
  static Component = ChartSplitSwitchRenderer;

  /** The counts runner this switch steers. */
  runner(): AuditQueryRunner {
    const data = sceneGraph.getData(this);
    if (!(data instanceof AuditQueryRunner))
      throw new Error('ChartSplitSwitch needs an AuditQueryRunner above it');
    return data;
  }

  setSplit(by: StatsSplit): void {
    const runner = this.runner();
    const { request } = runner.state;
    if (request.kind === 'counts' && request.by !== by) runner.setRequest({ ...request, by });
  }
}

function ChartSplitSwitchRenderer({
  model,
}: SceneComponentProps<ChartSplitSwitch>): React.JSX.Element | null {
  const { request } = model.runner().useState();
  if (request.kind !== 'counts') return null;
  return (
    <RadioButtonGroup
      size="sm"
      options={SPLIT_OPTIONS}
      value={request.by}
      onChange={(by) => model.setSplit(by)}
    />
  );
}
